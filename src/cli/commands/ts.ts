/** tsproof ts verify — verify any RFC 3161 TimeStampResp or TimeStampToken against data or a digest. */
import { readFile } from 'node:fs/promises';
import { readBounded } from '../../core/io/fs.js';
import { LIMITS } from '../../core/limits.js';
import path from 'node:path';
import { InputError, messageOf, rethrowLimit, withSource } from '../../core/errors.js';
import { fromHex, isHex } from '../../core/bytes.js';
import { DIGEST_LENGTH, hash, type AnyDigest } from '../../core/crypto/algorithms.js';
import { hashFile } from '../../core/hash/engine.js';
import { parseCertificates, type Certificate } from '../../core/pki/certificate.js';
import { PKI_STATUS, parseTimeStampResp } from '../../core/tsp/messages.js';
import { classifyTimestampBytes, tokenImprintAlgorithm, trimZeroPadding, verifyCmsSignatureTimestamps, verifyTimestampToken, type TimestampInfo } from '../../core/tsp/verify.js';
import { CheckList, type Check } from '../../core/verify/checks.js';
import { atOption, pinSettings, policyOption, trustAnchors } from '../common.js';
import { checkTsaPins, hasPins, normaliseFingerprint, type Pins } from '../../core/verify/pins.js';
import { reasonOf } from '../../core/verify/verdict.js';
import { knownRootBySha256 } from '../../core/trust/known.js';
import { loadConfig } from '../../core/home.js';
import type { UntrustedRoot } from '../../core/pki/chain.js';
import { out, paint, printJson, VERSION } from '../output.js';
import { formatTimestamp, renderChecks, summarize } from '../render.js';
import { ExitCode } from '../exit.js';
import type { CliContext } from '../context.js';
import { plain, t, type Text } from '../../core/text.js';

function verdict(ctx: CliContext, ok: boolean): Text {
  return ok ? paint(ctx, 'green', t`✔ VALID TIMESTAMP`) : paint(ctx, 'red', t`✘ INVALID TIMESTAMP`);
}

/** The data a token with a rare digest algorithm covers (the usual ones are hashed streaming). */
async function readData(ctx: CliContext, f: string): Promise<Buffer> {
  try {
    return await readFile(path.resolve(ctx.cwd, f));
  } catch {
    throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${f}: cannot read ${t`the data`}` });
  }
}

/** Reads an input file of at most `limit` bytes (docs/limits.md). */
async function read(ctx: CliContext, f: string, what: Text, limit: number): Promise<Buffer> {
  const bytes = await readBounded(path.resolve(ctx.cwd, f), limit, what);
  if (!bytes) throw new InputError({ code: 'FILE_NOT_FOUND', message: t`${f}: cannot read ${what}` });
  return bytes;
}

function parseDigestArg(s: string): { algorithm: AnyDigest; digest: Uint8Array } {
  const m = /^([a-z0-9-]+):([0-9a-fA-F]+)$/.exec(s);
  if (!m) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--digest ${s}: expected <algorithm>:<hex>, e.g. sha256:9f86d0…` });
  const algorithm = m[1]!
    .toLowerCase()
    .replace(/^sha(\d)/, 'sha$1')
    .replace('_', '-') as AnyDigest;
  if (!(algorithm in DIGEST_LENGTH)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--digest: unknown algorithm "${m[1]}"` });
  const hex = m[2]!.toLowerCase();
  if (!isHex(hex) || hex.length !== DIGEST_LENGTH[algorithm] * 2) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--digest: ${algorithm} needs ${DIGEST_LENGTH[algorithm] * 2} hex digits` });
  return { algorithm, digest: fromHex(hex) };
}

type TsVerifyOptions = { token?: string; cms?: string; data?: string; digest?: string; trust: string[]; tsaCert: string[]; nonce?: string; acceptPolicy: string[]; policy?: string; at?: string };

export async function tsVerifyCommand(ctx: CliContext, o: TsVerifyOptions): Promise<number> {
  if (!o.token === !o.cms) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give --token <file> (with --data or --digest), or --cms <signature>` });
  // A limit passed anywhere in the token or signature names the file (docs/limits.md).
  if (o.cms) return withSource(o.cms, () => cmsTimestamps(ctx, o.cms!, o));
  if (!o.data === !o.digest) throw new InputError({ code: 'BAD_ARGUMENT', message: t`give exactly one of --data <file> or --digest <alg>:<hex>` });
  return withSource(o.token!, () => tokenTimestamp(ctx, o.token!, o));
}

async function tokenTimestamp(ctx: CliContext, tokenFile: string, o: TsVerifyOptions): Promise<number> {
  const { bytes, padding } = trimZeroPadding(new Uint8Array(await read(ctx, tokenFile, t`the token`, LIMITS.tokenBytes)));
  const kind = classifyTimestampBytes(bytes);
  if (!kind) throw new InputError({ code: 'MALFORMED_TOKEN', message: t`${tokenFile}: not a DER TimeStampResp or TimeStampToken` });
  const pre = new CheckList();
  if (padding) pre.warn('timestamp.padding', t`${padding} zero byte(s) of padding after the token were ignored`);
  let token: Uint8Array | undefined = bytes;
  if (kind === 'response') {
    let resp;
    try {
      resp = parseTimeStampResp(bytes);
    } catch (err) {
      rethrowLimit(err);
      throw new InputError({ code: 'MALFORMED_TOKEN', message: t`${tokenFile}: malformed TimeStampResp (${messageOf(err)})` });
    }
    const granted = resp.status === 0 || resp.status === 1;
    pre.expect(
      'timestamp.status',
      granted && !!resp.token,
      t`status ${PKI_STATUS[resp.status] ?? resp.status}`,
      granted
        ? t`status ${PKI_STATUS[resp.status] ?? resp.status} but no token`
        : t`status ${PKI_STATUS[resp.status] ?? resp.status}${resp.statusText.length ? ` (${resp.statusText.join(' ')})` : ''}${resp.failInfo.length ? ` [${resp.failInfo.join(', ')}]` : ''}`,
    );
    token = resp.token;
  }
  const trust = await trustAnchors(ctx, o.trust);
  const at = atOption(o.at);
  const policy = policyOption(o.policy);
  const { extra, pins } = await tsaCertOption(ctx, o.tsaCert);
  let nonce: bigint | undefined;
  if (o.nonce !== undefined) {
    if (!/^(0x)?[0-9a-fA-F]+$/.test(o.nonce)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`--nonce: expected hexadecimal` });
    nonce = BigInt(o.nonce.startsWith('0x') ? o.nonce : `0x${o.nonce}`);
  }

  let checks = pre.items;
  let info: TimestampInfo | undefined;
  let root: UntrustedRoot | undefined;
  if (token) {
    let imprint: { algorithm: AnyDigest; digest: Uint8Array };
    if (o.digest) imprint = parseDigestArg(o.digest);
    else {
      // Hash the data with the token's own algorithm, streaming.
      const alg = tokenImprintAlgorithm(token) ?? 'sha256';
      const fileAlg = alg === 'sha256' || alg === 'sha384' || alg === 'sha512' ? alg : undefined;
      if (fileAlg) {
        const h = await hashFile(path.resolve(ctx.cwd, o.data!), [fileAlg], o.data);
        imprint = { algorithm: fileAlg, digest: fromHex(h.digests[fileAlg]!) };
      } else {
        imprint = { algorithm: alg, digest: hash(alg, new Uint8Array(await readData(ctx, o.data!))) };
      }
    }
    const v = verifyTimestampToken(token, {
      imprint,
      anchors: [],
      trust,
      policy,
      ...(at ? { at } : {}),
      extraCertificates: extra,
      ...(nonce !== undefined ? { nonce } : {}),
      ...(o.acceptPolicy.length ? { policies: o.acceptPolicy } : {}),
      now: ctx.now(),
    });
    checks = [...checks, ...v.checks, ...tsaPinChecks(pins, v)];
    info = v.info;
    root = v.untrustedRoot;
  } else checks = [...checks, ...tsaPinChecks(pins, {})];
  const ok = checks.every((c) => c.ok);
  if (ctx.json) {
    printJson(ctx, { tsproof: VERSION, ok, results: [{ file: o.data ?? o.digest, token: tokenFile, ok, reason: reasonOf(checks), checks, ...(info ? { timestamp: info } : {}), ...(root ? { untrustedRoot: root } : {}) }] });
  } else {
    out(ctx, plain`${verdict(ctx, ok)}  ${tokenFile}`);
    if (info) out(ctx, info.trusted ? t`  when     ${formatTimestamp(info)}` : t`  when     ${formatTimestamp(info)} — CLAIMED, NOT PROVEN (the TSA's root is not trusted here)`);
    if (root) for (const l of rootLines(root)) out(ctx, l);
    out(ctx, t`  checks   ${summarize(checks)}`);
    for (const l of renderChecks(ctx, checks)) out(ctx, l);
  }
  return ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
}

/**
 * --tsa-cert: a SHA-256 fingerprint is a pin (the TSA certificate, or the root it chains to, must
 * be that one); anything else is a certificate file, for tokens that carry none (untrusted).
 * The pin from TSPROOF_TSA_CERT or config.json applies when no fingerprint is given.
 */
async function tsaCertOption(ctx: CliContext, values: readonly string[]): Promise<{ extra: Certificate[]; pins: Pins }> {
  const extra: Certificate[] = [];
  const fps: string[] = [];
  for (const v of values) {
    const fp = normaliseFingerprint(v);
    if (fp) fps.push(fp);
    else extra.push(...parseCertificates(await read(ctx, v, t`the certificate`, LIMITS.certificateFileBytes), v));
  }
  const all = pinSettings(ctx, { tsaCert: fps }, await loadConfig(ctx.home));
  return { extra, pins: all.tsaCert ? { tsaCert: all.tsaCert } : {} };
}

function tsaPinChecks(pins: Pins, v: { info?: TimestampInfo; untrustedRoot?: UntrustedRoot; checks?: readonly { subject?: string }[] }): Check[] {
  const list = new CheckList();
  if (!hasPins(pins)) return [];
  checkTsaPins(list, pins, v.info ? [{ info: v.info, ...(v.untrustedRoot ? { untrustedRoot: v.untrustedRoot } : {}), ...(v.checks?.[0]?.subject ? { subject: v.checks[0].subject } : {}) }] : []);
  return list.items;
}

/** The root a token's TSA leads to that this computer does not trust yet, and what to do about it. */
function rootLines(root: UntrustedRoot): Text[] {
  const known = knownRootBySha256(root.sha256);
  const lines = root.selfSigned
    ? [t`  root     "${root.subject}" (SHA-256 ${root.sha256}) is not trusted here; compare this fingerprint with the one the TSA's operator publishes`]
    : [t`  root     "${root.subject}" is issued by "${root.issuer ?? ''}", which the token does not carry and this computer does not trust`];
  lines.push(known ? t`  next     tsproof trust add --known ${known.name}` : t`  next     tsproof trust add <root.pem> --for tsa`);
  return lines;
}

/** --cms: every signature-time-stamp inside a CMS signature, against its SignerInfo's signature value. */
async function cmsTimestamps(ctx: CliContext, file: string, o: { trust: string[]; tsaCert: string[]; acceptPolicy: string[]; policy?: string; at?: string }): Promise<number> {
  const trust = await trustAnchors(ctx, o.trust);
  const at = atOption(o.at);
  const { extra, pins } = await tsaCertOption(ctx, o.tsaCert);
  let results;
  try {
    results = verifyCmsSignatureTimestamps(trimZeroPadding(new Uint8Array(await read(ctx, file, t`the CMS signature`, LIMITS.cmsBytes))).bytes, {
      anchors: [],
      trust,
      policy: policyOption(o.policy),
      extraCertificates: extra,
      now: ctx.now(),
      ...(at ? { at } : {}),
      ...(o.acceptPolicy.length ? { policies: o.acceptPolicy } : {}),
    });
  } catch (err) {
    rethrowLimit(err);
    throw new InputError({ code: 'MALFORMED_TOKEN', message: t`${file}: not a CMS signature (${messageOf(err)})` });
  }
  if (results.length === 0) throw new InputError({ code: 'BAD_ARGUMENT', message: t`${file}: the signature carries no signature-time-stamp` });
  results = results.map((r) => {
    const pinned = tsaPinChecks(pins, r);
    return pinned.length ? { ...r, checks: [...r.checks, ...pinned], ok: r.ok && pinned.every((c) => c.ok) } : r;
  });
  const ok = results.every((r) => r.ok);
  if (ctx.json)
    printJson(ctx, {
      tsproof: VERSION,
      ok,
      results: results.map((r) => ({ file, ok: r.ok, reason: reasonOf(r.checks), subject: r.checks[0]?.subject, checks: r.checks, ...(r.info ? { timestamp: r.info } : {}), ...(r.untrustedRoot ? { untrustedRoot: r.untrustedRoot } : {}) })),
    });
  else
    for (const r of results) {
      out(ctx, plain`${verdict(ctx, r.ok)}  ${file} ${r.checks[0]?.subject ?? ''}`);
      if (r.info) out(ctx, r.info.trusted ? t`  when     ${formatTimestamp(r.info)}` : t`  when     ${formatTimestamp(r.info)} — CLAIMED, NOT PROVEN (the TSA's root is not trusted here)`);
      if (r.untrustedRoot) for (const l of rootLines(r.untrustedRoot)) out(ctx, l);
      out(ctx, t`  checks   ${summarize(r.checks)}`);
      for (const l of renderChecks(ctx, r.checks)) out(ctx, l);
    }
  return ok ? ExitCode.OK : ExitCode.VERIFY_FAILED;
}
