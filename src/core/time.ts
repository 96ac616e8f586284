/** Times as people read them: UTC, and Korea Standard Time (UTC+9 all year, no daylight saving). */
export const KST_HOURS = 9;

/** `2026-11-22 12:40:44.901` — the instant's wall-clock reading at a fixed offset from UTC. */
export function wallClock(at: string | Date, offsetHours = 0): string {
  return new Date(new Date(at).getTime() + offsetHours * 3_600_000).toISOString().replace('T', ' ').replace('Z', '');
}

/** `2026-11-22 02:08:22.506 UTC (11:08:22 KST)`-style: UTC to the millisecond, then Korea Standard Time. */
export function bothClocks(iso: string): string {
  return `${wallClock(iso)} UTC (${wallClock(iso, KST_HOURS).slice(0, 19)} KST)`;
}
