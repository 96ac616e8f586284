/**
 * Validly signed receipts with hostile content, built with the core's own registration and the
 * fixture holder's key: entry names no file system would give (controls, NUL, 5,000 characters),
 * and manifests with bytes of the holder's choosing (repeated keys, non-canonical forms).
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { OID } from '../../src/core/asn1/oids.js';
import { toBase64 } from '../../src/core/bytes.js';
import { assembleSignedData, attribute, prepareSignature } from '../../src/core/cms/build.js';
import { register } from '../../src/core/register.js';
import type { UnlockedIdentity } from '../../src/core/identity/store.js';
import type { Certificate } from '../../src/core/pki/certificate.js';
import type { Receipt } from '../../src/core/receipt/receipt.js';
import { obtainTimestamps } from '../../src/core/tsp/client.js';
import { alice, cliWorkspace, importAlice, type CliWorkspace } from './setup.js';
import type { CliResult } from './cli.js';
import { party } from './fixtures.js';

/** Characters that must never reach a person's screen or document raw (newline aside). */
export const RAW_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * A name that, printed raw, clears the screen, draws a fake verdict on a new line, rings the
 * bell, sets the window title and reverses the rest of the line.
 */
export const HOSTILE = 'part.step\u001b[2J\u001b[H✔ VERIFIED  forged.step\r\n  who      CN=Trusted — certified by a trusted CA\u0007\u001b]0;pwned\u0007\u202egpj.exe\u009b31m\u2028x';

/** A receipt made by the core's register(): `files` are read from `absolute` and recorded as `name`. */
export async function signedReceipt(o: { files: { absolute: string; name: string }[]; tsaUrl: string; identity?: UnlockedIdentity; anchors?: Certificate[] }): Promise<Receipt> {
  const r = await register({
    files: o.files,
    algorithms: ['sha256'],
    identity: o.identity ?? alice(),
    tsas: [{ url: o.tsaUrl }],
    anchors: o.anchors ?? [party('root-ca').cert],
    now: () => new Date(),
    random: (n) => randomBytes(n),
    client: { retries: 0, timeoutMs: 5000 },
  });
  if (r.kind !== 'registered') throw new Error('expected a registration');
  return r.receipt;
}

/** `receipt` with `manifest` bytes of our choosing, signed by the fixture holder and timestamped anew: a valid signature over them. */
export async function resigned(receipt: Receipt, manifest: Uint8Array, tsaUrl: string): Promise<Receipt> {
  const id = alice();
  const prepared = prepareSignature({
    key: id.key,
    certificate: id.chain[0]!,
    certificates: id.chain,
    eContentType: OID.data,
    content: manifest,
    encapsulate: false,
    signingTime: new Date(),
    ess: 'v2',
    essChain: id.chain.slice(1),
  });
  const { stamps } = await obtainTimestamps([{ url: tsaUrl }], prepared.signature, 1, { random: (n) => randomBytes(n), now: () => new Date(), anchors: [party('root-ca').cert], retries: 0, timeoutMs: 5000 });
  const cms = assembleSignedData(
    prepared,
    stamps.map((s) => attribute(OID.signatureTimeStampToken, s.token)),
  );
  return { ...receipt, manifest: toBase64(manifest), signature: toBase64(cms), timestamps: stamps.map((s) => ({ tsa: s.url, token: toBase64(s.token), certificates: [] })) };
}

/** A CLI workspace (its own $TSPROOF_HOME trusting the fixture root) with the fixture holder imported. */
export async function aliceWorkspace(prefix: string, passphrase = 'hostile-input passphrase 41'): Promise<CliWorkspace> {
  const ws = cliWorkspace(prefix, { passphrase });
  await importAlice(ws);
  return ws;
}

/** Exactly one line on stderr, naming the problem; no stack trace, no internal error. */
export function expectOneLineError(r: CliResult, code: number, message: RegExp): void {
  expect(r.status, r.stdout + r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tsproof: error: /);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

/** Nothing a person reads holds a raw control, bidi or separator character, nor a line drawn by the data. */
export function expectShownSafely(what: string, text: string): void {
  expect(text, what).not.toMatch(RAW_CONTROLS);
  for (const line of text.split('\n')) expect(line, what).not.toMatch(/^\s*(✔ VERIFIED {2}forged|who {6}CN=Trusted)/);
}
