/**
 * The two texts of an evidence pack: verify.sh (bash, OpenSSL and POSIX tools only) and the
 * bilingual README. Kept apart from the pack's assembly because they are mostly prose.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { displaySafe } from '../display.js';
import type { HolderInfo } from '../verify/receipt.js';
import { KST_HOURS, wallClock } from '../time.js';
import type { TimestampInfo } from '../tsp/verify.js';
import { identityPhrase } from '../verify/explain.js';
import { KO } from '../i18n/ko.js';

export interface PackFacts {
  tool: string;
  id: string;
  algorithm: string;
  root: string;
  count: number;
  disclosed: number;
  time: string;
  holder: HolderInfo;
  holderAnchor: { basis: string; fingerprints: { subject: string; sha256: string }[] };
  timestamps: (TimestampInfo & { url: string; anchors: { subject: string; sha256: string }[] })[];
  entries: { name: string; size: number; digest: string }[];
}

/**
 * The verifier, assets/evidence/verify.sh: the same bytes in every pack, so that a reader can
 * keep one trusted copy and run it on any pack. It reads everything it needs from the pack's
 * files (and the reader's HOLDER_CA / TSA_CA), nothing from this exporter.
 */
export function verifyScript(): string {
  return (script ??= readFileSync(SCRIPT, 'utf8'));
}
const SCRIPT = fileURLToPath(new URL('../../../assets/evidence/verify.sh', import.meta.url));
let script: string | undefined;

/**
 * The README. Every string that came from outside — names, subjects, URLs, serials, the id —
 * goes through displaySafe, so an entry name cannot hide a terminal escape or reorder a line
 * for whoever prints or views the file; names also have their Markdown table bars escaped.
 */
export function evidenceReadme(f: PackFacts): string {
  const x = displaySafe;
  // As the CLI prints times: UTC to the millisecond, then Korea Standard Time.
  const when = (iso: string) => `${wallClock(iso)} UTC (${wallClock(iso, KST_HOURS).slice(0, 19)} KST)`;
  const fp = (list: { subject: string; sha256: string }[]) => list.map((a) => `  - ${x(a.subject)}\n    SHA-256 ${a.sha256}`).join('\n');
  const files = f.entries.map((e) => `| ${x(e.name).replace(/\|/g, '\\|')} | ${e.size} | \`${e.digest}\` |`).join('\n');
  const more = f.disclosed > f.entries.length ? `\n(… ${f.disclosed - f.entries.length} more in entries.tsv)\n` : '';
  return `# Evidence pack / 증거 패키지 ${x(f.id)}

Written by ${x(f.tool)}. ${f.disclosed} of ${f.count} registered file(s) disclosed.
${x(f.tool)}가 작성함. 등록된 파일 ${f.count}개 중 ${f.disclosed}개 공개.

- Holder / 보유자: ${x(f.holder.subject)}
  - ${identityPhrase(f.holder).render(undefined, x)}
  - ${identityPhrase(f.holder).render(KO, x)}
  - Issuer / 발급자: ${x(f.holder.issuer)}
- Proven time / 증명 시각: ${when(f.time)}
- Merkle root (${f.algorithm}) / 머클 루트: \`${f.root}\`

| file / 파일 | bytes / 바이트 | ${f.algorithm} |
|---|---|---|
${files}
${more}
## Check a file / 파일 확인

\`\`\`sh
bash verify.sh path/to/file
HOLDER_CA=holder-anchors.pem TSA_CA=tsa-anchors.pem bash verify.sh path/to/file
\`\`\`

verify.sh uses only bash, OpenSSL and the POSIX tools cat, od, wc, cmp, rm and mktemp (GNU,
BSD or BusyBox). It exits 0 when the file is one registered here and every signature and
timestamp checks out, and its last line, VERIFIED, names the holder, each TSA and the trust
anchors it relied on — subject and SHA-256 fingerprint — and whether they came from this pack
or from you (HOLDER_CA, TSA_CA). Every pack tsproof writes holds the same verify.sh, so you
may run a copy you trust instead of this one. The steps, which you can also run by hand:

verify.sh는 bash, OpenSSL과 POSIX 도구(cat, od, wc, cmp, rm, mktemp; GNU, BSD, BusyBox 모두
가능)만 사용합니다. 파일이 이 패키지에 등록된 것이고 모든 서명과 타임스탬프가 유효하면 0으로
종료하며, 마지막 줄(검증됨)에 보유자, 각 TSA, 의존한 신뢰 기준(주체와 SHA-256 지문)과 그
출처(이 패키지인지 사용자가 지정한 HOLDER_CA, TSA_CA인지)를 적습니다. tsproof가 쓰는 모든
패키지의 verify.sh는 같으므로, 신뢰하는 사본으로 실행해도 됩니다. 단계별로 직접 실행할 수도 있습니다:

1. \`openssl dgst -${f.algorithm} file\` — equals an entry in entries.tsv / entries.tsv의 항목과 일치
2. entries/N.json (the leaf) and entries/N.proof fold to the \`root\` in manifest.json:
   leaf = ${f.algorithm}(0x00 ‖ N.json), node = ${f.algorithm}(0x01 ‖ left ‖ right) (RFC 9162)
   / 잎 노드와 포함 증명이 manifest.json의 머클 루트로 이어짐
3. \`openssl cms -cmsout -inform DER -in signature.p7s -outform DER | cmp - signature.p7s\` — the
   signature is DER (one reading only) / 서명이 DER임 (해석이 하나뿐임);
   \`openssl cms -cmsout -print -inform DER -in signature.p7s\` — one SignerInfo, whose
   \`signature\` is signature-value.bin and whose unsigned attributes hold the tokens
   timestamps/N.tst / SignerInfo가 하나이고 그 서명 값이 signature-value.bin, 서명되지 않은
   속성의 토큰이 timestamps/N.tst와 같음
4. \`openssl ts -verify -token_in -in timestamps/1.tst -data signature-value.bin -CAfile certs/tsa-1-ca.pem -partial_chain -attime <genTime>\`
   — the TSA certifies the signature existed at genTime / 타임스탬프 기관이 서명의 존재 시각을 증명
5. \`openssl cms -verify -binary -inform DER -in signature.p7s -content manifest.json -CAfile certs/holder-ca.pem -partial_chain -purpose any -attime <genTime> -out /dev/null\`
   — the holder signed the manifest / 보유자가 매니페스트에 서명함
6. (with revocation data) \`openssl ocsp -respin revocation/N.ocsp -issuer revocation/N.issuer.pem -cert revocation/N.cert.pem -CAfile revocation/N.issuer.pem -partial_chain -no_nonce\`
   or \`openssl crl -inform DER -in revocation/N.crl -CAfile revocation/N.issuer.pem -noout -text\`
   — the certificate was not revoked at the time it had to be valid / 인증서가 유효해야 했던 시각에 폐지되지 않았음
7. (renewed receipts) for each renewals/N.ats: the hash of signature.p7s (N = 1) or of the previous
   renewal's token is in its reduced hash tree, which folds to the root its token carries:
   \`openssl ts -verify -digest <root> -token_in -in <token> -CAfile certs/renewal-N-ca.pem -partial_chain -attime <genTime>\`
   — everything before existed unchanged at that time, so the proof outlives the older TSA
   certificates / 갱신 N 시각에 그 이전의 증명 전체가 바뀌지 않은 채 존재했음을 증명 (이전 TSA 인증서가 만료되어도 증명이 유지됨)
   A renewal N > 1 marked by renewals/N.files is a hash-tree renewal (RFC 4998 §5.3): it begins a
   new chain, and its tree holds H(H(signature.p7s) ‖ ha) instead, ha being the hash of the DER
   SEQUENCE of the chains before it (each a SEQUENCE of its renewals/K.ats); it proves the
   signature, hence each file by its registered digests — the files' renewed digests are not in
   the pack / renewals/N.files로 표시된 갱신 N > 1은 해시 트리 갱신(RFC 4998 §5.3)으로 새 체인을
   시작하며, 그 트리에는 H(H(signature.p7s) ‖ ha)(ha는 앞선 체인들의 DER SEQUENCE 해시)가 있음;
   서명을, 따라서 등록된 다이제스트로 각 파일을 증명함 — 파일들의 갱신된 다이제스트는 묶음에 없음

## Pins / 고정값

To require who made the proof — the same variables as tsproof's (docs/verification.md):
증명을 누가 만들었는지 요구하려면 (tsproof와 같은 변수):

\`\`\`sh
TSPROOF_HOLDER_CERT=${f.holder.certificateSha256} bash verify.sh path/to/file
TSPROOF_HOLDER_SUBJECT='${x(f.holder.subject).replace(/'/g, "'\\''")}' bash verify.sh path/to/file
HOLDER_CA=my-ca.pem TSPROOF_REQUIRE_CERTIFIED=1 TSPROOF_HOLDER_ISSUER='<DN>' bash verify.sh path/to/file
TSPROOF_TSA_CERT=<sha256 of the TSA certificate or its root> bash verify.sh path/to/file
\`\`\`

A pin that does not hold fails with exit 1 and names the pin. TSPROOF_HOLDER_ISSUER and
TSPROOF_REQUIRE_CERTIFIED need your own HOLDER_CA: a CA chosen by whoever wrote the pack vouches
for nothing. / 고정값이 맞지 않으면 종료 코드 1로 실패하며 그 고정값을 알려 줍니다.
TSPROOF_HOLDER_ISSUER와 TSPROOF_REQUIRE_CERTIFIED에는 직접 지정한 HOLDER_CA가 필요합니다.

## Trust anchors / 신뢰 기준

Unless you set HOLDER_CA and TSA_CA, verify.sh trusts the certificates in certs/*-ca.pem,
which the exporter's own verification ended at — anyone who can edit the pack can replace
them. Compare these fingerprints with ones you obtained independently, or bring your own.

HOLDER_CA, TSA_CA를 지정하지 않으면 verify.sh는 certs/*-ca.pem의 인증서를 신뢰합니다. 이는
내보낸 쪽의 검증이 도달한 인증서이지만, 패키지를 고칠 수 있는 사람은 누구나 바꿀 수 있습니다.
아래 지문을 독립적으로 확보한 값과 비교하거나 직접 지정하십시오.

Holder / 보유자 — ${x(f.holderAnchor.basis)}:
${fp(f.holderAnchor.fingerprints)}
${f.timestamps.map((t, i) => `\nTimestamp / 타임스탬프 ${i + 1}: ${x(t.url)}, genTime ${x(t.genTimeText)}, serial ${x(t.serial)}, TSA ${x(t.tsa)}\n${fp(t.anchors)}`).join('\n')}

## Contents / 구성

| file | what |
|---|---|
| manifest.json | the signed manifest, byte for byte / 서명된 매니페스트 |
| signature.p7s | the holder's CMS (CAdES-T) signature, DER, detached, with the timestamps as unsigned attributes / 보유자의 CMS 서명 (타임스탬프 포함) |
| signature-value.bin | the signature value the timestamps cover (a copy; verify.sh reads it from signature.p7s) / 타임스탬프가 덮는 서명 값 |
| timestamps/N.tst | the RFC 3161 tokens (copies of those in signature.p7s) / 타임스탬프 토큰 |
| timestamps/N.url | the TSA each token was asked / 각 토큰을 요청한 TSA |
| revocation/N.ocsp, revocation/N.crl | revocation data captured at registration (OCSP response or CRL), with N.cert.pem (the certificate it is about), N.issuer.pem and N.url / 등록 시 받은 폐지 정보(OCSP 응답 또는 CRL)와 대상 인증서, 발급자, 출처 |
| renewals/N.ats, renewals/N.url | (renewed receipts) each renewal's RFC 4998 archive timestamp and the TSA asked / 각 갱신의 RFC 4998 보관 타임스탬프와 요청한 TSA |
| renewals/N.files | (renewals over the files) marks renewal N as one over the files / 갱신 N이 파일들을 덮는 갱신임을 표시 |
| certs/ | trust anchors and TSA certificates / 신뢰 기준 및 TSA 인증서 |
| entries.tsv, entries/ | each disclosed file: leaf and inclusion proof / 공개된 파일의 잎 노드와 포함 증명 |
| verify.sh | the verifier / 검증 스크립트 |

Holder identity "self-asserted" or "unverified" means no CA vouches for the holder's name: the
pack proves the signature's key and time, not who holds the key.
보유자 신원이 "self-asserted" 또는 "unverified"이면 인증기관이 이름을 보증하지 않습니다.
`;
}
