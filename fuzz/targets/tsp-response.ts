/** TimeStampResp parsing as a client reads a TSA's answer: classification, padding, status, token. */
import { parseTimeStampResp } from '../../dist/core/tsp/messages.js';
import { classifyTimestampBytes, tokenImprintAlgorithm, trimZeroPadding } from '../../dist/core/tsp/verify.js';
import { seeds, sharedFiles } from '../lib/corpus.ts';
import { derInputs } from '../lib/inputs.ts';
import type { Target } from '../lib/target.ts';

export const target: Target = {
  name: 'tsp-response',
  about: "TimeStampResp and token classification as read from a TSA or a file: zero padding, PKIStatusInfo, the token's imprint algorithm",
  seeds: () => [...seeds('tsp-response'), ...sharedFiles('tsa', (n) => /\.(tsr|tst|der)$/.test(n)).slice(0, 200)],
  inputs: derInputs,
  run(input) {
    const { bytes } = trimZeroPadding(input);
    const kind = classifyTimestampBytes(bytes);
    if (kind === 'response') {
      const r = parseTimeStampResp(bytes);
      if (r.token) tokenImprintAlgorithm(r.token);
    } else tokenImprintAlgorithm(bytes);
  },
};
