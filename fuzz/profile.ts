/**
 * Where a target's time goes: CPU time per input spent making inputs (the generator) and running
 * them (the code under test), on one thread without the campaign's worker. With `--cpu-prof`,
 * node writes a profile to open in Chrome's DevTools.
 *
 *   node --stack-size=3900 fuzz/profile.ts receipt 2000
 *   node --stack-size=3900 --cpu-prof --cpu-prof-dir=/tmp/prof fuzz/profile.ts pack 2000
 *
 * (Workers have a 4 MB stack; --stack-size gives this thread as much for deeply nested inputs.)
 */
import fc from 'fast-check';
import { contractBreach, type Target } from './lib/target.ts';

const name = process.argv[2];
const n = Number(process.argv[3] ?? 1000);
if (!name || !Number.isInteger(n) || n <= 0) {
  console.error('usage: node fuzz/profile.ts <target> [inputs]');
  process.exit(2);
}
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const { target } = (await import(`./targets/${name}.ts`)) as { target: Target };
let t0 = cpuMs();
await target.setup?.();
const seeds = target.seeds();
const setupMs = cpuMs() - t0;
Error.stackTraceLimit = 0;
t0 = cpuMs();
const inputs = fc.sample(target.inputs(seeds), { seed: 7, numRuns: n });
const genMs = cpuMs() - t0;
t0 = cpuMs();
let breaches = 0;
let bytes = 0;
for (const input of inputs) {
  bytes += input.length;
  try {
    await target.run(input);
  } catch (err) {
    const b = contractBreach(err);
    if (b && breaches++ < 5) console.error(`breach on ${JSON.stringify(Buffer.from(input.subarray(0, 600)).toString('latin1'))} (${input.length} B): ${b.split('\n')[0]}`);
  }
}
const runMs = cpuMs() - t0;
console.log(`${name}: setup ${setupMs.toFixed(0)} ms; per input ${(genMs / n).toFixed(3)} ms making, ${(runMs / n).toFixed(3)} ms running (CPU); ${Math.round(bytes / n)} bytes on average; ${breaches} contract breach(es)`);
