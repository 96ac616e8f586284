/**
 * Certificates made by OpenSSL (`openssl ca`, fixed validity windows) for path-validation
 * tests: the chains under test come from an independent implementation, and `openssl verify
 * -attime` is asked about the very same files (the oracle).
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCertificates, type Certificate } from '../../src/core/pki/certificate.js';

export interface Issued {
  name: string;
  /** PEM certificate file. */
  pem: string;
  /** PEM PKCS#8 key file. */
  keyFile: string;
  cert: Certificate;
  key: KeyObject;
}

export interface IssueOptions {
  /** OpenSSL -subj form, e.g. `/C=KR/O=Test/CN=Root`. */
  subject: string;
  /** Omit for a self-signed certificate. */
  issuer?: Issued;
  from: Date;
  to: Date;
  /** Extension lines (openssl x509v3_config), e.g. `basicConstraints=critical,CA:TRUE`. */
  ext: readonly string[];
  /** Further config sections the lines refer to (dirName:…, ASN1:SEQUENCE:…). */
  sections?: string;
  /** Sign with this key instead of the issuer's (a key that certifies without being the issuer's). */
  reuseKeyOf?: Issued;
}

/** Common extension sets. */
export const CA_EXT = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'];
export const HOLDER_EXT = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,nonRepudiation'];
export const TSA_EXT = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=critical,timeStamping'];

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');

export class OpensslPki {
  readonly dir: string;
  constructor(prefix = 'tsproof-ossl-pki-') {
    this.dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    mkdirSync(path.join(this.dir, 'new'));
    writeFileSync(path.join(this.dir, 'index.txt'), '');
    writeFileSync(path.join(this.dir, 'serial'), '1000\n');
    writeFileSync(
      path.join(this.dir, 'ca.cnf'),
      '[ca]\ndefault_ca = ca_default\n[ca_default]\ndatabase = ./index.txt\nnew_certs_dir = ./new\nserial = ./serial\ndefault_md = sha256\npolicy = policy_any\nunique_subject = no\ncopy_extensions = none\n[policy_any]\ncommonName = optional\n',
    );
  }

  private run(args: string[]): { ok: boolean; out: string } {
    const r = spawnSync('openssl', args, { cwd: this.dir, encoding: 'utf8' });
    return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
  }

  private must(args: string[]): void {
    const r = this.run(args);
    if (!r.ok) throw new Error(`openssl ${args.join(' ')}: ${r.out}`);
  }

  issue(name: string, o: IssueOptions): Issued {
    const { pem, keyFile } = this.issueFiles(name, o);
    return { name, pem, keyFile, cert: parseCertificates(readFileSync(pem), pem)[0]!, key: createPrivateKey(readFileSync(keyFile)) };
  }

  /** Makes the certificate and key files without reading them back (for certificates tsproof must refuse to parse). */
  issueFiles(name: string, o: IssueOptions): { pem: string; keyFile: string } {
    const keyFile = path.join(this.dir, `${name}.key`);
    const pem = path.join(this.dir, `${name}.pem`);
    if (o.reuseKeyOf) writeFileSync(keyFile, readFileSync(o.reuseKeyOf.keyFile));
    else this.must(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile]);
    this.must(['req', '-new', '-key', keyFile, '-subj', o.subject, '-out', `${name}.csr`]);
    const ext = ['subjectKeyIdentifier=hash', ...(o.issuer ? ['authorityKeyIdentifier=keyid'] : []), ...o.ext];
    writeFileSync(path.join(this.dir, `${name}.ext`), `[v3]\n${ext.join('\n')}\n${o.sections ?? ''}\n`);
    const signer = o.issuer ? ['-cert', o.issuer.pem, '-keyfile', o.issuer.keyFile] : ['-selfsign', '-keyfile', keyFile];
    this.must([
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      ...signer,
      '-in',
      `${name}.csr`,
      '-out',
      pem,
      '-startdate',
      stamp(o.from),
      '-enddate',
      stamp(o.to),
      '-extfile',
      `${name}.ext`,
      '-extensions',
      'v3',
      '-notext',
      '-preserveDN',
      '-subj',
      o.subject,
      '-utf8',
    ]);
    return { pem, keyFile };
  }

  /** Writes certificates into one PEM file and returns its path. */
  bundle(name: string, certs: readonly Issued[]): string {
    const f = path.join(this.dir, `${name}.pem`);
    writeFileSync(f, certs.map((c) => readFileSync(c.pem, 'utf8')).join(''));
    return f;
  }

  /**
   * `openssl verify -attime` of `leaf` with exactly `anchors` trusted (-partial_chain, so a
   * trusted certificate need not be self-signed) and `untrusted` as intermediates.
   */
  verify(leaf: Issued, o: { anchors: readonly Issued[]; untrusted?: readonly Issued[]; at: Date; purpose?: string }): { ok: boolean; out: string } {
    const id = `${leaf.name}-${Math.random().toString(36).slice(2)}`;
    const args = ['verify', '-attime', String(Math.floor(o.at.getTime() / 1000)), '-partial_chain', '-CAfile', this.bundle(`anchors-${id}`, o.anchors)];
    if (o.untrusted?.length) args.push('-untrusted', this.bundle(`untrusted-${id}`, o.untrusted));
    if (o.purpose) args.push('-purpose', o.purpose);
    return this.run([...args, leaf.pem]);
  }
}
