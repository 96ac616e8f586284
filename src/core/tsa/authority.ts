/**
 * The bundled RFC 3161 Time-Stamping Authority: turns a TimeStampReq into a
 * TimeStampResp. Pure: the clock, serial numbers and keys are passed in; the HTTP
 * adapter lives in server.ts.
 */
import type { KeyObject } from 'node:crypto';
import type { Text } from '../text.js';
import { der } from '../asn1/der.js';
import { OID } from '../asn1/oids.js';
import { digestFromOid, DIGEST_LENGTH, digestOid, type AnyDigest } from '../crypto/algorithms.js';
import { assembleSignedData, prepareSignature, type EssVersion } from '../cms/build.js';
import { encodeAccuracy, encodePkiStatusInfo, parseTimeStampReq, type ParsedTimeStampReq } from './../tsp/messages.js';
import type { Certificate } from '../pki/certificate.js';

/** Imprint algorithms the bundled TSA accepts; anything else gets badAlg. */
export const TSA_ACCEPTED_DIGESTS: readonly AnyDigest[] = ['sha256', 'sha384', 'sha512'];
/** Largest request accepted (a SHA-512 request with policy and nonce is < 200 bytes). */
export const MAX_REQUEST_BYTES = 16 * 1024;

export interface AuthorityOptions {
  key: KeyObject;
  certificate: Certificate;
  /** Intermediates sent (with the TSA certificate) when certReq is true. */
  chain: readonly Certificate[];
  policy: string;
  /** Further policies a request may ask for. */
  acceptedPolicies?: readonly string[];
  /** Accuracy to state, in microseconds (default 1 s); 0 omits it. */
  accuracyMicros?: number;
  clock: () => Date;
  serials: () => bigint;
  ess?: EssVersion;
  /** Put the TSA's subject in TSTInfo.tsa. */
  includeTsaName?: boolean;
  /** TSTInfo.ordering: tokens from this TSA can be ordered by genTime. */
  ordering?: boolean;
  /** Refuse to issue while the clock is not trusted (timeNotAvailable). */
  clockGuard?: { readonly current: { trusted: boolean; reason?: Text } };
}

/** PKIFailureInfo bit numbers (RFC 3161 §2.4.2). */
const FAIL = { badAlg: 0, badRequest: 2, badDataFormat: 5, timeNotAvailable: 14, unacceptedPolicy: 15, unacceptedExtension: 16 } as const;

export class LocalTimestampAuthority {
  /** Tokens issued since start. */
  issued = 0;
  constructor(private readonly o: AuthorityOptions) {}

  /** Answers any bytes with a TimeStampResp; a bad request gets a rejection with failInfo, never an exception. */
  respond(request: Uint8Array): Uint8Array {
    if (request.byteLength > MAX_REQUEST_BYTES) return this.reject('request too large', FAIL.badRequest);
    let req: ParsedTimeStampReq;
    try {
      req = parseTimeStampReq(request);
    } catch {
      return this.reject('malformed TimeStampReq', FAIL.badDataFormat);
    }
    if (req.version !== 1) return this.reject(`unsupported version ${req.version}`, FAIL.badRequest);
    const alg = digestFromOid(req.imprintAlgorithm.oid);
    if (!alg || !TSA_ACCEPTED_DIGESTS.includes(alg)) return this.reject('unsupported hash algorithm (use SHA-256, SHA-384 or SHA-512)', FAIL.badAlg);
    if (req.imprint.byteLength !== DIGEST_LENGTH[alg]) return this.reject('message imprint length does not match its algorithm', FAIL.badDataFormat);
    if (req.policy && req.policy !== this.o.policy && !this.o.acceptedPolicies?.includes(req.policy)) {
      return this.reject(`policy ${req.policy} not accepted`, FAIL.unacceptedPolicy);
    }
    if (req.hasExtensions) return this.reject('extensions are not supported', FAIL.unacceptedExtension);
    const clock = this.o.clockGuard?.current;
    if (clock && !clock.trusted) return this.reject(`the TSA's clock is not trusted: ${clock.reason?.render() ?? 'check failed'}`, FAIL.timeNotAvailable);
    const token = this.issue(req, alg);
    this.issued++;
    return der.sequence(encodePkiStatusInfo(0), token);
  }

  private reject(text: string, failBit: number): Uint8Array {
    return der.sequence(encodePkiStatusInfo(2, text, failBit));
  }

  /** Signs a TSTInfo for an already validated request. */
  issue(req: ParsedTimeStampReq, alg: AnyDigest): Uint8Array {
    const o = this.o;
    const now = o.clock();
    const accuracy = o.accuracyMicros ?? 1_000_000;
    const tstInfo = der.sequence(
      der.integer(1),
      der.oid(req.policy ?? o.policy),
      der.sequence(der.sequence(der.oid(digestOid(alg))), der.octetString(req.imprint)),
      der.integer(o.serials()),
      der.generalizedTime(now, true),
      accuracy ? encodeAccuracy(accuracy) : undefined,
      o.ordering ? der.boolean(true) : undefined,
      req.nonce !== undefined ? der.integer(req.nonce) : undefined,
      o.includeTsaName ? der.explicit(0, der.explicit(4, o.certificate.subjectRaw)) : undefined,
    );
    const prepared = prepareSignature({
      key: o.key,
      certificate: o.certificate,
      // RFC 3161 §2.4.1: certificates only when certReq is true.
      certificates: req.certReq ? [o.certificate, ...o.chain] : [],
      eContentType: OID.tstInfo,
      content: tstInfo,
      encapsulate: true,
      signingTime: now,
      ess: o.ess ?? 'v2',
    });
    return assembleSignedData(prepared);
  }
}

/**
 * Serial numbers that increase with time and are unique across restarts without shared
 * state: milliseconds since the epoch in the high bits, 64 random bits below.
 */
export function timeOrderedSerials(clock: () => Date, random: (n: number) => Uint8Array): () => bigint {
  return () => (BigInt(clock().getTime()) << 64n) | BigInt(`0x${Buffer.from(random(8)).toString('hex')}`);
}
