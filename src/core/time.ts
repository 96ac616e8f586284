/** Times as people read them: UTC, and Korea Standard Time (UTC+9 all year, no daylight saving). */
export const KST_HOURS = 9;

/** `2026-11-22 12:40:44.901` — the instant's wall-clock reading at a fixed offset from UTC. */
export function wallClock(at: string | Date, offsetHours = 0): string {
  return new Date(new Date(at).getTime() + offsetHours * 3_600_000).toISOString().replace('T', ' ').replace('Z', '');
}
