/** Obtaining timestamps under a timestamp policy (./policy.ts, docs/long-term.md#several-tsas-as-a-policy). */
import { TsaError } from '../errors.js';
import { obtainTimestamps, type ObtainedTimestamp, type TimestampClientOptions, type TsaEndpoint } from '../tsp/client.js';
import { joinTexts, t, type Text } from '../text.js';
import { distinct, operatorOf, type Operator, type TimestampPolicy } from './policy.js';

/** The operator of a timestamp just obtained (its verified path and anchor). */
export function operatorOfStamp(s: ObtainedTimestamp): Operator {
  return operatorOf(s.verification.path?.[0], s.verification.info?.anchor, s.url);
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/**
 * Asks every TSA and succeeds when at least `minimum` answered validly (tokens) and, with a
 * policy, when they come from at least `policy.require` distinct operators. Otherwise one
 * TsaError (exit 3) naming every TSA that failed and every answer that did not count.
 */
export async function obtainUnderPolicy(
  endpoints: readonly TsaEndpoint[],
  data: Uint8Array,
  want: { minimum: number; policy?: TimestampPolicy },
  o: TimestampClientOptions,
): Promise<{ stamps: ObtainedTimestamp[]; failures: { url: string; error: TsaError }[]; operators: Operator[] }> {
  if (!want.policy) {
    const r = await obtainTimestamps(endpoints, data, want.minimum, o);
    return { ...r, operators: r.stamps.map(operatorOfStamp) };
  }
  const { stamps, failures } = await obtainTimestamps(endpoints, data, 0, o);
  const withOps = stamps.map((s) => ({ s, operator: operatorOfStamp(s) }));
  const { operators, duplicates } = distinct(withOps);
  if (operators.length < want.policy.require || stamps.length < want.minimum) {
    const why: Text[] = [...failures.map((f) => f.error.text), ...duplicates.map((d) => t`${hostOf(d.item.s.url)} is operated by ${d.item.operator.label}, as ${hostOf(d.same.s.url)} is`)];
    throw new TsaError({
      code: 'TSA_POLICY_UNMET',
      message: t`timestamp policy not met: ${operators.length} distinct TSA operator(s) answered validly (${stamps.length} of ${endpoints.length} TSAs), ${want.policy.require} required: ${joinTexts(why, '; ')}`,
    });
  }
  return { stamps, failures, operators: withOps.map((x) => x.operator) };
}
