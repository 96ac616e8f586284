/**
 * Revocation data (docs/long-term.md): what an OCSP response (RFC 6960) or a CRL (RFC 5280 §5)
 * says about one certificate, judged offline — its signature by the certificate's issuer (or a
 * responder the issuer authorised, id-kp-OCSPSigning), that it is about this very certificate
 * (CertID: issuer name and key hashes and serial; CRL: issuer name), and its status. Anything
 * that does not hold is `invalid`, with the reason: never read as "good".
 */
import { OID } from '../asn1/oids.js';
import { bitString, der, explicit, integer, octets, parse, seq, oid as readOid, time, Tag, type Node, Asn1Error } from '../asn1/der.js';
import { bytesEqual } from '../bytes.js';
import { digestFromOid, hash, readAlgorithmIdentifier, resolveSignatureScheme, verifySignature } from '../crypto/algorithms.js';
import { Certificate } from '../pki/certificate.js';
import { readGeneralNames } from '../pki/general-name.js';
import { messageOf, rethrowLimit } from '../errors.js';
import { t, type Text } from '../text.js';

export type RevocationType = 'ocsp' | 'crl';

/** CRLReason (RFC 5280 §5.3.1). */
const REASONS = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold', '', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise'];
const OCSP_STATUS = ['successful', 'malformedRequest', 'internalError', 'tryLater', '', 'sigRequired', 'unauthorized'];

/** What one OCSP response or CRL says about one certificate. */
export type RevocationAnswer = { status: 'good'; thisUpdate: Date; nextUpdate?: Date } | { status: 'revoked'; thisUpdate: Date; revokedAt: Date; reason?: string } | { status: 'unknown'; thisUpdate: Date } | { status: 'invalid'; why: Text };

class Bad extends Error {
  constructor(readonly why: Text) {
    super(why.render());
  }
}

/** Judges `der` (an OCSPResponse or a CertificateList) about `cert`, issued by `issuer`. */
export function readRevocation(type: RevocationType, der: Uint8Array, cert: Certificate, issuer: Certificate): RevocationAnswer {
  try {
    return type === 'ocsp' ? readOcsp(der, cert, issuer) : readCrl(der, cert, issuer);
  } catch (err) {
    rethrowLimit(err);
    if (err instanceof Bad) return { status: 'invalid', why: err.why };
    return { status: 'invalid', why: t`malformed ${type === 'ocsp' ? 'OCSP response' : 'CRL'}: ${messageOf(err)}` };
  }
}

function enumerated(n: Node | undefined, where: string): number {
  if (!n?.isUniversal(10) || n.length !== 1) throw new Asn1Error(t`${where}: expected a small ENUMERATED`);
  return n.content[0]!;
}

/** The issuer's subjectPublicKey bits (what CertID.issuerKeyHash hashes). */
function publicKeyBits(c: Certificate): Uint8Array {
  return bitString(seq(parse(c.spki, 'subjectPublicKeyInfo'), 'subjectPublicKeyInfo')[1], 'subjectPublicKey').bytes;
}

function signedBy(tbs: Uint8Array, algNode: Node | undefined, sigNode: Node | undefined, key: Certificate, where: string): boolean {
  const alg = readAlgorithmIdentifier(algNode, `${where}.signatureAlgorithm`);
  const scheme = resolveSignatureScheme(alg, digestFromOid(alg.oid) ?? 'sha256', `${where}.signatureAlgorithm`);
  const pk = key.publicKey;
  return !!pk && verifySignature(scheme, pk, tbs, bitString(sigNode, `${where}.signature`).bytes);
}

function readOcsp(bytes: Uint8Array, cert: Certificate, issuer: Certificate): RevocationAnswer {
  const top = seq(parse(bytes, 'OCSPResponse'), 'OCSPResponse');
  const status = enumerated(top[0], 'OCSPResponse.responseStatus');
  if (status !== 0) throw new Bad(t`the responder did not answer (${OCSP_STATUS[status] || String(status)})`);
  const rb = seq(explicit(top[1], 0, 'responseBytes'), 'ResponseBytes');
  const type = readOid(rb[0], 'ResponseBytes.responseType');
  if (type !== OID.ocspBasic) throw new Bad(t`unsupported OCSP response type ${type}`);
  const basic = seq(parse(octets(rb[1], 'ResponseBytes.response'), 'BasicOCSPResponse'), 'BasicOCSPResponse');
  const [tbs, algNode, sigNode, certsNode] = basic;
  const rd = seq(tbs, 'ResponseData');
  let i = rd[0]?.isContext(0) ? 1 : 0;
  i++; // responderID: the signature, checked below, is what identifies the responder
  const producedAt = time(rd[i++], 'ResponseData.producedAt').date;
  const responses = seq(rd[i++], 'ResponseData.responses');
  const embedded = certsNode ? seq(explicit(certsNode, 0, 'BasicOCSPResponse.certs'), 'certs').map((n) => Certificate.fromDER(n.raw)) : [];
  // The issuer itself, or a responder it certified for OCSP signing (RFC 6960 §4.2.2.2).
  const delegated = embedded.filter((c) => bytesEqual(c.issuerRaw, issuer.subjectRaw) && c.extKeyUsage?.purposes.includes(OID.ocspSigning) && c.isSignedBy(issuer));
  const signer = [issuer, ...delegated].find((c) => signedBy(tbs!.raw, algNode, sigNode, c, 'BasicOCSPResponse'));
  if (!signer) throw new Bad(t`its signature does not verify with the key of the issuer "${issuer.subject}" or of a responder it authorised`);
  if (signer !== issuer && !signer.isValidAt(producedAt)) throw new Bad(t`its responder certificate "${signer.subject}" was not valid when the response was produced (${producedAt.toISOString()})`);
  const keyBits = publicKeyBits(issuer);
  for (const r of responses) {
    const f = seq(r, 'SingleResponse');
    const id = seq(f[0], 'CertID');
    const d = digestFromOid(readAlgorithmIdentifier(id[0], 'CertID.hashAlgorithm').oid);
    if (!d) continue;
    if (!bytesEqual(octets(id[1], 'CertID.issuerNameHash'), hash(d, issuer.subjectRaw))) continue;
    if (!bytesEqual(octets(id[2], 'CertID.issuerKeyHash'), hash(d, keyBits))) continue;
    if (integer(id[3], 'CertID.serialNumber') !== cert.serial) continue;
    const st = f[1]!;
    const thisUpdate = time(f[2], 'SingleResponse.thisUpdate').date;
    const next = f.slice(3).find((n) => n.isContext(0));
    const nextUpdate = next ? time(explicit(next, 0, 'nextUpdate'), 'SingleResponse.nextUpdate').date : undefined;
    if (st.isContext(0)) return { status: 'good', thisUpdate, ...(nextUpdate ? { nextUpdate } : {}) };
    if (st.isContext(1)) {
      const revokedAt = time(st.children[0], 'RevokedInfo.revocationTime').date;
      const rn = st.children[1];
      const reason = rn ? REASONS[enumerated(explicit(rn, 0, 'revocationReason'), 'revocationReason')] : undefined;
      return { status: 'revoked', thisUpdate, revokedAt, ...(reason ? { reason } : {}) };
    }
    if (st.isContext(2)) return { status: 'unknown', thisUpdate };
    throw new Asn1Error(t`SingleResponse.certStatus: unexpected ${st.describe()}`);
  }
  throw new Bad(t`it is not about this certificate: it answers for no certificate of serial ${cert.serialHex} issued by "${issuer.subject}"`);
}

const KNOWN_CRL_EXTENSIONS: ReadonlySet<string> = new Set([OID.crlNumber, OID.authorityKeyIdentifier]);
const KNOWN_ENTRY_EXTENSIONS: ReadonlySet<string> = new Set([OID.crlReason, OID.invalidityDate]);

function extensions(n: Node, where: string): { oid: string; critical: boolean; value: Uint8Array }[] {
  return seq(n, where).map((e) => {
    const p = seq(e, `${where}.extension`);
    const critical = p.length === 3 && p[1]!.isUniversal(Tag.BOOLEAN) && p[1]!.content[0] !== 0;
    return { oid: readOid(p[0], `${where}.extnID`), critical, value: octets(p[p.length - 1], `${where}.extnValue`) };
  });
}

function readCrl(bytes: Uint8Array, cert: Certificate, issuer: Certificate): RevocationAnswer {
  const [tbs, algNode, sigNode] = seq(parse(bytes, 'CertificateList'), 'CertificateList');
  const f = seq(tbs, 'TBSCertList');
  let i = f[0]?.isUniversal(Tag.INTEGER) ? 1 : 0;
  i++; // signature algorithm (the outer one is what is verified)
  const issuerNode = f[i++]!;
  const thisUpdate = time(f[i++], 'TBSCertList.thisUpdate').date;
  const isTime = (n: Node | undefined) => !!n && (n.isUniversal(Tag.UTCTime) || n.isUniversal(Tag.GeneralizedTime));
  const nextUpdate = isTime(f[i]) ? time(f[i++], 'TBSCertList.nextUpdate').date : undefined;
  const revoked = f[i]?.isUniversal(Tag.SEQUENCE) ? seq(f[i++], 'revokedCertificates') : [];
  const exts = f[i]?.isContext(0) ? extensions(explicit(f[i], 0, 'crlExtensions'), 'crlExtensions') : [];
  if (!bytesEqual(issuerNode.raw, cert.issuerRaw)) throw new Bad(t`it is not about this certificate: the CRL is not issued by "${cert.issuer}"`);
  if (issuer.keyUsage && !issuer.keyUsage.has('cRLSign')) throw new Bad(t`the issuer "${issuer.subject}" may not sign CRLs (no cRLSign key usage)`);
  if (!signedBy(tbs!.raw, algNode, sigNode, issuer, 'CertificateList')) throw new Bad(t`its signature does not verify with the key of the issuer "${issuer.subject}"`);
  const critical = exts.find((e) => e.critical && !KNOWN_CRL_EXTENSIONS.has(e.oid));
  if (critical) throw new Bad(t`the CRL has a critical extension tsproof does not understand (${critical.oid}): its scope is unknown`);
  for (const r of revoked) {
    const e = seq(r, 'revokedCertificate');
    if (integer(e[0], 'userCertificate') !== cert.serial) continue;
    const revokedAt = time(e[1], 'revocationDate').date;
    const ee = e[2] ? extensions(e[2], 'crlEntryExtensions') : [];
    const bad = ee.find((x) => x.critical && !KNOWN_ENTRY_EXTENSIONS.has(x.oid));
    if (bad) throw new Bad(t`the CRL entry has a critical extension tsproof does not understand (${bad.oid})`);
    const code = ee.find((x) => x.oid === OID.crlReason);
    const reason = code ? REASONS[enumerated(parse(code.value, 'reasonCode'), 'reasonCode')] : undefined;
    return { status: 'revoked', thisUpdate, revokedAt, ...(reason ? { reason } : {}) };
  }
  return { status: 'good', thisUpdate, ...(nextUpdate ? { nextUpdate } : {}) };
}

/** Where a certificate's revocation status is published: OCSP responders (AIA) and CRLs (CRL distribution points), http(s) URLs only. */
export function revocationSources(cert: Certificate): { ocsp: string[]; crl: string[] } {
  const http = (u: string) => /^https?:\/\//i.test(u);
  const ocsp: string[] = [];
  const crl: string[] = [];
  try {
    const aia = cert.extensions.get(OID.authorityInfoAccess);
    if (aia) {
      for (const ad of seq(parse(aia.value, 'authorityInfoAccess'), 'authorityInfoAccess')) {
        const [method, location] = seq(ad, 'AccessDescription');
        if (readOid(method, 'accessMethod') !== OID.adOcsp) continue;
        const g = readGeneralNames(parse(der.sequence(location!.raw), 'accessLocation'), 'accessLocation')[0];
        if (g?.form === 'uniformResourceIdentifier' && http(g.text)) ocsp.push(g.text);
      }
    }
    const dp = cert.extensions.get(OID.crlDistributionPoints);
    if (dp) {
      for (const point of seq(parse(dp.value, 'cRLDistributionPoints'), 'cRLDistributionPoints')) {
        const name = seq(point, 'DistributionPoint').find((n) => n.isContext(0));
        const full = name?.children[0];
        if (!full?.isContext(0)) continue;
        for (const n of full.children) {
          if (n.isContext(6)) {
            const u = Buffer.from(n.content).toString('latin1');
            if (http(u)) crl.push(u);
          }
        }
      }
    }
  } catch (err) {
    rethrowLimit(err);
  }
  return { ocsp, crl };
}
