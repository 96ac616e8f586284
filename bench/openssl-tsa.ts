/**
 * The reference for bench/tsa-load.ts: an OpenSSL TSA run the usual way — `openssl ts
 * -reply` once per request — behind a minimal HTTP wrapper. Usage: node bench/openssl-tsa.ts <dir>
 * (with tsa.pem, tsa-key.pem in <dir>); prints the URL on stdout.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const dir = process.argv[2]!;
// One configuration and serial file per parallel slot (disjoint serial ranges): openssl ts
// rewrites its serial file on every reply, so processes must not share one.
const slots = Array.from({ length: os.availableParallelism() }, (_, i) => {
  const serial = path.join(dir, `openssl-serial-${i}`);
  writeFileSync(serial, `${(i + 1).toString(16).padStart(2, '0')}000000000000\n`);
  const cnf = path.join(dir, `openssl-ts-${i}.cnf`);
  writeFileSync(cnf, `[tsa]\ndefault_tsa = t\n[t]\ncrypto_device = builtin\nserial = ${serial}\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256, sha384, sha512\naccuracy = secs:1\ness_cert_id_alg = sha256\n`);
  return cnf;
});
const free = slots.map((_, i) => i);
// At most one openssl process per core at a time; the rest wait their turn.
const queue: ((slot: number) => void)[] = [];
const acquire = () => new Promise<number>((r) => (free.length ? r(free.pop()!) : queue.push(r)));
const release = (slot: number) => {
  const next = queue.shift();
  if (next) next(slot);
  else free.push(slot);
};
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const slot = await acquire();
    // openssl ts cannot read a query from a pipe (it fopen()s the path), so each slot has
    // its own query and reply file.
    const query = path.join(dir, `q-${slot}.tsq`);
    const reply = path.join(dir, `r-${slot}.tsr`);
    await writeFile(query, Buffer.concat(chunks));
    const p = spawn('openssl', ['ts', '-reply', '-config', slots[slot]!, '-queryfile', query, '-signer', path.join(dir, 'tsa.pem'), '-inkey', path.join(dir, 'tsa-key.pem'), '-out', reply], { stdio: 'ignore' });
    p.on('close', async (code) => {
      const body = code === 0 ? await readFile(reply) : Buffer.alloc(0);
      release(slot);
      res.writeHead(code === 0 ? 200 : 500, { 'content-type': 'application/timestamp-reply' }).end(body);
    });
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${(server.address() as { port: number }).port}/\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
