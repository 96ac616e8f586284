/**
 * A curated, opt-in list of the roots of public TSAs in `tsproof tsa list`: none is trusted
 * until someone runs `tsproof trust add --known <name>`. Each root is a file under
 * assets/trust/known/, pinned here by the SHA-256 of its DER (a file that does not hash to its
 * pin is refused), with the source it was taken from and the real tokens of that operator in the
 * interop corpus (../shared/interop/tsa) that chain to it — test/unit/known-roots.test.ts checks
 * each of them. docs/trust.md lists the same, and why the other TSAs of `tsa list` have none.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import { parseCertificates, type Certificate } from '../pki/certificate.js';
import { t } from '../text.js';

export interface KnownRoot {
  /** File under assets/trust/known/. */
  file: string;
  subject: string;
  /** SHA-256 of the certificate's DER, lowercase hex. */
  sha256: string;
  /** Where the certificate was taken from. */
  source: string;
  /** Tokens of this operator in the interop corpus whose TSA chains to this root (paths under interop/tsa/). */
  checkedAgainst: readonly string[];
}

export interface KnownTsa {
  /** The name in `tsproof tsa list`. */
  name: string;
  operator: string;
  roots: readonly KnownRoot[];
}

const MOZILLA = 'the Mozilla CA root store, as shipped by Debian ca-certificates 20230311+deb12u1 (/usr/share/ca-certificates/mozilla/';

export const KNOWN_TSA_ROOTS: readonly KnownTsa[] = [
  {
    name: 'digicert',
    operator: 'DigiCert',
    roots: [
      {
        file: 'digicert-assured-id-root-ca.pem',
        subject: 'CN=DigiCert Assured ID Root CA, OU=www.digicert.com, O=DigiCert Inc, C=US',
        sha256: '3e9099b5015e8f486c00bcea9d111ee721faba355a89bcf1df69561e3dc6325c',
        source: `${MOZILLA}DigiCert_Assured_ID_Root_CA.crt)`,
        checkedAgainst: ['digicert/smime__digicert-2018.tsr'],
      },
      {
        file: 'digicert-trusted-root-g4.pem',
        subject: 'CN=DigiCert Trusted Root G4, OU=www.digicert.com, O=DigiCert Inc, C=US',
        sha256: '552f7bdcf1a7af9e6ce672017f4f12abf77240c78e761ac203d1d9d20ac89988',
        source: `${MOZILLA}DigiCert_Trusted_Root_G4.crt)`,
        checkedAgainst: ['digicert/signify__17ad1735a13898c978cc6bbe6b2056cb8471329b__si.msTST__b4a8d40a.tst'],
      },
    ],
  },
  {
    name: 'globalsign',
    operator: 'GlobalSign',
    roots: [
      {
        file: 'globalsign-root-ca-r3.pem',
        subject: 'CN=GlobalSign, O=GlobalSign, OU=GlobalSign Root CA - R3',
        sha256: 'cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b',
        source: `${MOZILLA}GlobalSign_Root_CA_-_R3.crt)`,
        checkedAgainst: ['globalsign/dig__timeStampToken.tst'],
      },
    ],
  },
  {
    name: 'entrust',
    operator: 'Entrust',
    roots: [
      {
        file: 'entrust-net-ca-2048.pem',
        subject: 'CN=Entrust.net Certification Authority (2048), OU=(c) 1999 Entrust.net Limited, OU=www.entrust.net/CPS_2048 incorp. by ref. (limits liab.), O=Entrust.net',
        sha256: '6dc47172e01cbcb0bf62580d895fe2b8ac9ad4f873801e0c10b9c837d21eb177',
        source: `${MOZILLA}Entrust.net_Premium_2048_Secure_Server_CA.crt)`,
        checkedAgainst: ['entrust/dss__pades-enveloping-other-pdf.pdf__si.sigTST__3058cb8b.tst', 'entrust/dss__pades-enveloping-other-pdf.pdf__tst__e082fd1a.tst'],
      },
    ],
  },
  {
    name: 'certum',
    operator: 'Certum (Asseco)',
    roots: [
      {
        file: 'certum-trusted-network-ca.pem',
        subject: 'CN=Certum Trusted Network CA, OU=Certum Certification Authority, O=Unizeto Technologies S.A., C=PL',
        sha256: '5c58468d55f58e497e743982d2b50010b6d165374acf83a7d4a32db768c4408e',
        source: `${MOZILLA}Certum_Trusted_Network_CA.crt)`,
        checkedAgainst: ['certum/dss__PAdES-LT.pdf__si.sigTST__38ca979f.tst'],
      },
    ],
  },
  {
    name: 'quovadis',
    operator: 'QuoVadis (DigiCert EU)',
    roots: [
      {
        file: 'quovadis-root-ca-1-g3.pem',
        subject: 'CN=QuoVadis Root CA 1 G3, O=QuoVadis Limited, C=BM',
        sha256: '8a866fd1b276b57e578e921c65828a2bed58e9f2f288054134b7f1f4bfc9cc74',
        source: `${MOZILLA}QuoVadis_Root_CA_1_G3.crt)`,
        checkedAgainst: ['quovadis/dss__testdoc-signed.pdf__si.sigTST__8157d73a.tst', 'quovadis/dss__DSS-2821.pdf__tst__4b1a9edf.tst'],
      },
    ],
  },
  {
    name: 'freetsa',
    operator: 'FreeTSA (community)',
    roots: [
      {
        file: 'freetsa-root-ca.pem',
        subject: 'C=DE, ST=Bayern, L=Wuerzburg, E=busilezas@gmail.com, CN=www.freetsa.org, OU=Root CA, O=Free TSA',
        sha256: 'a6379e7cecc05faa3cbf076013d745e327bbbaa38c0b9af22469d4701d18aabc',
        source:
          'in no browser root store: the self-signed root carried, byte for byte the same, by FreeTSA tokens in two unrelated public fixture sets (esig/dss and sigstore-conformance); FreeTSA publishes it as https://freetsa.org/files/cacert.pem — compare the fingerprint with that file before relying on it (FreeTSA is for tests, not production evidence)',
        checkedAgainst: ['freetsa/dss__pdf-eof.pdf__si.sigTST__4b9dee34.tst', 'freetsa/conf__rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail.tsr'],
      },
    ],
  },
];

const DIR = new URL('../../../assets/trust/known/', import.meta.url);

export function knownTsa(name: string): KnownTsa | undefined {
  return KNOWN_TSA_ROOTS.find((k) => k.name === name.toLowerCase());
}

/** The known TSA one of whose roots has this fingerprint. */
export function knownRootBySha256(sha256: string): KnownTsa | undefined {
  return KNOWN_TSA_ROOTS.find((k) => k.roots.some((r) => r.sha256 === sha256));
}

/** The root certificates of a known TSA, each checked against its pinned SHA-256. */
export function knownRootCertificates(k: KnownTsa): Certificate[] {
  return k.roots.map((r) => {
    const file = fileURLToPath(new URL(r.file, DIR));
    const [cert] = parseCertificates(readFileSync(file), file);
    if (!cert || cert.sha256 !== r.sha256) throw new InputError({ code: 'MALFORMED_CERTIFICATE', message: t`${file}: the root of "${k.name}" does not have its pinned SHA-256 ${r.sha256}; the installation is damaged` });
    return cert;
  });
}
