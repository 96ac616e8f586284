/**
 * tsproof CLI entry. Parses flags, runs one command, maps the outcome to an exit code.
 * Errors print as one line on stderr (and as {ok:false,error} on stdout with --json).
 */
import { Command, CommanderError, Option } from 'commander';
import { isTsproofError, messageOf } from '../core/errors.js';
import { processContext, type CliContext } from './context.js';
import { EXIT_CODE_HELP, ExitCode, exitCodeOf } from './exit.js';
import { VERSION, printJson } from './output.js';
import type { hashCommand } from './commands/hash.js';
import type { identityExport, identityImport, identityNew } from './commands/identity.js';
import type { registerCommand } from './commands/register.js';
import type { verifyCommand } from './commands/verify.js';
import type { tsVerifyCommand } from './commands/ts.js';
import type { tsaInit, tsaServe } from './commands/tsa.js';
import type { receiptExtract } from './commands/receipt.js';
import type { certificateCommand, exportCommand, showCommand } from './commands/export.js';

// Commands load on demand: start-up time matters (hashing a file is ~10× slower than
// OpenSSL if every library loads first).
const commands = {
  hash: () => import('./commands/hash.js'),
  identity: () => import('./commands/identity.js'),
  register: () => import('./commands/register.js'),
  verify: () => import('./commands/verify.js'),
  ts: () => import('./commands/ts.js'),
  tsa: () => import('./commands/tsa.js'),
  demo: () => import('./commands/demo.js'),
  receipt: () => import('./commands/receipt.js'),
  trust: () => import('./commands/trust.js'),
  export: () => import('./commands/export.js'),
};

/** Commander collector for repeatable options. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(ctx: CliContext, setCode: (code: number) => void): Command {
  const program = new Command('tsproof')
    .description('Prove you held a file at a point in time: fingerprint, sign, timestamp (RFC 3161), verify offline.')
    .version(VERSION)
    .option('--json', 'print one JSON document on stdout')
    .option('--no-color', 'disable colour')
    .addHelpText('after', EXIT_CODE_HELP)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) });
  program.hook('preAction', (cmd) => {
    const g = cmd.optsWithGlobals() as { json?: boolean; color?: boolean };
    ctx.json = !!g.json;
    if (g.color === false) ctx.color.level = 0;
  });
  const run = (f: (...a: never[]) => Promise<number>) => async (...args: unknown[]) => setCode(await (f as (...a: unknown[]) => Promise<number>)(...args));
  const passphraseFile = new Option('--passphrase-file <file>', 'read the identity passphrase from a file (else TSPROOF_PASSPHRASE, else a prompt)');
  const trust = new Option('--trust <pem>', 'trust anchor certificate(s) for TSAs and holders (repeatable; adds to $TSPROOF_HOME/trust/)').argParser(collect).default([]);

  const identity = program.command('identity').description('holder identities (certificate and encrypted key)');
  identity
    .command('new')
    .description('create a self-signed, self-asserted identity (ECDSA P-256 by default)')
    .requiredOption('--name <CN>', 'your name as it should appear (common name)')
    .option('--org <O>', 'organisation')
    .option('--email <E>', 'e-mail address')
    .option('--rsa', 'RSA-3072 instead of ECDSA P-256')
    .option('--csr <file>', 'also write a PKCS#10 request to send to a real CA')
    .option('--as <name>', 'name of the identity in the store (default: from --name)')
    .addOption(passphraseFile)
    .action(run(async (o: Parameters<typeof identityNew>[1]) => (await commands.identity()).identityNew(ctx, o)));
  identity
    .command('import [file]')
    .description('import a PKCS#12 (.p12/.pfx), a PEM certificate with its key, or a Korean NPKI folder (--npki)')
    .option('--key <file>', 'PEM/DER private key (PKCS#8, encrypted PKCS#8 incl. SEED, or traditional PEM)')
    .option('--npki <folder>', 'an NPKI certificate folder (signCert.der + signPri.key)')
    .option('--name <name>', 'name of the identity in the store')
    .option('--import-passphrase-file <file>', "the file's own passphrase (else TSPROOF_IMPORT_PASSPHRASE, else the store passphrase)")
    .addOption(passphraseFile)
    .action(run(async (file: string | undefined, o: Parameters<typeof identityImport>[2]) => (await commands.identity()).identityImport(ctx, file, o)));
  identity
    .command('scan')
    .description('find NPKI certificate folders (home NPKI, AppData/LocalLow/NPKI, removable drives) and list them')
    .option('--path <folder>', 'also look in this folder (repeatable)', collect, [])
    .action(run(async (o: { path: string[] }) => (await commands.identity()).identityScan(ctx, o)));
  identity
    .command('export [name]')
    .description('back up an identity to a PKCS#12 file (passphrase: TSPROOF_EXPORT_PASSPHRASE, else the identity\'s)')
    .requiredOption('--p12 <file>', 'the .p12 file to write')
    .option('--force', 'replace the file if it exists')
    .addOption(passphraseFile)
    .action(run(async (name: string | undefined, o: Parameters<typeof identityExport>[2]) => (await commands.identity()).identityExport(ctx, name, o)));
  identity
    .command('remove <name>')
    .description('delete an identity and its private key')
    .option('--yes', 'confirm')
    .action(run(async (name: string, o: { yes?: boolean }) => (await commands.identity()).identityRemove(ctx, name, o)));
  identity.command('list').description('list identities').action(run(async () => (await commands.identity()).identityList(ctx)));
  identity
    .command('show [name]')
    .description('show an identity')
    .action(run(async (name?: string) => (await commands.identity()).identityShow(ctx, name)));

  program
    .command('hash <paths...>')
    .description('fingerprint files, folders and globs (output works with sha256sum -c)')
    .option('-a, --algorithm <alg>', 'sha256, sha384 or sha512', 'sha256')
    .action(run(async (paths: string[], o: Parameters<typeof hashCommand>[2]) => (await commands.hash()).hashCommand(ctx, paths, o)));

  program
    .command('register <paths...>')
    .description('hash files, sign the manifest, timestamp the signature, write a receipt')
    .option('--identity <name>', 'identity to sign with (default: the default identity)')
    .option('--tsa <url|name>', 'TSA URL or a name from `tsproof tsa list` (repeatable: one timestamp each; default from $TSPROOF_HOME/config.json)', collect, [])
    .option('--min-timestamps <n>', 'with several TSAs: succeed when at least n answered validly (default: all)')
    .addOption(trust)
    .option('--out <dir>', 'folder for the receipt (default: beside a single file, else the current folder)')
    .option('-a, --algorithm <alg>', 'digest algorithm(s) to record (repeatable; default sha256)', collect, [])
    .option('--timeout <seconds>', 'per-request TSA timeout', '30')
    .option('--exclude <pattern>', 'leave out matching paths inside folders (repeatable; gitignore syntax, like .tsproofignore)', collect, [])
    .option('--changed-only', 'leave out files whose content this identity already registered (per the local index)')
    .addOption(passphraseFile)
    .action(run(async (paths: string[], o: Parameters<typeof registerCommand>[2]) => (await commands.register()).registerCommand(ctx, paths, o)));

  program
    .command('verify [files...]')
    .description('verify files offline against their receipt (given, beside the file, or from the local index), or a whole folder with --dir')
    .option('--receipt <file>', 'the receipt to verify against')
    .option('--dir <folder>', 'check every entry of --receipt against this folder: matched, modified or missing')
    .option('--unregistered', 'with --dir: also list files in the folder that the receipt does not register')
    .addOption(trust)
    .option('--brief', 'list only failed checks and warnings')
    .option('--policy <policy>', 'strict (default) or compatible: what weak or non-conforming findings do (docs/verification.md)')
    .option('--at <time>', 'judge certificate validity at this time instead of the timestamp\'s genTime')
    .option('--report <pdf>', 'also write a PDF certificate of verification with every check (files from one receipt)')
    .option('--lang <lang>', 'for --report: ko, en or both')
    .action(run(async (files: string[], o: Parameters<typeof verifyCommand>[2]) => (await commands.verify()).verifyCommand(ctx, files, o)));

  const receipt = program.command('receipt').description('work with receipts');
  receipt
    .command('extract <receipt>')
    .description('write a per-file receipt: one entry and its inclusion proof, nothing about the other files')
    .requiredOption('--file <path>', 'the file (its name as registered, or the file itself)')
    .requiredOption('--out <file>', 'where to write the per-file receipt')
    .option('--force', 'replace --out if it exists')
    .action(run(async (r: string, o: Parameters<typeof receiptExtract>[2]) => (await commands.receipt()).receiptExtract(ctx, r, o)));

  program
    .command('show <receipt>')
    .description('a readable summary of a receipt: holder, proven time, timestamps, files, and whether it verifies')
    .addOption(trust)
    .option('--all', 'list every file (default: the first 20)')
    .action(run(async (r: string, o: Parameters<typeof showCommand>[2]) => (await commands.export()).showCommand(ctx, r, o)));
  program
    .command('certificate <receipt>')
    .description('a PDF certificate of registration (Korean and/or English) from a receipt that verifies')
    .option('--file <path>', 'only this file (its name as registered, or the file itself)')
    .option('--lang <lang>', 'ko, en or both (default: both under a Korean locale, else en)')
    .requiredOption('--out <pdf>', 'the PDF to write')
    .addOption(trust)
    .action(run(async (r: string, o: Parameters<typeof certificateCommand>[2]) => (await commands.export()).certificateCommand(ctx, r, o)));
  program
    .command('export <receipt>')
    .description('an evidence pack that OpenSSL alone can check (--format evidence), or an in-toto Statement (--format in-toto)')
    .requiredOption('--format <format>', 'evidence or in-toto')
    .requiredOption('--out <path>', 'evidence: the folder to create, or <name>.zip; in-toto: the file to write (- for stdout)')
    .addOption(trust)
    .action(run(async (r: string, o: Parameters<typeof exportCommand>[2]) => (await commands.export()).exportCommand(ctx, r, o)));

  const trustCmd = program.command('trust').description('trust anchors for TSAs and holders ($TSPROOF_HOME/trust)');
  trustCmd
    .command('add <pem>')
    .description('trust a root (or pin a certificate) for TSAs or holders, optionally only for a window of time')
    .requiredOption('--for <purpose>', 'tsa, holder or any')
    .option('--valid-from <time>', 'trust it only for times (genTime) from this one')
    .option('--valid-to <time>', 'trust it only for times (genTime) until this one')
    .action(run(async (file: string, o: { for: string; validFrom?: string; validTo?: string }) => (await commands.trust()).trustAdd(ctx, file, o)));
  trustCmd.command('list').description('list trust anchors').action(run(async () => (await commands.trust()).trustList(ctx)));
  trustCmd
    .command('remove <id>')
    .description('remove a trust anchor (its id from trust list, or a file name in the trust folder)')
    .action(run(async (id: string) => (await commands.trust()).trustRemove(ctx, id)));

  const ts = program.command('ts').description('standalone RFC 3161 tokens');
  ts.command('verify')
    .description('verify a TimeStampResp (.tsr) or TimeStampToken (.tst) against data or a digest, or the signature-time-stamps of a CMS signature (--cms)')
    .option('--token <file>', 'DER TimeStampResp or TimeStampToken')
    .option('--cms <file>', 'a CMS signature (.p7s/.p7m): verify each signature-time-stamp against its signer\'s signature value')
    .option('--data <file>', 'the timestamped data')
    .option('--digest <alg:hex>', 'the timestamped digest, e.g. sha256:…')
    .addOption(trust)
    .option('--tsa-cert <pem>', 'TSA certificate(s) for tokens that carry none (untrusted; repeatable)', collect, [])
    .option('--nonce <hex>', 'expected nonce')
    .option('--accept-policy <oid>', 'accepted TSA policy OID (repeatable)', collect, [])
    .option('--policy <policy>', 'strict (default) or compatible: what weak or non-conforming findings do')
    .option('--at <time>', 'judge certificate validity at this time instead of genTime')
    .action(run(async (o: Parameters<typeof tsVerifyCommand>[1]) => (await commands.ts()).tsVerifyCommand(ctx, o)));

  const tsa = program.command('tsa').description('the bundled RFC 3161 time-stamping authority');
  tsa
    .command('init')
    .description('create a root CA and a TSA certificate (EKU timeStamping, critical)')
    .option('--dir <dir>', 'where to keep the TSA key and certificates (default $TSPROOF_HOME/tsa)')
    .option('--name <name>', 'organisation name in the certificates', 'tsproof local')
    .option('--rsa', 'RSA-3072 instead of ECDSA P-256')
    .option('--no-trust', 'do not add the new root to $TSPROOF_HOME/trust/')
    .option('--csr <file>', 'instead: make only the TSA key and a certificate request for an external CA')
    .action(run(async (o: Parameters<typeof tsaInit>[1]) => (await commands.tsa()).tsaInit(ctx, o)));
  tsa.command('list').description('a curated list of public TSAs (URL, operator, notes)').action(run(async () => (await commands.tsa()).tsaList(ctx)));
  tsa
    .command('probe <url|name>')
    .description('ask a TSA for timestamps (random digests, each imprint algorithm) and report status, chain, policy, latency and quirks')
    .addOption(trust)
    .option('--timeout <seconds>', 'per-request timeout', '15')
    .action(run(async (target: string, o: { trust: string[]; timeout: string }) => (await commands.tsa()).tsaProbe(ctx, target, o)));
  tsa
    .command('serve')
    .description('serve RFC 3161 over HTTP (POST application/timestamp-query)')
    .option('--dir <dir>', 'TSA directory (default $TSPROOF_HOME/tsa)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port', '3161')
    .action(run(async (o: Parameters<typeof tsaServe>[1]) => (await commands.tsa()).tsaServe(ctx, o)));

  program
    .command('demo')
    .description('offline walkthrough: local TSA, throwaway identity, register, verify, tamper')
    .option('--keep', 'keep the temporary folder')
    .action(run(async (o: { keep?: boolean }) => (await commands.demo()).demoCommand(ctx, o)));
  return program;
}

export async function main(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  let code: number = ExitCode.OK;
  const program = buildProgram(ctx, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      return ExitCode.USAGE;
    }
    const exit = exitCodeOf(err);
    const msg = isTsproofError(err) && exit !== ExitCode.INTERNAL ? err.message : `internal error: ${messageOf(err)} (please report this at the tsproof issue tracker)`;
    ctx.stderr.write(`tsproof: ${ctx.color.red('error:')} ${oneLine(msg)}\n`);
    if (ctx.env.TSPROOF_DEBUG && err instanceof Error) ctx.stderr.write(`${err.stack}\n`);
    if (ctx.json) printJson(ctx, { ok: false, error: { code: isTsproofError(err) ? err.code : 'INTERNAL', exitCode: exit, message: oneLine(msg) } });
    return exit;
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}
