/** CMS SignedData as a receipt's signature holds it: parsing, attributes, embedded timestamp tokens. */
import { OID } from '../../dist/core/asn1/oids.js';
import { attr, parseSignedData } from '../../dist/core/cms/signed-data.js';
import { signingTime } from '../../dist/core/cms/verify-signer.js';
import { verifyCmsSignatureTimestamps } from '../../dist/core/tsp/verify.js';
import { seeds } from '../lib/corpus.ts';
import { derInputs } from '../lib/inputs.ts';
import { cert, VERIFY_NOW } from '../lib/oracle.ts';
import type { Target } from '../lib/target.ts';

let anchors: ReturnType<typeof cert>[];

export const target: Target = {
  name: 'cms',
  about: "CMS SignedData (a receipt's signature.p7s): parsing, signed and unsigned attributes, signing time, the timestamps over its signature",
  seeds: () => [...seeds('cms'), ...seeds('tsp-token')],
  inputs: derInputs,
  setup() {
    anchors = [cert('root-ca')];
  },
  run(input) {
    const sd = parseSignedData(input, 'fuzz');
    for (const si of sd.signerInfos) {
      signingTime(si);
      attr(si.unsignedAttrs, OID.signatureTimeStampToken);
    }
    verifyCmsSignatureTimestamps(input, { anchors, now: VERIFY_NOW });
  },
};
