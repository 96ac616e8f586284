/**
 * The two texts of an evidence pack: verify.sh (bash, OpenSSL and coreutils only) and the
 * bilingual README. Kept apart from the pack's assembly because they are mostly prose.
 */
import type { HolderInfo } from '../verify/receipt.js';
import { KST_HOURS, wallClock } from '../time.js';
import type { TimestampInfo } from '../tsp/verify.js';

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
 * The verifier. Checks, in order: the file's digest and size against a disclosed entry; the
 * entry's leaf and inclusion proof up to the Merkle root in the manifest; every timestamp
 * over the signature value (openssl ts -verify, at its own genTime); that value being the
 * signature's (asn1parse); the holder's signature over the manifest (openssl cms -verify,
 * at the earliest genTime). Exit 0 only when all pass.
 */
export function verifyScript(f: PackFacts): string {
  return `#!/usr/bin/env bash
# Evidence pack ${f.id}, written by ${f.tool}.
# Checks a file against this pack using only bash, OpenSSL and coreutils.
#   bash verify.sh <file>     exit 0: the file is registered here and every signature and
#                             timestamp checks out; 1: it is not, or a check failed; 2: usage.
# Trust anchors: certs/holder-ca.pem and certs/tsa-N-ca.pem, chosen by the exporter. To rely
# on your own instead, set HOLDER_CA=<pem file> and/or TSA_CA=<pem file>.
set -u
# Messages in Korean under a Korean locale (LC_ALL, LC_MESSAGES, LANG), else English.
case "\${LC_ALL:-\${LC_MESSAGES:-\${LANG:-}}}" in ko | ko[_.@]*) KO=1 ;; *) KO='' ;; esac
export LC_ALL=C
PACK=$(cd -- "$(dirname -- "$0")" && pwd) || exit 2
ALG=${f.algorithm}
TSAS=${f.timestamps.length}
q='"'

m() { if [ -n "$KO" ]; then printf '%s' "$2"; else printf '%s' "$1"; fi; }
fail() { echo "$(m FAIL 실패): $*" >&2; exit 1; }
say() { echo "ok    $*"; }
hex2bin() { local h=$1 s='' i; for ((i = 0; i < \${#h}; i += 2)); do s+="\\\\x\${h:i:2}"; done; printf "$s"; }
hashhex() { local d; d=$(openssl dgst -$ALG -r) || return 1; echo "\${d%% *}"; }

[ $# -eq 1 ] && [ -f "$1" ] || { m "usage: bash verify.sh <file>" "사용법: bash verify.sh <파일>" >&2; echo >&2; exit 2; }
command -v openssl >/dev/null || { m "verify.sh needs openssl on the PATH" "verify.sh에는 PATH에 openssl이 있어야 합니다" >&2; echo >&2; exit 2; }
file=$1

# 1. The file: its digest and size must be those of a registered entry.
read -r digest _ < <(\${ALG}sum -b < "$file") || fail "$(m "cannot read $file" "$file을(를) 읽을 수 없습니다")"
size=$(stat -c %s -- "$file")
id=''
while IFS=$'\\t' read -r n d s name; do
  if [ "$d" = "$digest" ] && [ "$s" = "$size" ]; then id=$n; entry=$name; break; fi
done < "$PACK/entries.tsv"
[ -n "$id" ] || fail "$(m "$file ($ALG $digest, $size bytes) is not registered in this pack" "$file ($ALG $digest, $size바이트)은(는) 이 묶음에 등록되어 있지 않습니다")"
leaf=$(< "$PACK/entries/$id.json")
[[ $leaf == *"$q$ALG$q:$q$digest$q"* ]] || fail "$(m "entry $id does not record $ALG $digest" "항목 $id에 $ALG $digest이(가) 기록되어 있지 않습니다")"
[[ $leaf == *"\${q}size$q:$size,"* || $leaf == *"\${q}size$q:$size}"* ]] || fail "$(m "entry $id does not record size $size" "항목 $id에 크기 $size이(가) 기록되어 있지 않습니다")"
say "$(m "$file: $ALG $digest, $size bytes = entry $id ($entry)" "$file: $ALG $digest, $size바이트 = 항목 $id ($entry)")"

# 2. The entry is a leaf of the Merkle tree whose root the holder signed.
node=$({ printf '\\000'; cat -- "$PACK/entries/$id.json"; } | hashhex)
while read -r side sib; do
  case $side in
    L) node=$({ printf '\\001'; hex2bin "$sib"; hex2bin "$node"; } | hashhex) ;;
    R) node=$({ printf '\\001'; hex2bin "$node"; hex2bin "$sib"; } | hashhex) ;;
    *) fail "$(m "entries/$id.proof is malformed" "entries/$id.proof의 형식이 잘못되었습니다")" ;;
  esac
done < "$PACK/entries/$id.proof"
manifest=$(< "$PACK/manifest.json")
re_root='"merkle":[{]"algorithm":"([a-z0-9]+)","count":[0-9]+,"root":"([0-9a-f]+)"'
[[ $manifest =~ $re_root ]] || fail "$(m "manifest.json has no Merkle root" "manifest.json에 머클 루트가 없습니다")"
[ "\${BASH_REMATCH[1]}" = "$ALG" ] || fail "$(m "manifest.json uses \${BASH_REMATCH[1]}, not $ALG" "manifest.json은 $ALG이(가) 아니라 \${BASH_REMATCH[1]}을(를) 씁니다")"
[ "$node" = "\${BASH_REMATCH[2]}" ] || fail "$(m "entry $id does not lead to the manifest's Merkle root" "항목 $id이(가) 매니페스트의 머클 루트로 이어지지 않습니다")"
say "$(m "inclusion proof leads to the signed Merkle root" "포함 증명이 서명된 머클 루트로 이어집니다") \${BASH_REMATCH[2]}"

# 3. signature-value.bin is the value of the (only) SignerInfo signature in signature.p7s.
re_sv='d=5 +hl=[0-9]+ +l= *[0-9]+ +prim: +OCTET STRING +[[]HEX DUMP[]]:([0-9A-Fa-f]+)'
sv=''; found=0
while IFS= read -r line; do
  if [[ $line =~ $re_sv ]]; then sv=\${BASH_REMATCH[1]}; found=$((found + 1)); fi
done < <(openssl asn1parse -inform DER -in "$PACK/signature.p7s")
[ "$found" -eq 1 ] || fail "$(m "signature.p7s: expected one signer's signature value, found $found" "signature.p7s: 서명값이 하나여야 하는데 $found개입니다")"
[ "$(hex2bin "$sv" | openssl dgst -sha256 -r)" = "$(openssl dgst -sha256 -r < "$PACK/signature-value.bin")" ] || fail "$(m "signature-value.bin is not the signature's value" "signature-value.bin이 서명의 값이 아닙니다")"

# 4. Every timestamp covers that signature value; each TSA certificate is judged at its genTime.
re_time='Time stamp: ([A-Za-z]+ +[0-9]+ [0-9:.]+ [0-9]+ GMT)'
earliest=''
for ((k = 1; k <= TSAS; k++)); do
  tst=$PACK/timestamps/$k.tst
  text=$(openssl ts -reply -token_in -in "$tst" -text 2>/dev/null) || fail "$(m "timestamps/$k.tst is not a timestamp token" "timestamps/$k.tst는 타임스탬프 토큰이 아닙니다")"
  [[ $text =~ $re_time ]] || fail "$(m "timestamps/$k.tst has no time" "timestamps/$k.tst에 시각이 없습니다")"
  when=\${BASH_REMATCH[1]}
  t=$(date -u -d "$when" +%s) || fail "$(m "cannot read the time $when" "시각 $when을(를) 읽을 수 없습니다")"
  extra=()
  [ -f "$PACK/certs/tsa-$k-untrusted.pem" ] && extra=(-untrusted "$PACK/certs/tsa-$k-untrusted.pem")
  err=$(openssl ts -verify -token_in -in "$tst" -data "$PACK/signature-value.bin" -CAfile "\${TSA_CA:-$PACK/certs/tsa-$k-ca.pem}" -partial_chain -attime "$t" "\${extra[@]}" 2>&1 >/dev/null) || fail "$(m "timestamp $k" "타임스탬프 $k"): openssl ts -verify: $(echo "$err" | tail -n 1)"
  say "$(m "timestamp $k: the signature existed at $when (openssl ts -verify)" "타임스탬프 $k: 서명이 $when에 존재했습니다 (openssl ts -verify)")"
  if [ -z "$earliest" ] || [ "$t" -lt "$earliest" ]; then earliest=$t; fi
done
[ -n "$earliest" ] || fail "$(m "the pack holds no timestamp" "묶음에 타임스탬프가 없습니다")"

# 5. The holder signed the manifest, with a certificate valid at the proven time.
err=$(openssl cms -verify -binary -inform DER -in "$PACK/signature.p7s" -content "$PACK/manifest.json" -CAfile "\${HOLDER_CA:-$PACK/certs/holder-ca.pem}" -partial_chain -purpose any -attime "$earliest" -out /dev/null 2>&1) || fail "$(m "holder signature" "보유자 서명"): openssl cms -verify: $(echo "$err" | tail -n 1)"
say "$(m "the holder's signature over manifest.json verifies (openssl cms -verify)" "manifest.json에 대한 보유자의 서명이 검증됩니다 (openssl cms -verify)")"

when=$(date -u -d "@$earliest" '+%Y-%m-%d %H:%M:%S UTC')
m "VERIFIED: $file was registered as \\"$entry\\" and existed no later than $when." "검증됨: $file은(는) \\"$entry\\"(으)로 등록되었으며 늦어도 $when에 존재했습니다."
echo
`;
}

export function evidenceReadme(f: PackFacts): string {
  const kst = (iso: string) => `${wallClock(iso, KST_HOURS).slice(0, 19)} KST`;
  const utc = (iso: string) => `${wallClock(iso).slice(0, 19)} UTC`;
  const fp = (list: { subject: string; sha256: string }[]) => list.map((a) => `  - ${a.subject}\n    SHA-256 ${a.sha256}`).join('\n');
  const files = f.entries.map((e) => `| ${e.name.replace(/\|/g, '\\|')} | ${e.size} | \`${e.digest}\` |`).join('\n');
  const more = f.disclosed > f.entries.length ? `\n(… ${f.disclosed - f.entries.length} more in entries.tsv)\n` : '';
  return `# Evidence pack / 증거 패키지 ${f.id}

Written by ${f.tool}. ${f.disclosed} of ${f.count} registered file(s) disclosed.
${f.tool}가 작성함. 등록된 파일 ${f.count}개 중 ${f.disclosed}개 공개.

- Holder / 보유자: ${f.holder.subject} (${f.holder.identity})
- Proven time / 증명 시각: ${utc(f.time)} (${kst(f.time)})
- Merkle root (${f.algorithm}) / 머클 루트: \`${f.root}\`

| file / 파일 | bytes / 바이트 | ${f.algorithm} |
|---|---|---|
${files}
${more}
## Check a file / 파일 확인

\`\`\`sh
bash verify.sh path/to/file
\`\`\`

It uses only bash, OpenSSL and coreutils, and exits 0 when the file is one registered here
and every signature and timestamp checks out. The steps, which you can also run by hand:

verify.sh는 bash, OpenSSL, coreutils만 사용합니다. 파일이 이 패키지에 등록된 것이고 모든
서명과 타임스탬프가 유효하면 0으로 종료합니다. 단계별로 직접 실행할 수도 있습니다:

1. \`${f.algorithm}sum file\` — equals an entry in entries.tsv / entries.tsv의 항목과 일치
2. entries/N.json (the leaf) and entries/N.proof fold to the \`root\` in manifest.json:
   leaf = ${f.algorithm}(0x00 ‖ N.json), node = ${f.algorithm}(0x01 ‖ left ‖ right) (RFC 9162)
   / 잎 노드와 포함 증명이 manifest.json의 머클 루트로 이어짐
3. \`openssl ts -verify -token_in -in timestamps/1.tst -data signature-value.bin -CAfile certs/tsa-1-ca.pem -partial_chain -attime <genTime>\`
   — the TSA certifies the signature existed at genTime / 타임스탬프 기관이 서명의 존재 시각을 증명
4. \`openssl asn1parse -inform DER -in signature.p7s\` — signature-value.bin is the signer's value
   / signature-value.bin이 서명 값과 같음
5. \`openssl cms -verify -binary -inform DER -in signature.p7s -content manifest.json -CAfile certs/holder-ca.pem -partial_chain -purpose any -attime <genTime> -out /dev/null\`
   — the holder signed the manifest / 보유자가 매니페스트에 서명함

## Trust anchors / 신뢰 기준

verify.sh trusts the certificates in certs/*-ca.pem, which the exporter's own verification
ended at. Compare these fingerprints with ones you obtained independently, or run with
\`HOLDER_CA=your.pem TSA_CA=your.pem bash verify.sh file\`.

verify.sh는 certs/*-ca.pem의 인증서를 신뢰합니다. 아래 지문을 독립적으로 확보한 값과 비교하거나
\`HOLDER_CA=...\`, \`TSA_CA=...\` 환경 변수로 직접 지정하십시오.

Holder / 보유자 — ${f.holderAnchor.basis}:
${fp(f.holderAnchor.fingerprints)}
${f.timestamps.map((t, i) => `\nTimestamp / 타임스탬프 ${i + 1}: ${t.url}, genTime ${t.genTimeText}, serial ${t.serial}, TSA ${t.tsa}\n${fp(t.anchors)}`).join('\n')}

## Contents / 구성

| file | what |
|---|---|
| manifest.json | the signed manifest, byte for byte / 서명된 매니페스트 |
| signature.p7s | the holder's CMS (CAdES) signature, DER, detached / 보유자의 CMS 서명 |
| signature-value.bin | the signature value the timestamps cover / 타임스탬프가 덮는 서명 값 |
| timestamps/N.tst | RFC 3161 timestamp tokens / 타임스탬프 토큰 |
| certs/ | trust anchors and TSA certificates / 신뢰 기준 및 TSA 인증서 |
| entries.tsv, entries/ | each disclosed file: leaf and inclusion proof / 공개된 파일의 잎 노드와 포함 증명 |
| verify.sh | the verifier / 검증 스크립트 |

Holder identity "self-asserted" or "unverified" means no CA vouches for the holder's name: the
pack proves the signature's key and time, not who holds the key.
보유자 신원이 "self-asserted" 또는 "unverified"이면 인증기관이 이름을 보증하지 않습니다.
`;
}
