/**
 * A PKI with published revocation status, all on loopback, made and served by OpenSSL (the
 * independent implementation): `openssl ca` issues the certificates (AIA OCSP and CRL
 * distribution points pointing at loopback ports) and writes the CRLs; `openssl ocsp -port`
 * answers OCSP requests from the CA database. Revocation times are written into the database
 * directly, so that a certificate can be revoked at any chosen time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CA_EXT, HOLDER_EXT, OpensslPki, TSA_EXT, type Issued } from './openssl-pki.js';
import { serve, type Running } from './servers.js';

/** A free loopback port (listened on, then closed). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const yymmdd = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`;

export class RevocationPki {
  readonly pki = new OpensslPki('tsproof-revocation-');
  /** Serves <dir>/crl/<name> as /<name> (CRLs, DER). */
  crlServer!: Running;
  ocspPort = 0;
  /** A port nothing listens on (a responder that is down). */
  downPort = 0;
  private responders: ChildProcess[] = [];

  get dir(): string {
    return this.pki.dir;
  }
  crlUrl(name: string): string {
    return `${this.crlServer.url}${name}`;
  }
  get ocspUrl(): string {
    return `http://127.0.0.1:${this.ocspPort}/`;
  }

  async start(): Promise<void> {
    this.crlServer = await serve((req, _body, res) => {
      try {
        const body = readFileSync(path.join(this.dir, `crl-${path.basename(req.url ?? '')}`));
        res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    this.ocspPort = await freePort();
    this.downPort = await freePort();
  }

  root(name = 'root', from: Date, to: Date): Issued {
    return this.pki.issue(name, { subject: `/C=KR/O=tsproof revocation test/CN=${name}`, from, to, ext: CA_EXT });
  }

  /** A CA whose own status is published in `root`'s CRL (no OCSP: the CRL fallback). */
  ca(name: string, root: Issued, from: Date, to: Date): Issued {
    return this.pki.issue(name, { subject: `/C=KR/O=tsproof revocation test/CN=${name}`, issuer: root, from, to, ext: [...CA_EXT, `crlDistributionPoints=URI:${this.crlUrl(`${root.name}.crl`)}`] });
  }

  /** A holder or TSA certificate; `ocsp`/`crl` say where its status is published (default: the responder, and its CA's CRL). */
  leaf(name: string, kind: 'holder' | 'tsa', ca: Issued, from: Date, to: Date, o: { ocsp?: string | null; crl?: string | null } = {}): Issued {
    const ocsp = o.ocsp === undefined ? this.ocspUrl : o.ocsp;
    const crl = o.crl === undefined ? this.crlUrl(`${ca.name}.crl`) : o.crl;
    const ext = [...(kind === 'holder' ? HOLDER_EXT : TSA_EXT), ...(ocsp ? [`authorityInfoAccess=OCSP;URI:${ocsp}`] : []), ...(crl ? [`crlDistributionPoints=URI:${crl}`] : [])];
    return this.pki.issue(name, { subject: `/C=KR/O=tsproof revocation test/CN=${name}`, issuer: ca, from, to, ext });
  }

  /** Marks `cert` revoked at `at` in the CA database (`index`, default the shared one). */
  revoke(cert: Issued, at: Date, reason = 'keyCompromise', index = 'index.txt'): void {
    const file = path.join(this.dir, index);
    const serial = cert.cert.serialHex.toUpperCase();
    const lines = readFileSync(file, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.split('\t')[3] === serial);
    if (i < 0) throw new Error(`serial ${serial} not in ${index}`);
    const f = lines[i]!.split('\t');
    lines[i] = ['R', f[1], `${yymmdd(at)},${reason}`, f[3], f[4], f[5]].join('\t');
    writeFileSync(file, lines.join('\n'));
  }

  /** A copy of the CA database to revoke in without touching the served one. */
  copyIndex(name: string): string {
    writeFileSync(path.join(this.dir, name), readFileSync(path.join(this.dir, 'index.txt')));
    return name;
  }

  /** Writes `<issuer>.crl` (DER) from the database, signed by `issuer`; `window` backdates it (a stale CRL). */
  crl(issuer: Issued, file = `${issuer.name}.crl`, window?: { last: Date; next: Date }): void {
    const when = window ? ['-crl_lastupdate', yymmdd(window.last), '-crl_nextupdate', yymmdd(window.next)] : ['-crldays', '30'];
    this.must(['ca', '-gencrl', '-config', 'ca.cnf', '-cert', issuer.pem, '-keyfile', issuer.keyFile, '-md', 'sha256', ...when, '-out', `${file}.pem`]);
    this.must(['crl', '-in', `${file}.pem`, '-outform', 'DER', '-out', `crl-${file}`]);
  }

  /** Starts `openssl ocsp -port` for certificates issued by `ca`, signed by `signer` (default: the CA itself). */
  async responder(ca: Issued, signer: Issued = ca): Promise<void> {
    const p = spawn('openssl', ['ocsp', '-index', 'index.txt', '-port', String(this.ocspPort), '-CA', ca.pem, '-rsigner', signer.pem, '-rkey', signer.keyFile, '-ndays', '7'], { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    this.responders.push(p);
    // Ready when it says so (a probe connection without a request would block it: it serves one connection at a time).
    await new Promise<void>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`openssl ocsp did not start: ${err}`)), 10_000);
      p.stderr!.on('data', (c: Buffer) => {
        err += c.toString();
        if (err.includes('waiting for OCSP client connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      p.on('exit', () => reject(new Error(`openssl ocsp exited: ${err}`)));
    });
  }

  /** An OCSP response made offline by `openssl ocsp` (request, then response from `index`, signed by `signer`). */
  offlineResponse(cert: Issued, ca: Issued, o: { index?: string; signer?: Issued; name: string }): Buffer {
    const signer = o.signer ?? ca;
    this.must(['ocsp', '-issuer', ca.pem, '-cert', cert.pem, '-no_nonce', '-reqout', `${o.name}.req`]);
    this.must(['ocsp', '-index', o.index ?? 'index.txt', '-CA', ca.pem, '-rsigner', signer.pem, '-rkey', signer.keyFile, '-reqin', `${o.name}.req`, '-respout', `${o.name}.resp`]);
    return readFileSync(path.join(this.dir, `${o.name}.resp`));
  }

  run(args: string[]): { ok: boolean; out: string } {
    const r = spawnSync('openssl', args, { cwd: this.dir, encoding: 'utf8' });
    return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
  }

  private must(args: string[]): void {
    const r = this.run(args);
    if (!r.ok) throw new Error(`openssl ${args.join(' ')}: ${r.out}`);
  }

  async stop(): Promise<void> {
    for (const p of this.responders) if (p.pid && p.exitCode === null) p.kill();
    await this.crlServer?.close();
  }
}
