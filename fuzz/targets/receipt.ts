/**
 * Receipts (*.tsproof.json) as `verify`, `show` and `receipt extract` read them: the streaming
 * JSON reader, the base64 DER inside (manifest, CMS signature, tokens, certificates), verification.
 * A mutant that verifies must prove no more than a seed proves.
 */
import { extractEntry, extractPieces } from '../../dist/core/receipt/extract.js';
import { parseReceiptBytes } from '../../dist/core/receipt/load.js';
import { verifyReceipt } from '../../dist/core/verify/receipt.js';
import { seeds } from '../lib/corpus.ts';
import { receiptInputs } from '../lib/inputs.ts';
import { cert, mustMatchASeed, receiptFacts, VERIFY_NOW } from '../lib/oracle.ts';
import { tolerate, type Target } from '../lib/target.ts';

export function receiptTarget(name: string, about: string): Target {
  let anchors: ReturnType<typeof cert>[];
  let facts: ReturnType<typeof receiptFacts>[];
  return {
    name,
    about,
    seeds: () => seeds(name),
    inputs: (s) => receiptInputs(s, [...seeds('der').slice(0, 20)]),
    setup() {
      anchors = [cert('root-ca')];
      facts = seeds(name).map((s) => {
        const v = verifyReceipt(parseReceiptBytes(s, 'seed'), { anchors, now: VERIFY_NOW });
        if (!v.ok) throw new Error(`a seed receipt does not verify: ${JSON.stringify(v.checks.filter((c) => !c.ok))}`);
        return receiptFacts(v);
      });
    },
    async run(input) {
      const r = parseReceiptBytes(input, 'fuzz.tsproof.json');
      const v = verifyReceipt(r, { anchors, now: VERIFY_NOW });
      if (v.ok) mustMatchASeed(receiptFacts(v), facts, 'receipt');
      await tolerate(() => extractPieces(r));
      for (const e of r.entries.slice(0, 4)) await tolerate(() => extractEntry(r, e));
    },
  };
}

export const target = receiptTarget('receipt', 'receipts (*.tsproof.json): the JSON reader, the manifest, CMS signature and tokens inside, verification, extraction');
