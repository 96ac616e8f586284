/**
 * GeneralName and NameConstraints (RFC 5280 §4.2.1.6, §4.2.1.10), and the name-constraints
 * rule of path validation (§6.1.3 (b), (c)): a certificate's subject and subject alternative
 * names must lie inside every permitted subtree of their form and outside every excluded
 * one. Matching follows RFC 5280 as OpenSSL implements it (x509/v3_ncons.c), so that both
 * reach the same verdict on the same chain.
 *
 *   GeneralName ::= CHOICE { otherName [0], rfc822Name [1] IA5String, dNSName [2] IA5String,
 *     x400Address [3], directoryName [4] Name, ediPartyName [5],
 *     uniformResourceIdentifier [6] IA5String, iPAddress [7] OCTET STRING, registeredID [8] OID }
 *   NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL,
 *     excludedSubtrees [1] GeneralSubtrees OPTIONAL }
 *   GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] BaseDistance DEFAULT 0,
 *     maximum [1] BaseDistance OPTIONAL }
 */
import { Asn1Error, explicit, flattenOctets, oid as readOid, parse, seq, set, string, Tag, TagClass, type Node } from '../asn1/der.js';
import { OID } from '../asn1/oids.js';
import { toHex } from '../bytes.js';
import { formatName, readName } from './name.js';
import { t, type Text } from '../text.js';

export const GENERAL_NAME_FORMS = ['otherName', 'rfc822Name', 'dNSName', 'x400Address', 'directoryName', 'ediPartyName', 'uniformResourceIdentifier', 'iPAddress', 'registeredID'] as const;
export type GeneralNameForm = (typeof GENERAL_NAME_FORMS)[number];

export type GeneralName =
  | { form: 'rfc822Name' | 'dNSName' | 'uniformResourceIdentifier'; text: string }
  /** The Name's DER as encoded. */
  | { form: 'directoryName'; name: Uint8Array }
  | { form: 'iPAddress'; bytes: Uint8Array }
  /** Forms tsproof does not interpret (otherName keeps its type id). */
  | { form: 'otherName' | 'x400Address' | 'ediPartyName' | 'registeredID'; typeId?: string };

export function readGeneralName(n: Node | undefined, where: string): GeneralName {
  if (!n || n.tagClass !== TagClass.Context || n.tag > 8) throw new Asn1Error(t`${where}: not a GeneralName`);
  const form = GENERAL_NAME_FORMS[n.tag]!;
  switch (form) {
    case 'rfc822Name':
    case 'dNSName':
    case 'uniformResourceIdentifier':
      return { form, text: Buffer.from(flattenOctets(n, where)).toString('latin1') };
    case 'directoryName':
      seq(explicit(n, 4, where), where);
      return { form, name: n.children[0]!.raw };
    case 'iPAddress':
      return { form, bytes: flattenOctets(n, where) };
    case 'otherName':
      if (!n.constructed) throw new Asn1Error(t`${where}: otherName must be constructed`);
      return { form, typeId: readOid(n.children[0], `${where}.type-id`) };
    default:
      return { form };
  }
}

export function readGeneralNames(n: Node | undefined, where: string): GeneralName[] {
  return seq(n, where).map((g) => readGeneralName(g, where));
}

export interface GeneralSubtree {
  base: GeneralName;
  /** RFC 5280: minimum MUST be 0 and maximum absent; anything else cannot be processed. */
  minMaxValid: boolean;
}

export interface NameConstraints {
  permitted: GeneralSubtree[];
  excluded: GeneralSubtree[];
}

export function readNameConstraints(value: Uint8Array): NameConstraints {
  const w = 'nameConstraints';
  const out: NameConstraints = { permitted: [], excluded: [] };
  for (const part of seq(parse(value, w), w)) {
    if (part.tagClass !== TagClass.Context || (part.tag !== 0 && part.tag !== 1) || !part.constructed) throw new Asn1Error(t`${w}: unexpected ${part.describe()}`);
    const list = part.tag === 0 ? out.permitted : out.excluded;
    for (const s of part.children) {
      const [base, ...rest] = seq(s, `${w}.subtree`);
      let minMaxValid = true;
      for (const r of rest) {
        if (r.isContext(0) && !r.constructed && r.content.length === 1 && r.content[0] === 0) continue;
        if (r.isContext(0) || r.isContext(1)) minMaxValid = false;
        else throw new Asn1Error(t`${w}.subtree: unexpected ${r.describe()}`);
      }
      list.push({ base: readGeneralName(base, `${w}.subtree.base`), minMaxValid });
    }
  }
  return out;
}

/** What a certificate is named, for name constraints: its subject, its emailAddress attributes, its subjectAltName entries. */
export interface CertificateNames {
  subjectRaw: Uint8Array;
  altNames: readonly GeneralName[];
}

type Match = 'match' | 'no-match' | { unsupported: Text };

/**
 * Why `names` (a certificate issued below a CA with constraints `nc`) violates them, or
 * undefined. `isLeaf`: the end-entity certificate, whose commonName is also checked as a DNS
 * name when it looks like one and there is no dNSName alternative name (as OpenSSL does).
 */
export function nameConstraintsViolation(names: CertificateNames, nc: NameConstraints, isLeaf: boolean): Text | undefined {
  const candidates: GeneralName[] = [];
  const subject = subjectAttributes(names.subjectRaw);
  if (subject.length) {
    candidates.push({ form: 'directoryName', name: names.subjectRaw });
    for (const a of subject.filter((x) => x.type === OID.emailAddress)) {
      if (!a.node.isUniversal(Tag.IA5String)) return t`the emailAddress in the subject is not an IA5String, so it cannot be checked against name constraints`;
      candidates.push({ form: 'rfc822Name', text: Buffer.from(a.node.content).toString('latin1') });
    }
  }
  candidates.push(...names.altNames);
  if (isLeaf && !names.altNames.some((n) => n.form === 'dNSName')) {
    for (const a of subject.filter((x) => x.type === OID.commonName)) {
      const cn = safeString(a.node);
      if (cn !== undefined && looksLikeDnsName(cn)) candidates.push({ form: 'dNSName', text: cn });
    }
  }
  for (const name of candidates) {
    const problem = checkOne(name, nc);
    if (problem) return problem;
  }
  return undefined;
}

function checkOne(name: GeneralName, nc: NameConstraints): Text | undefined {
  const sameForm = (s: GeneralSubtree) => s.base.form === name.form && (name.form !== 'otherName' || (s.base.form === 'otherName' && s.base.typeId === name.typeId));
  const permitted = nc.permitted.filter(sameForm);
  const excluded = nc.excluded.filter(sameForm);
  if ([...permitted, ...excluded].some((s) => !s.minMaxValid)) return t`a name constraint sets a minimum or maximum, which RFC 5280 does not allow`;
  if (permitted.length) {
    let inside = false;
    for (const s of permitted) {
      const m = matches(name, s.base);
      if (typeof m === 'object') return m.unsupported;
      if (m === 'match') {
        inside = true;
        break;
      }
    }
    if (!inside) return t`${describe(name)} is outside the permitted names`;
  }
  for (const s of excluded) {
    const m = matches(name, s.base);
    if (typeof m === 'object') return m.unsupported;
    if (m === 'match') return t`${describe(name)} is among the excluded names`;
  }
  return undefined;
}

function matches(name: GeneralName, base: GeneralName): Match {
  if (name.form === 'directoryName' && base.form === 'directoryName') return dnWithin(name.name, base.name);
  if (name.form === 'dNSName' && base.form === 'dNSName') return dnsWithin(name.text, base.text);
  if (name.form === 'rfc822Name' && base.form === 'rfc822Name') return emailWithin(name.text, base.text);
  if (name.form === 'uniformResourceIdentifier' && base.form === 'uniformResourceIdentifier') return uriWithin(name.text, base.text);
  if (name.form === 'iPAddress' && base.form === 'iPAddress') return ipWithin(name.bytes, base.bytes);
  return { unsupported: t`name constraints on ${name.form} names are not supported, and the certificate has such a name` };
}

const lower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** A DNS name is within a base when it equals it or adds labels on the left ("example.com" ⊇ "a.example.com"; ".example.com": subdomains). */
function dnsWithin(dns: string, base: string): Match {
  if (base === '') return 'match';
  if (dns.length < base.length) return 'no-match';
  const tail = dns.slice(dns.length - base.length);
  if (dns.length > base.length && !base.startsWith('.') && dns[dns.length - base.length - 1] !== '.') return 'no-match';
  return lower(tail) === lower(base) ? 'match' : 'no-match';
}

/** rfc822Name bases: a mailbox ("a@host"), a host ("host"), or a domain (".example.com"). */
function emailWithin(email: string, base: string): Match {
  const at = email.lastIndexOf('@');
  if (at < 0) return { unsupported: t`the e-mail address "${email}" has no @` };
  const baseAt = base.lastIndexOf('@');
  if (baseAt < 0 && base.startsWith('.')) {
    return email.length > base.length && lower(email.slice(email.length - base.length)) === lower(base) ? 'match' : 'no-match';
  }
  let baseHost = base;
  if (baseAt >= 0) {
    // A local part is compared case-sensitively, the host case-insensitively.
    if (baseAt > 0 && base.slice(0, baseAt) !== email.slice(0, at)) return 'no-match';
    baseHost = base.slice(baseAt + 1);
  }
  return lower(email.slice(at + 1)) === lower(baseHost) ? 'match' : 'no-match';
}

/** URI bases name a host, or with a leading period the hosts of a domain. */
function uriWithin(uri: string, base: string): Match {
  const colon = uri.indexOf(':');
  if (colon < 0 || uri.slice(colon + 1, colon + 3) !== '//') return { unsupported: t`the URI "${uri}" has no host to check against name constraints` };
  const rest = uri.slice(colon + 3);
  const end = rest.search(rest.includes(':') ? /:/ : /\//);
  const host = end < 0 ? rest : rest.slice(0, end);
  if (!host) return { unsupported: t`the URI "${uri}" has no host to check against name constraints` };
  if (base.startsWith('.')) return host.length > base.length && lower(host.slice(host.length - base.length)) === lower(base) ? 'match' : 'no-match';
  return lower(host) === lower(base) ? 'match' : 'no-match';
}

/** iPAddress bases are an address and a mask of the same family (8 or 32 octets). */
function ipWithin(ip: Uint8Array, base: Uint8Array): Match {
  if (ip.length !== 4 && ip.length !== 16) return { unsupported: t`an iPAddress of ${ip.length} octets cannot be checked against name constraints` };
  if (base.length !== 8 && base.length !== 32) return { unsupported: t`an iPAddress constraint of ${base.length} octets cannot be processed` };
  if (base.length !== ip.length * 2) return 'no-match';
  for (let i = 0; i < ip.length; i++) {
    const mask = base[ip.length + i]!;
    if ((ip[i]! & mask) !== (base[i]! & mask)) return 'no-match';
  }
  return 'match';
}

/** A directory name is within a base when the base's RDNs begin it (compared as OpenSSL canonicalises: case and spacing of strings ignored). */
function dnWithin(name: Uint8Array, base: Uint8Array): Match {
  const n = canonicalRdns(name);
  const b = canonicalRdns(base);
  if (b.length > n.length) return 'no-match';
  return b.every((rdn, i) => rdn === n[i]) ? 'match' : 'no-match';
}

interface Attr {
  type: string;
  node: Node;
}

function subjectAttributes(nameRaw: Uint8Array): Attr[] {
  return rdnsOf(nameRaw).flat();
}

function rdnsOf(nameRaw: Uint8Array): Attr[][] {
  return seq(parse(nameRaw, 'name'), 'name').map((rdn) =>
    set(rdn, 'name.rdn').map((atv) => {
      const [type, value] = seq(atv, 'name.attribute');
      if (!value) throw new Asn1Error(t`name.attribute: missing value`);
      return { type: readOid(type, 'name.attribute.type'), node: value };
    }),
  );
}

function canonicalRdns(nameRaw: Uint8Array): string[] {
  return rdnsOf(nameRaw).map((rdn) =>
    rdn
      .map((a) => {
        const s = safeString(a.node);
        return `${a.type}=${s === undefined ? `#${toHex(a.node.raw)}` : lower(s.trim().replace(/\s+/g, ' '))}`;
      })
      .sort()
      .join('+'),
  );
}

function safeString(n: Node): string | undefined {
  try {
    return string(n, 'name.attribute.value');
  } catch {
    return undefined;
  }
}

/** OpenSSL's test for a commonName that names a host: letters, digits, _ and internal - and ., with two or more labels. */
function looksLikeDnsName(s: string): boolean {
  return /^[A-Za-z0-9_](?:[A-Za-z0-9_-]|(?<![.-])\.(?![.-]))*[A-Za-z0-9_]$/.test(s) && s.includes('.');
}

function describe(name: GeneralName): Text {
  switch (name.form) {
    case 'directoryName':
      return t`the name "${formatName(readName(parse(name.name, 'name'), 'name'))}"`;
    case 'iPAddress':
      return t`the address ${ipText(name.bytes)}`;
    case 'rfc822Name':
      return t`the e-mail address "${name.text}"`;
    case 'dNSName':
      return t`the DNS name "${name.text}"`;
    case 'uniformResourceIdentifier':
      return t`the URI "${name.text}"`;
    default:
      return t`a name of form ${name.form}`;
  }
}

function ipText(b: Uint8Array): string {
  if (b.length === 4) return [...b].join('.');
  const groups: string[] = [];
  for (let i = 0; i + 1 < b.length; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return groups.join(':');
}
