/**
 * The TSA server's request parsing: TimeStampReq as `tsa serve` reads it, and the authority's
 * answer to any bytes, which must always be a TimeStampResp that parses (never an exception).
 */
import { LocalTimestampAuthority } from '../../dist/core/tsa/authority.js';
import { parseTimeStampReq, parseTimeStampResp } from '../../dist/core/tsp/messages.js';
import { FUZZ_NOW, seeds } from '../lib/corpus.ts';
import { derInputs } from '../lib/inputs.ts';
import { cert, key } from '../lib/oracle.ts';
import type { Target } from '../lib/target.ts';

let authority: LocalTimestampAuthority;

export const target: Target = {
  name: 'tsa-request',
  about: "the TSA server's TimeStampReq parsing, and the authority's answer to any request bytes",
  seeds: () => seeds('tsa-request'),
  inputs: derInputs,
  setup() {
    let serial = 1n;
    authority = new LocalTimestampAuthority({ key: key('tsa-ec'), certificate: cert('tsa-ec'), chain: [], policy: '1.2.3.4.77', clock: () => FUZZ_NOW, serials: () => serial++ });
  },
  run(input) {
    let answer: Uint8Array;
    try {
      answer = authority.respond(input);
    } catch (err) {
      throw new Error(`the TSA threw instead of answering: ${err instanceof Error ? err.stack : String(err)}`);
    }
    const r = parseTimeStampResp(answer);
    if (r.status !== 0 && r.status !== 2) throw new Error(`the TSA answered with status ${r.status}`);
    parseTimeStampReq(input);
  },
};
