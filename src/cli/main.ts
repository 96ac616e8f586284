/**
 * tsproof CLI entry. Parses flags, runs one command, maps the outcome to an exit code.
 * Errors print as one line on stderr (and as {ok:false,error} on stdout with --json).
 */
import { Command, CommanderError, Help, InvalidArgumentError, Option } from 'commander';
import { InputError, isTsproofError, messageOf } from '../core/errors.js';
import { processContext, type CliContext } from './context.js';
import { EXIT_CODE_HELP, ExitCode, exitCodeOf } from './exit.js';
import { VERSION, printJson, tr } from './output.js';
import { t, type Text } from '../core/text.js';
import { LANG_OPTIONS, catalogFor, commanderText, helpText, helpTitle, langOption, messageLang, type LangOption } from './i18n.js';
import type { hashCommand } from './commands/hash.js';
import type { identityExport, identityImport, identityNew } from './commands/identity.js';
import type { registerCommand } from './commands/register.js';
import type { verifyCommand } from './commands/verify.js';
import type { tsVerifyCommand } from './commands/ts.js';
import type { tsaInit, tsaServe } from './commands/tsa.js';
import type { receiptExtract } from './commands/receipt.js';
import type { certificateCommand, exportCommand, showCommand } from './commands/export.js';
import type { renewCommand } from './commands/renew.js';
import type { escrowCertificate, escrowDeposit, escrowInspect, escrowRelease, escrowVerify } from './commands/escrow.js';
import type { trustAdd } from './commands/trust.js';
import type { listCommand } from './commands/registry.js';
import type * as secretCommands from './commands/secret.js';
import type { ServeFlags } from './commands/org.js';

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
  renew: () => import('./commands/renew.js'),
  expiring: () => import('./commands/expiring.js'),
  escrow: () => import('./commands/escrow.js'),
  registry: () => import('./commands/registry.js'),
  status: () => import('./commands/status.js'),
  agent: () => import('./commands/agent.js'),
  secret: () => import('./commands/secret.js'),
  org: () => import('./commands/org.js'),
  completion: () => import('./commands/completion.js'),
};

/** Commander collector for repeatable options. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(ctx: CliContext, setCode: (code: number) => void): Command {
  // Help and descriptions in the message language (chosen before parsing: see main).
  const d = (x: Text) => tr(ctx, x);
  const program = new Command('tsproof')
    .description(d(t`Prove you held a file at a point in time: fingerprint, sign, timestamp (RFC 3161), verify offline.`))
    .version(VERSION, '-V, --version', d(t`output the version number`))
    .helpOption('-h, --help', d(t`display help for command`))
    .helpCommand('help [command]', d(t`display help for command`))
    .option('--json', d(t`print one JSON document on stdout`))
    .option('--no-color', d(t`disable colour`))
    .addOption(
      new Option('--lang <lang>', d(t`language of messages (ko or en) and of PDFs (ko, en or both); default from LC_ALL / LANG`)).argParser((v: string) => {
        if (!LANG_OPTIONS.includes(v as LangOption)) throw new InvalidArgumentError(d(t`expected ko, en or both`));
        return v;
      }),
    )
    .addHelpText('after', d(EXIT_CODE_HELP))
    .showHelpAfterError(d(t`(run with --help for usage)`))
    .exitOverride()
    .configureHelp({ styleTitle: (s) => helpTitle(ctx.lang, s), formatHelp: (cmd, helper) => helpText(ctx.lang, Help.prototype.formatHelp.call(helper, cmd, helper)) })
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      outputError: (s, write) => write(commanderText(ctx.lang, s)),
    });
  program.hook('preAction', (cmd) => {
    const g = cmd.optsWithGlobals() as { json?: boolean; color?: boolean };
    ctx.json = !!g.json;
    if (g.color === false) ctx.color.level = 0;
  });
  const run =
    (f: (...a: never[]) => Promise<number>) =>
    async (...args: unknown[]) =>
      setCode(await (f as (...a: unknown[]) => Promise<number>)(...args));
  const passphraseFile = new Option('--passphrase-file <file>', d(t`read the identity passphrase from a file (else TSPROOF_PASSPHRASE, else a prompt)`));
  const trust = new Option('--trust <pem>', d(t`trust anchor certificate(s) for TSAs and holders (repeatable; adds to $TSPROOF_HOME/trust/)`)).argParser(collect).default([]);
  // Pins: expectations that must hold (docs/verification.md#pins); also TSPROOF_* variables and config.json "pins".
  const pins = (cmd: Command) =>
    cmd
      .option('--holder-cert <sha256>', d(t`the holder certificate must be this one (SHA-256; repeatable: any of them)`), collect, [])
      .option('--holder-subject <DN>', d(t`the holder's subject must be this DN (* matches any text)`))
      .option('--holder-issuer <DN>', d(t`the holder must be certified by a CA of this DN, on a path to an anchor trusted here`))
      .option('--require-certified', d(t`fail unless a CA trusted here vouches for the holder (not self-asserted)`));

  const identity = program.command('identity').description(d(t`holder identities (certificate and encrypted key)`));
  identity
    .command('new')
    .description(d(t`create a self-signed, self-asserted identity (ECDSA P-256 by default)`))
    .requiredOption('--name <CN>', d(t`your name as it should appear (common name)`))
    .option('--org <O>', d(t`organisation`))
    .option('--email <E>', d(t`e-mail address`))
    .option('--rsa', d(t`RSA-3072 instead of ECDSA P-256`))
    .option('--csr <file>', d(t`also write a PKCS#10 request to send to a real CA`))
    .option('--as <name>', d(t`name of the identity in the store (default: from --name)`))
    .addOption(passphraseFile)
    .action(run(async (o: Parameters<typeof identityNew>[1]) => (await commands.identity()).identityNew(ctx, o)));
  identity
    .command('import [file]')
    .description(d(t`import a PKCS#12 (.p12/.pfx), a PEM certificate with its key, or a Korean NPKI folder (--npki)`))
    .option('--key <file>', d(t`PEM/DER private key (PKCS#8, encrypted PKCS#8 incl. SEED, or traditional PEM)`))
    .option('--npki <folder>', d(t`an NPKI certificate folder (signCert.der + signPri.key), or a folder above it holding exactly one`))
    .option('--chain <pem>', d(t`the CA certificates that issued it (PEM or DER; repeatable), so that verifiers who trust the root see it certified`), collect, [])
    .option('--name <name>', d(t`name of the identity in the store`))
    .option('--import-passphrase-file <file>', d(t`the file's own passphrase (else TSPROOF_IMPORT_PASSPHRASE, else the store passphrase)`))
    .option('--force', d(t`replace an identity of that name (importing the same certificate again changes nothing without it)`))
    .addOption(passphraseFile)
    .action(run(async (file: string | undefined, o: Parameters<typeof identityImport>[2]) => (await commands.identity()).identityImport(ctx, file, o)));
  identity
    .command('scan')
    .description(d(t`find NPKI certificate folders (home NPKI, AppData/LocalLow/NPKI, removable drives) and list them`))
    .option('--path <folder>', d(t`also look in this folder (repeatable)`), collect, [])
    .action(run(async (o: { path: string[] }) => (await commands.identity()).identityScan(ctx, o)));
  identity
    .command('export [name]')
    .description(d(t`back up an identity to a PKCS#12 file (passphrase: TSPROOF_EXPORT_PASSPHRASE, else the identity's)`))
    .requiredOption('--p12 <file>', d(t`the .p12 file to write`))
    .option('--force', d(t`replace the file if it exists`))
    .addOption(passphraseFile)
    .action(run(async (name: string | undefined, o: Parameters<typeof identityExport>[2]) => (await commands.identity()).identityExport(ctx, name, o)));
  identity
    .command('remove <name>')
    .description(d(t`delete an identity and its private key`))
    .option('--yes', d(t`confirm`))
    .action(run(async (name: string, o: { yes?: boolean }) => (await commands.identity()).identityRemove(ctx, name, o)));
  identity
    .command('default [name]')
    .description(d(t`show the default identity, or make <name> the default (config.json defaultIdentity)`))
    .action(run(async (name?: string) => (await commands.identity()).identityDefault(ctx, name)));
  identity
    .command('list')
    .description(d(t`list identities`))
    .action(run(async () => (await commands.identity()).identityList(ctx)));
  identity
    .command('show [name]')
    .description(d(t`show an identity`))
    .action(run(async (name?: string) => (await commands.identity()).identityShow(ctx, name)));

  const agent = program.command('agent').description(d(t`a key agent: keeps an unlocked identity in memory for a while, so that register neither prompts nor derives the key (docs/home.md#agent)`));
  agent
    .command('start')
    .description(d(t`unlock an identity and keep it in a background agent (Unix socket in $TSPROOF_HOME, owner only)`))
    .option('--identity <name>', d(t`identity to keep (default: the default identity)`))
    .option('--timeout <duration>', d(t`how long the agent keeps the key, e.g. 30m, 2h, 90s (at most 24h)`), '30m')
    .addOption(passphraseFile)
    .action(run(async (o: { identity?: string; passphraseFile?: string; timeout: string }) => (await commands.agent()).agentStart(ctx, o)));
  agent
    .command('status')
    .description(d(t`whether an agent runs, which identity it holds and until when`))
    .action(run(async () => (await commands.agent()).agentStatus(ctx)));
  agent
    .command('stop')
    .description(d(t`stop the agent; it forgets the key`))
    .action(run(async () => (await commands.agent()).agentStop(ctx)));
  agent
    .command('serve', { hidden: true })
    .requiredOption('--identity <name>')
    .requiredOption('--certificate <sha256>')
    .requiredOption('--lifetime-ms <ms>')
    .action(run(async (o: { identity: string; certificate: string; lifetimeMs: string }) => (await commands.agent()).agentServe(ctx, o)));

  // The options of every command that walks folders (docs/files.md): hash, register, status, escrow deposit.
  const walk = (cmd: Command) =>
    cmd
      .option('--exclude <pattern>', d(t`leave out matching paths inside folders (repeatable; gitignore syntax, like .tsproofignore)`), collect, [])
      .option('-C, --base <dir>', d(t`take the paths from this folder and name files relative to it (default: docs/files.md#names)`))
      .option('--include-vcs', d(t`keep version-control folders (.git, .hg, .svn), left out by default`))
      .option('--gitignore', d(t`also leave out what the tree's .gitignore files ignore`));

  walk(program.command('hash <paths...>').description(d(t`fingerprint files, folders and globs (output works with sha256sum -c)`)).option('-a, --algorithm <alg>', d(t`sha256, sha384 or sha512`), 'sha256')).action(
    run(async (paths: string[], o: Parameters<typeof hashCommand>[2]) => (await commands.hash()).hashCommand(ctx, paths, o)),
  );

  // The TSA options of every command that asks for timestamps (register, escrow deposit and verify, secret records, registry seal).
  const tsaOptions = (c: Command) =>
    c
      .option('--tsa <url|name>', d(t`TSA URL or a name from \`tsproof tsa list\` (repeatable: one timestamp each; default from $TSPROOF_HOME/config.json)`), collect, [])
      .option('--min-timestamps <n>', d(t`with several TSAs: succeed when at least n answered validly (default: all)`))
      .option('--require-operators <n>', d(t`timestamp policy: succeed only with valid timestamps from at least n distinct TSA operators, and sign the policy into the receipt (default: config.json's timestamps.require)`))
      .option('--timeout <seconds>', d(t`per-request TSA timeout`), '30');
  walk(
    tsaOptions(
      program
        .command('register <paths...>')
        .description(d(t`hash files, sign the manifest, timestamp the signature, write a receipt`))
        .option('--identity <name>', d(t`identity to sign with (default: the default identity)`))
        .option('--require-revocation', d(t`fail (exit 3) when no OCSP response or CRL can be fetched for a certificate of the proof (default: note it and go on)`))
        .addOption(trust)
        .option('--out <path>', d(t`where the receipt goes: a name ending in .json is the file, anything else a folder (default: the current folder)`))
        .option('-a, --algorithm <alg>', d(t`digest algorithm(s) to record (repeatable; default sha256)`), collect, [])
        .option('--changed-only', d(t`leave out files whose content this identity already registered (per the local registry)`))
        .option('--no-record', d(t`do not record the registration in the local registry (a throwaway home, as in CI; "registry import" adopts the receipt later)`))
        .option('--title <text>', d(t`a title for the registration (signed in the manifest)`))
        .option('--project <name>', d(t`the project it belongs to (signed in the manifest; log --project finds it)`))
        .option('--tag <k=v>', d(t`a tag (repeatable; signed in the manifest; log --tag finds it)`), collect, [])
        .option('--classification <level>', d(t`a classification level, e.g. 대외비 or confidential (signed in the manifest)`))
        .option('--dry-run', d(t`list what would be registered, and what is left out and why; register nothing`))
        .option('--redact-names', d(t`push only hashes of the file names to the organisation registry (registry.url), not the names`)),
    ),
  )
    .addOption(passphraseFile)
    .action(run(async (paths: string[], o: Parameters<typeof registerCommand>[2]) => (await commands.register()).registerCommand(ctx, paths, o)));

  pins(
    program
      .command('verify [files...]')
      .description(d(t`verify files offline against their receipt (given, beside the file, or from the local registry), or a whole folder with --dir`))
      .option('--receipt <file>', d(t`the receipt to verify against: a receipt file, an evidence pack (folder or zip), or a folder of receipts (repeatable: each file against the first that registers it)`), collect, []),
  )
    .option('--tsa-cert <sha256>', d(t`every timestamp's TSA certificate, or the root it chains to, must be this one (SHA-256; repeatable)`), collect, [])
    .option('--dir <folder>', d(t`check every entry of --receipt against this folder: matched, modified or missing`))
    .option('--unregistered', d(t`with --dir: also list files in the folder that the receipt does not register`))
    .option('--ignore-missing', d(t`leave out files (or --dir entries) that are not there, instead of failing; with none left, exit 1`))
    .option('-q, --quiet', d(t`print nothing: the exit code is the verdict (errors still go to stderr)`))
    .option('--attestation <envelope>', d(t`check a signed in-toto attestation (export --format in-toto --sign): its signature, its signer, and that each file is one of its subjects`))
    .addOption(trust)
    .option('--brief', d(t`only the verdict, who and when, and failed checks`))
    .option('--full', d(t`list every check (default: only failed checks and warnings)`))
    .option('--policy <policy>', d(t`strict (default) or compatible: what weak or non-conforming findings do (docs/verification.md)`))
    .option('--at <time>', d(t`judge certificate validity at this time instead of the timestamp's genTime`))
    .option('--require-revocation', d(t`fail when revocation could not be checked for a certificate of the proof (no usable data in the receipt)`))
    .option('--report <pdf>', d(t`also write a PDF certificate of verification: every file's status, the receipts, anchors and checks`))
    .option('--force', d(t`replace the --report file if it exists`))
    .action(run(async (files: string[], o: Parameters<typeof verifyCommand>[2]) => (await commands.verify()).verifyCommand(ctx, files, o)));

  const receipt = program.command('receipt').description(d(t`work with receipts`));
  receipt
    .command('extract <receipt>')
    .description(d(t`write a per-file receipt: one entry and its inclusion proof, nothing about the other files`))
    .requiredOption('--file <path>', d(t`the file (its name as registered, or the file itself)`))
    .requiredOption('--out <file>', d(t`where to write the per-file receipt`))
    .option('--force', d(t`replace --out if it exists`))
    .action(run(async (r: string, o: Parameters<typeof receiptExtract>[2]) => (await commands.receipt()).receiptExtract(ctx, r, o)));

  pins(program.command('show <receipt>').description(d(t`a readable summary of a receipt or evidence pack: holder, proven time, timestamps, files, and whether it verifies`)))
    .option('--tsa-cert <sha256>', d(t`every timestamp's TSA certificate, or the root it chains to, must be this one (SHA-256; repeatable)`), collect, [])
    .addOption(trust)
    .option('--all', d(t`list every file (default: the first 20)`))
    .action(run(async (r: string, o: Parameters<typeof showCommand>[2]) => (await commands.export()).showCommand(ctx, r, o)));
  program
    .command('certificate <receipt>')
    .description(d(t`a PDF certificate of registration (Korean and/or English) from a receipt that verifies`))
    .option('--file <path>', d(t`only this file (its name as registered, or the file itself)`))
    .requiredOption('--out <pdf>', d(t`the PDF to write`))
    .addOption(trust)
    .action(run(async (r: string, o: Parameters<typeof certificateCommand>[2]) => (await commands.export()).certificateCommand(ctx, r, o)));
  program
    .command('renew [receipts...]')
    .description(d(t`add one RFC 4998 archive timestamp over all the receipts to each of them, before their timestamps' certificates expire (docs/long-term.md)`))
    .option('--tsa <url|name>', d(t`the TSA to ask (default from $TSPROOF_HOME/config.json)`), collect, [])
    .option('--registry', d(t`renew the receipts of every active registration in the registry`))
    .option('-a, --algorithm <alg>', d(t`the hash tree's digest for receipts not renewed yet (default sha256); with --files, the algorithm the files are re-hashed with (default: the chain's)`))
    .option('--files <folder>', d(t`renew over the files too, read from this folder and checked against the receipt: a hash-tree renewal (RFC 4998 §5.3), needed to change the algorithm and for per-file evidence records`))
    .option('--timeout <seconds>', d(t`per-request TSA timeout`), '30')
    .addOption(trust)
    .action(run(async (r: string[], o: Parameters<typeof renewCommand>[2]) => (await commands.renew()).renewCommand(ctx, r, o)));

  program
    .command('export <receipt>')
    .description(d(t`an evidence pack that OpenSSL alone can check (--format evidence), an in-toto Statement (--format in-toto), or the RFC 4998 evidence record of the receipt's renewals (--format ers)`))
    .requiredOption('--format <format>', d(t`evidence, in-toto or ers`))
    .requiredOption('--out <path>', d(t`evidence: the folder to create, or <name>.zip; in-toto: the file to write (- for stdout); ers: the file to write`))
    .addOption(trust)
    .option('--file <name>', d(t`ers: the evidence record of this one file (its name as registered, or the file itself); needs a renewal over the files`))
    .option('--sign', d(t`in-toto: wrap the Statement in a DSSE envelope signed by the holder (with the holder's certificate)`))
    .option('--identity <name>', d(t`with --sign: the identity to sign with (default: TSPROOF_IDENTITY, else the default identity)`))
    .addOption(passphraseFile)
    .action(run(async (r: string, o: Parameters<typeof exportCommand>[2]) => (await commands.export()).exportCommand(ctx, r, o)));

  const trustCmd = program.command('trust').description(d(t`trust anchors for TSAs and holders ($TSPROOF_HOME/trust)`));
  trustCmd
    .command('add [pem]')
    .description(d(t`trust a root (or pin a certificate) for TSAs or holders, optionally only for a window of time`))
    .option('--for <purpose>', d(t`tsa, holder or any (with --from or --known: where the root was found)`))
    .option('--from <receipt>', d(t`take the root from a receipt or evidence pack, only if its SHA-256 is --sha256`))
    .option('--sha256 <fingerprint>', d(t`with --from: the fingerprint you compared with the one its operator publishes`))
    .option('--known <name>', d(t`a public TSA's root from tsproof's curated list (tsproof tsa list)`))
    .option('--valid-from <time>', d(t`trust it only for times (genTime) from this one`))
    .option('--valid-to <time>', d(t`trust it only for times (genTime) until this one`))
    .action(run(async (file: string | undefined, o: Parameters<typeof trustAdd>[2]) => (await commands.trust()).trustAdd(ctx, file, o)));
  trustCmd
    .command('list')
    .description(d(t`list trust anchors`))
    .action(run(async () => (await commands.trust()).trustList(ctx)));
  trustCmd
    .command('remove <id>')
    .description(d(t`remove a trust anchor (its id from trust list, or a file name in the trust folder)`))
    .action(run(async (id: string) => (await commands.trust()).trustRemove(ctx, id)));

  const ts = program.command('ts').description(d(t`standalone RFC 3161 tokens`));
  ts.command('verify')
    .description(d(t`verify a TimeStampResp (.tsr) or TimeStampToken (.tst) against data or a digest, or the signature-time-stamps of a CMS signature (--cms)`))
    .option('--token <file>', d(t`DER TimeStampResp or TimeStampToken`))
    .option('--cms <file>', d(t`a CMS signature (.p7s/.p7m): verify each signature-time-stamp against its signer's signature value`))
    .option('--data <file>', d(t`the timestamped data`))
    .option('--digest <alg:hex>', d(t`the timestamped digest, e.g. sha256:…`))
    .addOption(trust)
    .option('--tsa-cert <pem|sha256>', d(t`a PEM file: TSA certificate(s) for tokens that carry none (untrusted); a SHA-256: the TSA certificate, or its root, must be this one (repeatable)`), collect, [])
    .option('--nonce <hex>', d(t`expected nonce`))
    .option('--accept-policy <oid>', d(t`accepted TSA policy OID (repeatable)`), collect, [])
    .option('--policy <policy>', d(t`strict (default) or compatible: what weak or non-conforming findings do`))
    .option('--at <time>', d(t`judge certificate validity at this time instead of genTime`))
    .action(run(async (o: Parameters<typeof tsVerifyCommand>[1]) => (await commands.ts()).tsVerifyCommand(ctx, o)));

  const tsa = program.command('tsa').description(d(t`the bundled RFC 3161 time-stamping authority`));
  tsa
    .command('init')
    .description(d(t`create a root CA and a TSA certificate (EKU timeStamping, critical)`))
    .option('--dir <dir>', d(t`where to keep the TSA key and certificates (default $TSPROOF_HOME/tsa)`))
    .option('--name <name>', d(t`organisation name in the certificates`), 'tsproof local')
    .option('--rsa', d(t`RSA-3072 instead of ECDSA P-256`))
    .option('--no-trust', d(t`do not add the new root to $TSPROOF_HOME/trust/`))
    .option('--csr <file>', d(t`instead: make only the TSA key and a certificate request for an external CA`))
    .action(run(async (o: Parameters<typeof tsaInit>[1]) => (await commands.tsa()).tsaInit(ctx, o)));
  tsa
    .command('list')
    .description(d(t`a curated list of public TSAs (URL, operator, notes)`))
    .action(run(async () => (await commands.tsa()).tsaList(ctx)));
  tsa
    .command('probe <url|name>')
    .description(d(t`ask a TSA for timestamps (random digests, each imprint algorithm) and report status, chain, policy, latency and quirks`))
    .addOption(trust)
    .option('--timeout <seconds>', d(t`per-request timeout`), '15')
    .action(run(async (target: string, o: { trust: string[]; timeout: string }) => (await commands.tsa()).tsaProbe(ctx, target, o)));
  tsa
    .command('serve')
    .description(d(t`serve RFC 3161 over HTTP (POST application/timestamp-query)`))
    .option('--dir <dir>', d(t`TSA directory (default $TSPROOF_HOME/tsa)`))
    .option('--host <host>', d(t`address to listen on`), '127.0.0.1')
    .option('--port <port>', d(t`port`), '3161')
    .action(run(async (o: Parameters<typeof tsaServe>[1]) => (await commands.tsa()).tsaServe(ctx, o)));

  const escrow = program.command('escrow').description(d(t`technology escrow (기술자료 임치): encrypted deposits of registered files for an escrow agent and beneficiaries`));
  tsaOptions(
    walk(
      escrow
        .command('deposit <paths...>')
        .description(d(t`register files and seal them into one deposit encrypted for the escrow agent (first --to) and beneficiaries (CMS, streamed)`))
        .option('--to <pem>', d(t`a recipient certificate (RSA, EC P-256 or P-384); the first is the escrow agent, the others beneficiaries (repeatable)`), collect, [])
        .requiredOption('--out <file>', d(t`the deposit file to write (its receipt goes beside it: <file>.tsproof.json)`))
        .option('--previous <deposit>', d(t`the deposit this one updates (갱신): the new one names it, so the versions form a chain`))
        .option('--cipher <cipher>', d(t`aes-256-cbc (EnvelopedData with an AES-256-GMAC; every OpenSSL opens it) or aes-256-gcm (AuthEnvelopedData; needs a reader that follows RFC 5083)`), 'aes-256-cbc')
        .option('--identity <name>', d(t`identity to sign with (default: the default identity)`))
        .addOption(trust)
        .option('-a, --algorithm <alg>', d(t`digest algorithm(s) to record (repeatable; default sha256)`), collect, []),
    ),
  )
    .addOption(passphraseFile)
    .action(run(async (paths: string[], o: Parameters<typeof escrowDeposit>[2]) => (await commands.escrow()).escrowDeposit(ctx, paths, o)));
  escrow
    .command('inspect <deposit>')
    .description(d(t`recipients, sizes and the receipt's summary of a deposit, without decrypting it`))
    .addOption(trust)
    .option('--receipt <file>', d(t`judge against this receipt instead of the one the deposit carries`))
    .option('--previous <deposit>', d(t`check that the deposit updates this one`))
    .option('--receipt-out <file>', d(t`also write the receipt the deposit carries to this file`))
    .option('--all', d(t`list every file (default: the first 20)`))
    .action(run(async (f: string, o: Parameters<typeof escrowInspect>[2]) => (await commands.escrow()).escrowInspect(ctx, f, o)));
  tsaOptions(
    escrow
      .command('verify <deposit>')
      .description(d(t`검증임치: decrypt as the escrow agent, check every file against the receipt while streaming (no plaintext on disk), and write a signed, timestamped statement (JSON and PDF)`))
      .option('--identity <name>', d(t`the escrow agent's identity (its key opens the deposit and signs the statement)`))
      .option('--out <file>', d(t`the statement to write (default: <deposit>.verification.json in the current folder; also its .tsproof.json and .pdf)`))
      .option('--receipt <file>', d(t`check against this receipt instead of the one the deposit carries`))
      .option('--previous <deposit>', d(t`also check that the deposit updates this one`))
      .option('--all', d(t`list every file, not only problems`))
      .addOption(trust),
  )
    .addOption(passphraseFile)
    .action(run(async (f: string, o: Parameters<typeof escrowVerify>[2]) => (await commands.escrow()).escrowVerify(ctx, f, { ...o, algorithm: [] })));
  escrow
    .command('release <deposit>')
    .description(d(t`decrypt and extract a deposit for a beneficiary, checking each file against the receipt as it is written; records a signed release event`))
    .option('--identity <name>', d(t`the beneficiary's identity (its key opens the deposit and signs the release event)`))
    .requiredOption('--out <dir>', d(t`the folder to create (it must not exist)`))
    .option('--receipt <file>', d(t`check against this receipt instead of the one the deposit carries`))
    .addOption(trust)
    .addOption(passphraseFile)
    .action(run(async (f: string, o: Parameters<typeof escrowRelease>[2]) => (await commands.escrow()).escrowRelease(ctx, f, o)));
  escrow
    .command('certificate <deposit>')
    .description(d(t`a PDF certificate of deposit (임치증서, Korean and/or English): depositor, agent, files with digests, proven time, the deposit's SHA-256`))
    .requiredOption('--out <pdf>', d(t`the PDF to write`))
    .option('--receipt <file>', d(t`use this receipt instead of the one the deposit carries`))
    .addOption(trust)
    .action(run(async (f: string, o: Parameters<typeof escrowCertificate>[2]) => (await commands.escrow()).escrowCertificate(ctx, f, o)));

  // The registry (docs/registry.md): every registration on record, tamper-evident.
  const listOptions = (c: Command) =>
    c
      .option('--since <time>', d(t`proven at or after this date or time`))
      .option('--until <time>', d(t`proven at or before this date or time`))
      .option('--holder <text>', d(t`holder subject containing this text, or the holder certificate's SHA-256`))
      .option('--name <glob>', d(t`with an entry whose name matches (* ? [..])`))
      .option('--project <name>', d(t`registered with --project <name>`))
      .option('--tag <k=v>', d(t`registered with this tag (repeatable: all of them)`), collect, [])
      .option('--status <status>', d(t`active, retired or destroyed`))
      .option('--limit <n>', d(t`at most n registrations`))
      .option('--remote', d(t`ask the organisation registry (registry.url in config.json); with --project and --limit only`))
      .action(
        run(async (o: Parameters<typeof listCommand>[1] & { remote?: boolean }) => {
          if (!o.remote) return (await commands.registry()).listCommand(ctx, o);
          const { remote: _r, project, limit, tag, ...rest } = o;
          if (tag.length || Object.values(rest).some((v) => v !== undefined)) throw new InputError({ code: 'BAD_ARGUMENT', message: t`with --remote, list and log take only --project and --limit` });
          return (await commands.org()).remoteList(ctx, { ...(project ? { project } : {}), ...(limit ? { limit } : {}) });
        }),
      );
  listOptions(program.command('log').description(d(t`registrations on record, oldest first (same as registry list)`)));
  walk(program.command('status [paths...]'))
    .description(d(t`for every file: registered (earliest proven time), modified since registered, or never registered; exit 1 unless all are registered`))
    .option('--expiring', d(t`instead: which proofs (the receipts given, else the registry's) need renewal and why; exit 1 when one is due`))
    .option('--within <duration>', d(t`with --expiring: the window, e.g. 365d, 12w, 2y`), '365d')
    .addOption(trust)
    .action(
      run(async (paths: string[], o: { exclude: string[]; base?: string; includeVcs?: boolean; gitignore?: boolean; expiring?: boolean; within: string; trust: string[] }) =>
        o.expiring ? (await commands.expiring()).expiringCommand(ctx, paths, o) : (await commands.status()).statusCommand(ctx, paths, o),
      ),
    );
  const registry = program.command('registry').description(d(t`the local registry of registrations ($TSPROOF_HOME/registry.db)`));
  listOptions(registry.command('list').description(d(t`registrations on record, oldest first`)));
  // --remote: the organisation registry (docs/org-registry.md).
  type RemoteFlags = { remote?: boolean; project?: string; limit?: string };
  const remoteFlags = (c: Command) =>
    c.option('--remote', d(t`ask the organisation registry (registry.url in config.json)`)).option('--project <project>', d(t`with --remote: only this project`)).option('--limit <n>', d(t`with --remote: at most n registrations`), '100');
  remoteFlags(registry.command('find <file|digest|name>').description(d(t`every registration covering this content (a file or a digest) or this name, earliest first`))).action(
    run(async (q: string, o: RemoteFlags) => (o.remote ? (await commands.org()).remoteFind(ctx, q, o) : (await commands.registry()).findCommand(ctx, q))),
  );
  remoteFlags(registry.command('history <name>').description(d(t`the versions of one registered file name over time`))).action(
    run(async (name: string, o: RemoteFlags) => (o.remote ? (await commands.org()).remoteHistory(ctx, name, o) : (await commands.registry()).historyCommand(ctx, name))),
  );
  registry
    .command('verify')
    .description(d(t`check the event chain, the records against it, the receipts and the last seal`))
    .addOption(trust)
    .option('--no-receipts', d(t`do not check that every receipt is where recorded with its SHA-256`))
    .action(run(async (o: { trust: string[]; receipts?: boolean }) => (await commands.registry()).verifyRegistryCommand(ctx, o)));
  tsaOptions(registry.command('seal').description(d(t`timestamp the head of the event chain (one request per TSA), so the registry's state at this time can be proven`)))
    .addOption(trust)
    .action(run(async (o: { tsa: string[]; trust: string[]; timeout: string; minTimestamps?: string; requireOperators?: string }) => (await commands.registry()).sealCommand(ctx, o)));
  registry
    .command('retire <id>')
    .description(d(t`mark a registration retired (it stays verifiable); signed by the holder's identity`))
    .requiredOption('--reason <text>', d(t`why`))
    .option('--identity <name>', d(t`identity to sign with (default: the default identity)`))
    .addOption(passphraseFile)
    .action(run(async (id: string, o: { reason: string; identity?: string; passphraseFile?: string }) => (await commands.registry()).endCommand(ctx, 'retire', id, o)));
  registry
    .command('destroy <id>')
    .description(d(t`폐기: remove a registration's entry names and digests, keeping a signed tombstone (id, reason, time)`))
    .requiredOption('--reason <text>', d(t`why`))
    .option('--receipts', d(t`also delete the receipt file`))
    .option('--identity <name>', d(t`identity to sign with (default: the default identity)`))
    .addOption(passphraseFile)
    .action(run(async (id: string, o: { reason: string; identity?: string; passphraseFile?: string; receipts?: boolean }) => (await commands.registry()).endCommand(ctx, 'destroy', id, o)));
  registry
    .command('import <paths...>')
    .description(d(t`adopt receipts made elsewhere (files, evidence packs, folders searched for *.tsproof.json); only those that verify`))
    .addOption(trust)
    .action(run(async (paths: string[], o: { trust: string[] }) => (await commands.registry()).importCommand(ctx, paths, o)));
  registry
    .command('export')
    .description(d(t`everything on record as JSON Lines (registrations with entries, then events), for backup`))
    .option('--out <file>', d(t`the file to write (default: stdout)`))
    .option('--force', d(t`replace --out if it exists`))
    .action(run(async (o: { out?: string; force?: boolean }) => (await commands.registry()).exportCommand(ctx, o)));
  registry
    .command('rebuild')
    .description(d(t`recreate a lost or damaged registry from receipts (the old file is kept beside it)`))
    .option('--from <folder>', d(t`where the receipts are (repeatable)`), collect, [])
    .addOption(trust)
    .action(run(async (o: { from: string[]; trust: string[] }) => (await commands.registry()).rebuildCommand(ctx, o)));
  const secret = program.command('secret').description(d(t`secrecy-measure records (비밀관리 기록): secrets by classification, access, pledges, handling history — each signed, timestamped and chained`));
  type S = typeof secretCommands;
  const recorder = (c: Command) => tsaOptions(c.option('--identity <name>', d(t`the recorder's identity, which signs the record (default: the default identity)`)).addOption(trust)).addOption(passphraseFile);
  const personOptions = (c: Command) => c.option('--person <name>', d(t`the person's name`)).option('--employee-id <id>', d(t`the person's employee id (people are matched by it when given)`));
  recorder(
    secret
      .command('add <id>')
      .description(d(t`record a secret: title, classification, custodian, review date, and the registrations (and entries) of its files`))
      .option('--title <text>', d(t`the secret's title (stays on this machine)`))
      .option('--description <text>', d(t`a description (stays on this machine)`))
      .option('--level <level>', d(t`classification: a level id or name of the scale (default scale: top-secret 극비, confidential 대외비, internal 사내한정)`))
      .option('--department <name>', d(t`the owning department`))
      .option('--custodian <name>', d(t`the custodian (관리책임자)`))
      .option('--review <date>', d(t`next review date (YYYY-MM-DD)`))
      .option('--registration <id|receipt>', d(t`a registration of the secret's files: its id (from the local registry) or its receipt (repeatable)`), collect, [])
      .option('--entry <name>', d(t`only these entries of the registrations (repeatable; default: all)`), collect, []),
  ).action(run(async (id: string, o: Parameters<S['secretAdd']>[2]) => (await commands.secret()).secretAdd(ctx, id, o)));
  recorder(
    secret
      .command('edit <id>')
      .description(d(t`record a change (e.g. a reclassification) as a signed event`))
      .option('--title <text>', d(t`new title`))
      .option('--description <text>', d(t`new description ("" removes it)`))
      .option('--level <level>', d(t`new classification`))
      .option('--department <name>', d(t`new department ("" removes it)`))
      .option('--custodian <name>', d(t`new custodian ("" removes it)`))
      .option('--review <date>', d(t`new review date (YYYY-MM-DD; "" removes it)`))
      .option('--reason <text>', d(t`why`)),
  ).action(run(async (id: string, o: Parameters<S['secretEdit']>[2]) => (await commands.secret()).secretEdit(ctx, id, o)));
  recorder(
    secret
      .command('attach <id> <registration>')
      .description(d(t`add a newer version of the secret's files: a registration id or receipt`))
      .option('--entry <name>', d(t`only these entries (repeatable; default: all)`), collect, [])
      .option('--note <text>', d(t`a note`)),
  ).action(run(async (id: string, reg: string, o: Parameters<S['secretAttach']>[3]) => (await commands.secret()).secretAttach(ctx, id, reg, o)));
  recorder(
    personOptions(secret.command('grant <ids...>').description(d(t`record that a person may access secrets: since, until, role; granted by the recorder`)))
      .option('--role <role>', d(t`the person's role`))
      .option('--since <date>', d(t`from (YYYY-MM-DD; default today)`))
      .option('--until <date>', d(t`until (YYYY-MM-DD)`))
      .option('--certificate <pem>', d(t`the person's certificate: their pledges must be signed by its subject`)),
  ).action(run(async (ids: string[], o: Parameters<S['secretGrant']>[2]) => (await commands.secret()).secretGrant(ctx, ids, o)));
  recorder(
    personOptions(secret.command('revoke [ids...]').description(d(t`record the end of a person's access (without ids: to every secret they may access)`)))
      .option('--date <date>', d(t`when (YYYY-MM-DD; default today)`))
      .option('--reason <text>', d(t`why`))
      .option('--left', d(t`the person left the company (퇴사): stats then expects a leaving pledge`)),
  ).action(run(async (ids: string[], o: Parameters<S['secretRevoke']>[2]) => (await commands.secret()).secretRevoke(ctx, ids, o)));
  recorder(
    personOptions(secret.command('pledge [ids...]').description(d(t`record a person's security pledge (서약서) covering secrets (default: all), signed with their own identity or on paper`)))
      .option('--kind <kind>', d(t`joining (입사), project (참여) or leaving (퇴사)`))
      .option('--date <date>', d(t`the pledge's date (YYYY-MM-DD; default today)`))
      .option('--document <file>', d(t`the pledge document (fingerprinted, never sent)`))
      .option('--signer <identity>', d(t`the person's own identity in this home (PKCS#12, PEM or NPKI, imported); passphrase from TSPROOF_SIGNER_PASSPHRASE or --signer-passphrase-file`))
      .option('--signer-passphrase-file <file>', d(t`read the signer's passphrase from a file`))
      .option('--acknowledgement <p7s>', d(t`the person's signed statement, made elsewhere (CMS SignedData over the pledge statement, docs/secrets.md)`))
      .option('--paper <scan>', d(t`a signed paper pledge: its scan (fingerprinted), for a person without a certificate`)),
  ).action(run(async (ids: string[], o: Parameters<S['secretPledge']>[2]) => (await commands.secret()).secretPledge(ctx, ids, o)));
  personOptions(secret.command('statement [ids...]').description(d(t`print the pledge statement a person signs elsewhere (canonical JSON), for pledge --acknowledgement`)))
    .option('--kind <kind>', d(t`joining (입사), project (참여) or leaving (퇴사)`))
    .option('--date <date>', d(t`the pledge's date (YYYY-MM-DD; default today)`))
    .option('--document <file>', d(t`the pledge document (fingerprinted, never sent)`))
    .option('--out <file>', d(t`write it to this file instead of stdout`))
    .action(run(async (ids: string[], o: Parameters<S['secretStatement']>[2]) => (await commands.secret()).secretStatement(ctx, ids, o)));
  recorder(
    personOptions(secret.command('event <id> <action>').description(d(t`record handling (취급 이력): viewed, copied, taken-out, lent, returned or destroyed`)))
      .option('--date <date>', d(t`when (YYYY-MM-DD; default today)`))
      .option('--note <text>', d(t`a note`))
      .option('--partner <name>', d(t`lent: the partner`))
      .option('--nda <file>', d(t`lent: the NDA (fingerprinted, never sent)`)),
  ).action(run(async (id: string, action: string, o: Parameters<S['secretHandle']>[3]) => (await commands.secret()).secretHandle(ctx, id, action, o)));
  recorder(secret.command('retire <id>').description(d(t`retire a secret (its records stay verifiable)`)).option('--reason <text>', d(t`why`))).action(
    run(async (id: string, o: Parameters<S['secretRetire']>[2]) => (await commands.secret()).secretRetire(ctx, id, o)),
  );
  secret
    .command('list')
    .description(d(t`the secrets on record`))
    .option('--all', d(t`include retired secrets`))
    .action(run(async (o: { all?: boolean }) => (await commands.secret()).secretList(ctx, o)));
  secret
    .command('show <id>')
    .description(d(t`a secret's records, each with its proof status`))
    .addOption(trust)
    .action(run(async (id: string, o: { trust: string[] }) => (await commands.secret()).secretShow(ctx, id, o)));
  secret
    .command('verify')
    .description(d(t`check every record: signatures, timestamps, the chains; names any event that was altered`))
    .addOption(trust)
    .action(run(async (o: { trust: string[] }) => (await commands.secret()).secretVerify(ctx, o)));
  secret
    .command('stats')
    .description(d(t`secrets per classification and what needs attention (access without pledge, leavers without a leaving pledge, expired access, overdue reviews); exit 1 when something does`))
    .option('--date <date>', d(t`judge as of this date (YYYY-MM-DD; default today)`))
    .addOption(trust)
    .action(run(async (o: { trust: string[]; date?: string }) => (await commands.secret()).secretStatsCommand(ctx, o)));
  secret
    .command('report <id>')
    .description(d(t`a litigation report: versions, classification history, access, pledges, handling, every event's proof; PDF and an evidence pack checked with OpenSSL alone`))
    .option('--pdf <file>', d(t`also write the report as a PDF (--lang ko, en or both)`))
    .option('--evidence <dir>', d(t`also write an evidence pack a third party checks with OpenSSL alone`))
    .addOption(trust)
    .action(run(async (id: string, o: { trust: string[]; pdf?: string; evidence?: string }) => (await commands.secret()).secretReportCommand(ctx, id, { ...o, ...(ctx.langOption ? { lang: ctx.langOption } : {}) })));
  // The organisation registry (docs/org-registry.md): the server, its tokens, push, pull, audit.
  const database = () => new Option('--database <url>', d(t`the registry database, postgres://… (else TSPROOF_REGISTRY_DATABASE; keep passwords out of argv)`));
  registry
    .command('serve')
    .description(d(t`serve the organisation registry: a JSON HTTP API on PostgreSQL with a signed Merkle transparency log`))
    .addOption(database())
    .option('--listen <host:port>', d(t`address to listen on`), '127.0.0.1:8443')
    .option('--tls-cert <pem>', d(t`serve HTTPS with this certificate (and --tls-key)`))
    .option('--tls-key <pem>', d(t`the TLS private key`))
    .option('--migrate', d(t`apply missing schema migrations on start`))
    .option('--log-key <file>', d(t`the log's Ed25519 signing key, created when missing (default $TSPROOF_HOME/registry-log-key.pem); the same file for every server`))
    .option('--tsa <url>', d(t`have this TSA timestamp the tree head (when the log grew) every --stamp-every minutes`))
    .option('--stamp-every <minutes>', d(t`minutes between timestamped tree heads`), '10')
    .option('--pool <n>', d(t`database connections in the pool`), '10')
    .addOption(trust)
    .action(run(async (o: ServeFlags) => (await commands.org()).registryServe(ctx, o)));
  const token = registry.command('token').description(d(t`bearer tokens of the organisation registry (stored only as hashes)`));
  token
    .command('create')
    .description(d(t`create a token and print it once (through the database with --database, else through the API with an admin token)`))
    .requiredOption('--name <name>', d(t`who or which CI job holds it`))
    .requiredOption('--role <role>', d(t`reader, registrar or admin`))
    .option('--project <project>', d(t`limit the token to one project`))
    .addOption(database())
    .action(run(async (o: { name: string; role: string; project?: string; database?: string }) => (await commands.org()).tokenCreate(ctx, o)));
  token
    .command('list')
    .description(d(t`list tokens (never their secrets)`))
    .addOption(database())
    .action(run(async (o: { database?: string }) => (await commands.org()).tokenList(ctx, o)));
  token
    .command('revoke <id>')
    .description(d(t`revoke a token`))
    .addOption(database())
    .action(run(async (id: string, o: { database?: string }) => (await commands.org()).tokenRevoke(ctx, id, o)));
  registry
    .command('push')
    .description(d(t`send the registrations queued while the organisation registry was unreachable`))
    .action(run(async () => (await commands.org()).registryPush(ctx)));
  registry
    .command('pull <digest|id>')
    .description(d(t`fetch a receipt from the organisation registry (checked against its log) so that verify can check it offline`))
    .option('--out <file>', d(t`where to write the receipt (default <id>.tsproof.json)`))
    .option('--force', d(t`replace the file if it exists`))
    .action(run(async (what: string, o: { out?: string; force?: boolean }) => (await commands.org()).registryPull(ctx, what, o)));
  registry
    .command('audit')
    .description(d(t`check the whole organisation log: every record re-hashed against the signed head, and the TSA-stamped head`))
    .option('--remote', d(t`ask the organisation registry (registry.url in config.json)`))
    .addOption(trust)
    .action(
      run(async (o: { remote?: boolean; trust: string[] }) => {
        if (!o.remote) throw new InputError({ code: 'BAD_ARGUMENT', message: t`registry audit checks the organisation registry: add --remote (the local registry: tsproof registry verify)` });
        return (await commands.org()).remoteAudit(ctx, o);
      }),
    );

  program
    .command('completion <shell>')
    .description(d(t`print a completion script for bash, zsh or fish, made from these command definitions`))
    .addHelpText(
      'after',
      d(t`
Install (docs/cli.md):
  bash  tsproof completion bash > ~/.local/share/bash-completion/completions/tsproof
  zsh   tsproof completion zsh > ~/.zfunc/_tsproof   (with fpath=(~/.zfunc $fpath) before compinit in ~/.zshrc)
  fish  tsproof completion fish > ~/.config/fish/completions/tsproof.fish`),
    )
    .action(run(async (shell: string) => (await commands.completion()).completionCommand(ctx, program, shell)));

  program
    .command('demo')
    .description(d(t`offline walkthrough: local TSA, throwaway identity, register, verify, tamper`))
    .option('--keep', d(t`keep the temporary folder`))
    .action(run(async (o: { keep?: boolean }) => (await commands.demo()).demoCommand(ctx, o)));
  return program;
}

export async function main(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  let code: number = ExitCode.OK;
  ctx.langOption = langOption(argv);
  ctx.lang = messageLang(ctx.langOption, ctx.env);
  ctx.catalog = await catalogFor(ctx.lang);
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
    const msg = isTsproofError(err) && exit !== ExitCode.INTERNAL ? err.text : t`internal error: ${messageOf(err)} (please report this at the tsproof issue tracker)`;
    ctx.stderr.write(`tsproof: ${ctx.color.red(tr(ctx, t`error:`))} ${oneLine(tr(ctx, msg))}\n`);
    if (ctx.env.TSPROOF_DEBUG && err instanceof Error) ctx.stderr.write(`${err.stack}\n`);
    // The JSON error document stays English (a contract for programs), like every --json document.
    if (ctx.json) printJson(ctx, { ok: false, error: { code: isTsproofError(err) ? err.code : 'INTERNAL', exitCode: exit, message: oneLine(msg.render()) } });
    return exit;
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}
