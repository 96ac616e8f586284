/**
 * Evidence packs read back (`verify`/`show` of a pack zip): the zip reader, the pack's files
 * (manifest.json, signature.p7s, entries/*.json and *.proof, certs/*.pem, timestamps/*.url),
 * and verification of the receipt they make. A mutant that verifies must prove no more than a seed.
 * Most inputs are read from memory (the reader `loadReceiptSource` runs on a zip's bytes); one in
 * eight is written and read from disk as the CLI reads it. Re-zipped mutants are mostly stored
 * (one in four deflated): the seeds and byte-level mutants keep the reader's inflate path busy.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { unzip } from '../../dist/core/io/unzip.js';
import { zip } from '../../dist/core/io/zip.js';
import { loadPackZip, loadReceiptSource } from '../../dist/core/receipt/source.js';
import { verifyReceipt } from '../../dist/core/verify/receipt.js';
import { FUZZ_NOW, seeds } from '../lib/corpus.ts';
import { derInputs } from '../lib/inputs.ts';
import { applyPlan, byteEdit, jsonEdit, lineEdit, opArb, planArb } from '../lib/mutate.ts';
import { cert, mustMatchASeed, receiptFacts, VERIFY_NOW } from '../lib/oracle.ts';
import { scratchDir } from '../lib/scratch-dir.ts';
import type { Target } from '../lib/target.ts';

let dir: string;
let anchors: ReturnType<typeof cert>[];
let facts: ReturnType<typeof receiptFacts>[];
let n = 0;
const cmsSeeds = seeds('cms');

const HOSTILE_LINES = ['L 00', `R ${'ab'.repeat(32)}`, 'X 00', 'L', '-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----', 'http://127.0.0.1/', '../../x'];

/** One file of an unpacked seed changed in a way that fits its kind, or files added, dropped or renamed. */
const unzipped = new Map<Uint8Array, { path: string; data: Uint8Array }[]>();

/** A seed's files (unzipped once: seeds do not change). */
function filesOf(seed: Uint8Array): { path: string; data: Uint8Array }[] {
  let files = unzipped.get(seed);
  if (!files) {
    const z = unzip(seed, 'seed');
    files = z.names.map((name) => ({ path: name, data: z.read(name)! }));
    unzipped.set(seed, files);
  }
  return files.map((f) => ({ ...f }));
}

function packEdit(seed: Uint8Array, plan: { pick: number; ops: { kind: number; a: number; b: number; c: number }[] }, derSeeds: readonly Uint8Array[]): Uint8Array {
  const files = filesOf(seed);
  const f = files[plan.pick % files.length]!;
  const op = plan.ops[0]!;
  if (op.kind % 10 === 0) files.splice(plan.pick % files.length, 1);
  else if (op.kind % 10 === 1) files.push({ path: f.path.replace(/\d+/, (d) => String(Number(d) + 1 + (op.a % 3)).padStart(d.length, '0')), data: f.data });
  else if (op.kind % 10 === 2) f.path = ['pack/entries/../manifest.json', 'pack/entries/1.json', 'pack/entries/0000000000001.json', '/pack/manifest.json', 'pack\\signature.p7s', 'signature.p7s'][op.a % 6]!;
  else if (/\.(p7s|bin|tst)$/.test(f.path)) f.data = applyPlan({ seed: 0, ops: plan.ops }, [f.data, ...derSeeds]);
  else if (/\.json$/.test(f.path)) f.data = Buffer.from(plan.ops.reduce((t, o) => jsonEdit(t, o), Buffer.from(f.data).toString('utf8')));
  else if (/\.(proof|pem|url|txt|md|sh)$/.test(f.path)) f.data = Buffer.from(plan.ops.reduce((t, o) => lineEdit(t, o, HOSTILE_LINES), Buffer.from(f.data).toString('utf8')));
  else f.data = byteEdit(f.data, op, seed);
  return zip(files, FUZZ_NOW, { store: plan.pick % 4 !== 0 });
}

export const target: Target = {
  name: 'pack',
  about: 'evidence packs read back (zip): the zip reader, the pack files, and verification of the receipt they make',
  seeds: () => seeds('pack'),
  inputs: (s) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.record({ pick: fc.nat(), seed: fc.nat(), ops: fc.array(opArb, { minLength: 1, maxLength: 3 }) }).map((p) => packEdit(s[p.seed % s.length]!, p, cmsSeeds)) },
      { weight: 2, arbitrary: planArb(3).map((p) => applyPlan({ ...p, ops: p.ops.map((o) => ({ ...o, kind: 24 + (o.kind % 8) })) }, s)) },
      { weight: 1, arbitrary: derInputs(s) },
    ),
  timeLimitMs: 4000,
  async setup() {
    dir = scratchDir('pack');
    anchors = [cert('root-ca')];
    facts = [];
    for (const s of seeds('pack')) {
      const file = path.join(dir, 'seed.zip');
      writeFileSync(file, s);
      const l = await loadReceiptSource(file);
      const v = verifyReceipt(l.receipt, { anchors, now: VERIFY_NOW, extraCertificates: l.certificates });
      if (!v.ok) throw new Error(`a seed pack does not verify: ${JSON.stringify(v.checks.filter((c) => !c.ok))}`);
      facts.push(receiptFacts(v));
    }
  },
  async run(input) {
    let l: Awaited<ReturnType<typeof loadReceiptSource>>;
    if (n++ % 8 === 0) {
      const file = path.join(dir, `p${n % 4}.zip`);
      writeFileSync(file, input);
      l = await loadReceiptSource(file);
    } else l = await loadPackZip(input, 'fuzz.zip');
    const v = verifyReceipt(l.receipt, { anchors, now: VERIFY_NOW, extraCertificates: l.certificates });
    if (v.ok) mustMatchASeed(receiptFacts(v), facts, 'evidence pack');
  },
};
