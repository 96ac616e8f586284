/** Runs saved inputs of a target once each and says what the contract makes of them: node fuzz/replay.ts <target> <file>… */
import { readFileSync } from 'node:fs';
import { contractBreach, type Target } from './lib/target.ts';

const [name, ...files] = process.argv.slice(2);
if (!name || !files.length) {
  console.error('usage: node fuzz/replay.ts <target> <file>…');
  process.exit(2);
}
const { target } = (await import(`./targets/${name}.ts`)) as { target: Target };
await target.setup?.();
let bad = 0;
for (const f of files) {
  try {
    await target.run(new Uint8Array(readFileSync(f)));
    console.log(`${f}: ok`);
  } catch (err) {
    const breach = contractBreach(err);
    if (breach) bad++;
    console.log(`${f}: ${breach ?? `typed error (within the contract): ${err instanceof Error ? err.message : String(err)}`}`);
  }
}
process.exitCode = bad ? 1 : 0;
