/** X.501 Name decoding for display (RFC 4514 order), keeping Korean and other Unicode text intact. */
import { seq, set, oid as readOid, string, type Node } from '../asn1/der.js';

const SHORT: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};

export interface NameAttribute {
  type: string;
  shortName: string;
  value: string;
}

/** Decodes a Name into its attributes in encoded order (most significant first). */
export function readName(node: Node | undefined, where: string): NameAttribute[] {
  const out: NameAttribute[] = [];
  for (const rdn of seq(node, where)) {
    for (const atv of set(rdn, `${where}.rdn`)) {
      const [t, v] = seq(atv, `${where}.attribute`);
      const type = readOid(t, `${where}.attribute.type`);
      let value: string;
      try {
        value = string(v, `${where}.attribute.value`);
      } catch {
        value = `#${Buffer.from(v?.raw ?? []).toString('hex')}`;
      }
      out.push({ type, shortName: SHORT[type] ?? type, value });
    }
  }
  return out;
}

/** RFC 4514-style string: least significant first, e.g. `CN=홍길동, O=Acme, C=KR`. */
export function formatName(attrs: readonly NameAttribute[]): string {
  return [...attrs]
    .reverse()
    .map((a) => `${a.shortName}=${a.value.replace(/([,+"\\<>;])/g, '\\$1')}`)
    .join(', ');
}
