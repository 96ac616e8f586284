/**
 * A curated, versioned list of public RFC 3161 TSAs (shared/reference/rfc3161-verification.md
 * §5 and the sources it cites). Data only: `tsproof tsa list` shows it, `--tsa <name>` resolves
 * a name to its URL and applies its minimum request interval. Check with `tsproof tsa probe`.
 */
export const PUBLIC_TSA_LIST_VERSION = '2026-11-22';

export interface PublicTsa {
  name: string;
  url: string;
  operator: string;
  /** Least time between scripted requests the operator asks for. */
  minIntervalMs?: number;
  authRequired?: boolean;
  testOnly?: boolean;
  notes: string;
}

export const PUBLIC_TSAS: readonly PublicTsa[] = [
  {
    name: 'digicert',
    url: 'http://timestamp.digicert.com',
    operator: 'DigiCert',
    notes: 'Widely used. Root not included in answers; certificate set not DER-sorted; the TSA certificate is rotated at least every 15 months (trust the CA, not the leaf).',
  },
  {
    name: 'sectigo',
    url: 'http://timestamp.sectigo.com',
    operator: 'Sectigo (formerly Comodo)',
    minIntervalMs: 15_000,
    notes: 'Asks for at least 15 s between scripted requests; intermittent connection resets; two ESSCertIDs; two possible chain paths (USERTrust or AAA cross-sign).',
  },
  { name: 'globalsign', url: 'http://timestamp.globalsign.com/tsa/r6advanced1', operator: 'GlobalSign', notes: 'Current endpoint.' },
  { name: 'apple', url: 'http://timestamp.apple.com/ts01', operator: 'Apple', notes: 'Reported flaky (~40% failures in 2026); unsorted certificate set; SHA-1-signed certificates in the chain.' },
  { name: 'entrust', url: 'http://timestamp.entrust.net/TSS/RFC3161sha2TS', operator: 'Entrust', notes: 'SHA-224/256/384/512 imprints; accuracy often omitted; connection resets seen.' },
  { name: 'ssl.com', url: 'http://ts.ssl.com', operator: 'SSL.com', notes: 'Common default in signing scripts.' },
  { name: 'certum', url: 'http://time.certum.pl', operator: 'Certum (Asseco)', notes: '' },
  { name: 'swisssign', url: 'http://tsa.swisssign.net', operator: 'SwissSign', notes: '' },
  { name: 'microsoft', url: 'http://timestamp.acs.microsoft.com', operator: 'Microsoft (Azure Trusted Signing)', notes: 'Millisecond genTime; root not included; certificates not leaf-first.' },
  { name: 'quovadis', url: 'http://ts.quovadisglobal.com/eu', operator: 'QuoVadis (DigiCert EU)', notes: '' },
  { name: 'dfn', url: 'http://zeitstempel.dfn.de', operator: 'DFN-Verein (Germany)', notes: 'CA chain published by DFN.' },
  { name: 'sigstore', url: 'https://timestamp.sigstore.dev/api/v1/timestamp', operator: 'Sigstore (public good)', notes: 'ECDSA P-384; SHA-256/384/512 imprints, SHA-1 refused; root in Sigstore trusted_root.json.' },
  { name: 'freetsa', url: 'https://freetsa.org/tsr', operator: 'FreeTSA (community)', testOnly: true, notes: 'Self-signed root (pin cacert.pem); TSA certificate renewed in 2026; for tests, not production evidence.' },
  { name: 'uanataca', url: 'https://tsa.uanataca.com/tsa/tss03', operator: 'Uanataca (eIDAS qualified)', authRequired: true, notes: 'Needs HTTP Basic billing credentials.' },
  { name: 'codegic', url: 'http://pki.codegic.com/codegic-service/timestamp', operator: 'Codegic', testOnly: true, notes: 'Answers application/timestamp-response (accepted).' },
];

export function publicTsa(nameOrUrl: string): PublicTsa | undefined {
  const k = nameOrUrl.toLowerCase().replace(/\/+$/, '');
  return PUBLIC_TSAS.find((t) => t.name === k || t.url.toLowerCase().replace(/\/+$/, '') === k);
}
