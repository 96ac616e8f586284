/**
 * Builds timestamp tokens with any defect, from the core's own building blocks, so
 * tests can show that the verifier and the client refuse each one.
 */
import type { KeyObject } from 'node:crypto';
import { der, explicit, parse, seq } from '../../src/core/asn1/der.js';
import { OID } from '../../src/core/asn1/oids.js';
import { assembleSignedData, essAttributes, prepareSignature, type EssVersion } from '../../src/core/cms/build.js';
import { digestOid, type AnyDigest } from '../../src/core/crypto/algorithms.js';
import { encodeAccuracy, encodePkiStatusInfo } from '../../src/core/tsp/messages.js';
import type { Certificate } from '../../src/core/pki/certificate.js';

export interface ForgeOptions {
  cert: Certificate;
  key: KeyObject;
  /** Sign with this key instead (signature by another key). */
  signingKey?: KeyObject;
  /** Certificates to embed; default the TSA certificate. */
  certificates?: Certificate[];
  imprintAlgorithm: AnyDigest;
  imprint: Uint8Array;
  nonce?: bigint;
  policy?: string;
  genTime?: Date;
  accuracyMicros?: number;
  serial?: bigint;
  version?: number;
  tsaName?: Uint8Array;
  criticalExtension?: boolean;
  ess?: EssVersion;
  /** Put the ESS certificate id of this certificate instead of the signer's. */
  essFor?: Certificate;
  eContentType?: string;
  /** Encoded INTEGER content octets for the serial number (hostile sizes, without BigInt arithmetic). */
  serialRaw?: Uint8Array;
  /** An encoded policy OBJECT IDENTIFIER (TLV), e.g. one of hostile size. */
  policyRaw?: Uint8Array;
  /** Unsigned attributes (encoded Attribute SEQUENCEs) for the TSA's SignerInfo. */
  unsignedAttributes?: Uint8Array[];
}

export function forgeToken(o: ForgeOptions): Uint8Array {
  const genTime = o.genTime ?? new Date();
  const tstInfo = der.sequence(
    der.integer(o.version ?? 1),
    o.policyRaw ?? der.oid(o.policy ?? '1.2.3.4.1'),
    der.sequence(der.sequence(der.oid(digestOid(o.imprintAlgorithm))), der.octetString(o.imprint)),
    o.serialRaw ? der.integerRaw(o.serialRaw) : der.integer(o.serial ?? 0x1234567n),
    der.generalizedTime(genTime, true),
    o.accuracyMicros ? encodeAccuracy(o.accuracyMicros) : undefined,
    o.nonce !== undefined ? der.integer(o.nonce) : undefined,
    o.tsaName ? der.explicit(0, der.explicit(4, o.tsaName)) : undefined,
    o.criticalExtension ? der.implicitConstructed(1, der.sequence(der.oid('1.2.3.4.99'), der.boolean(true), der.octetString(new Uint8Array([5, 0])))) : undefined,
  );
  const prepared = prepareSignature({
    key: o.signingKey ?? o.key,
    certificate: o.cert,
    certificates: o.certificates ?? [o.cert],
    eContentType: o.eContentType ?? OID.tstInfo,
    content: tstInfo,
    encapsulate: true,
    signingTime: genTime,
    ess: o.essFor ? 'none' : (o.ess ?? 'v2'),
    ...(o.essFor ? { extraSignedAttributes: essAttributes(o.essFor, 'v2') } : {}),
  });
  return assembleSignedData(prepared, o.unsignedAttributes);
}

export function grantedResponse(token: Uint8Array): Uint8Array {
  return der.sequence(encodePkiStatusInfo(0), token);
}

/**
 * Rebuilds a ContentInfo(SignedData) with some fields replaced. `fields` are the SignedData's
 * fields as raw DER: version, digestAlgorithms, encapContentInfo, [certificates], [crls],
 * signerInfos. None of them is covered by the signature, which stays valid.
 */
export function editSignedData(cms: Uint8Array, edit: (fields: Uint8Array[]) => void): Uint8Array {
  const [contentType, content] = seq(parse(cms), 'ContentInfo');
  const fields = seq(explicit(content, 0, 'content'), 'SignedData').map((n) => n.raw);
  edit(fields);
  return der.sequence(contentType!.raw, der.explicit(0, der.sequence(...fields)));
}

/** The same for the (single) SignerInfo: version, sid, digestAlgorithm, signedAttrs, signatureAlgorithm, signature, [unsignedAttrs]. */
export function editSignerInfo(cms: Uint8Array, edit: (fields: Uint8Array[]) => void): Uint8Array {
  return editSignedData(cms, (f) => {
    const [signerInfo] = parse(f[f.length - 1]!).children;
    const fields = seq(signerInfo, 'SignerInfo').map((n) => n.raw);
    edit(fields);
    f[f.length - 1] = der.setOf(der.sequence(...fields));
  });
}
