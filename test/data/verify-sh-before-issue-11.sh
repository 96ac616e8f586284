#!/usr/bin/env bash
# verify.sh as tsproof f6542eb (before issue 11) wrote it for a pack with one sha256 token.
# Kept only so that test/cli/evidence-hostile.test.ts can show the backdating forgery it accepted.
# Evidence pack ID, written by tsproof 0.1.0.
# Checks a file against this pack using only bash, OpenSSL and coreutils.
#   bash verify.sh <file>     exit 0: the file is registered here and every signature and
#                             timestamp checks out; 1: it is not, or a check failed; 2: usage.
# Trust anchors: certs/holder-ca.pem and certs/tsa-N-ca.pem, chosen by the exporter. To rely
# on your own instead, set HOLDER_CA=<pem file> and/or TSA_CA=<pem file>.
set -u
# Messages in Korean under a Korean locale (LC_ALL, LC_MESSAGES, LANG), else English.
case "${LC_ALL:-${LC_MESSAGES:-${LANG:-}}}" in ko | ko[_.@]*) KO=1 ;; *) KO='' ;; esac
export LC_ALL=C
PACK=$(cd -- "$(dirname -- "$0")" && pwd) || exit 2
ALG=sha256
TSAS=1
q='"'

m() { if [ -n "$KO" ]; then printf '%s' "$2"; else printf '%s' "$1"; fi; }
fail() { echo "$(m FAIL 실패): $*" >&2; exit 1; }
say() { echo "ok    $*"; }
hex2bin() { local h=$1 s='' i; for ((i = 0; i < ${#h}; i += 2)); do s+="\\x${h:i:2}"; done; printf "$s"; }
hashhex() { local d; d=$(openssl dgst -$ALG -r) || return 1; echo "${d%% *}"; }

[ $# -eq 1 ] && [ -f "$1" ] || { m "usage: bash verify.sh <file>" "사용법: bash verify.sh <파일>" >&2; echo >&2; exit 2; }
command -v openssl >/dev/null || { m "verify.sh needs openssl on the PATH" "verify.sh에는 PATH에 openssl이 있어야 합니다" >&2; echo >&2; exit 2; }
file=$1

# 1. The file: its digest and size must be those of a registered entry.
read -r digest _ < <(${ALG}sum -b < "$file") || fail "$(m "cannot read $file" "$file을(를) 읽을 수 없습니다")"
size=$(stat -c %s -- "$file")
id=''
while IFS=$'\t' read -r n d s name; do
  if [ "$d" = "$digest" ] && [ "$s" = "$size" ]; then id=$n; entry=$name; break; fi
done < "$PACK/entries.tsv"
[ -n "$id" ] || fail "$(m "$file ($ALG $digest, $size bytes) is not registered in this pack" "$file ($ALG $digest, $size바이트)은(는) 이 묶음에 등록되어 있지 않습니다")"
leaf=$(< "$PACK/entries/$id.json")
[[ $leaf == *"$q$ALG$q:$q$digest$q"* ]] || fail "$(m "entry $id does not record $ALG $digest" "항목 $id에 $ALG $digest이(가) 기록되어 있지 않습니다")"
[[ $leaf == *"${q}size$q:$size,"* || $leaf == *"${q}size$q:$size}"* ]] || fail "$(m "entry $id does not record size $size" "항목 $id에 크기 $size이(가) 기록되어 있지 않습니다")"
say "$(m "$file: $ALG $digest, $size bytes = entry $id ($entry)" "$file: $ALG $digest, $size바이트 = 항목 $id ($entry)")"

# 2. The entry is a leaf of the Merkle tree whose root the holder signed.
node=$({ printf '\000'; cat -- "$PACK/entries/$id.json"; } | hashhex)
while read -r side sib; do
  case $side in
    L) node=$({ printf '\001'; hex2bin "$sib"; hex2bin "$node"; } | hashhex) ;;
    R) node=$({ printf '\001'; hex2bin "$node"; hex2bin "$sib"; } | hashhex) ;;
    *) fail "$(m "entries/$id.proof is malformed" "entries/$id.proof의 형식이 잘못되었습니다")" ;;
  esac
done < "$PACK/entries/$id.proof"
manifest=$(< "$PACK/manifest.json")
re_root='"merkle":[{]"algorithm":"([a-z0-9]+)","count":[0-9]+,"root":"([0-9a-f]+)"'
[[ $manifest =~ $re_root ]] || fail "$(m "manifest.json has no Merkle root" "manifest.json에 머클 루트가 없습니다")"
[ "${BASH_REMATCH[1]}" = "$ALG" ] || fail "$(m "manifest.json uses ${BASH_REMATCH[1]}, not $ALG" "manifest.json은 $ALG이(가) 아니라 ${BASH_REMATCH[1]}을(를) 씁니다")"
[ "$node" = "${BASH_REMATCH[2]}" ] || fail "$(m "entry $id does not lead to the manifest's Merkle root" "항목 $id이(가) 매니페스트의 머클 루트로 이어지지 않습니다")"
say "$(m "inclusion proof leads to the signed Merkle root" "포함 증명이 서명된 머클 루트로 이어집니다") ${BASH_REMATCH[2]}"

# 3. signature-value.bin is the value of the (only) SignerInfo signature in signature.p7s.
re_sv='d=5 +hl=[0-9]+ +l= *[0-9]+ +prim: +OCTET STRING +[[]HEX DUMP[]]:([0-9A-Fa-f]+)'
sv=''; found=0
while IFS= read -r line; do
  if [[ $line =~ $re_sv ]]; then sv=${BASH_REMATCH[1]}; found=$((found + 1)); fi
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
  when=${BASH_REMATCH[1]}
  t=$(date -u -d "$when" +%s) || fail "$(m "cannot read the time $when" "시각 $when을(를) 읽을 수 없습니다")"
  extra=()
  [ -f "$PACK/certs/tsa-$k-untrusted.pem" ] && extra=(-untrusted "$PACK/certs/tsa-$k-untrusted.pem")
  err=$(openssl ts -verify -token_in -in "$tst" -data "$PACK/signature-value.bin" -CAfile "${TSA_CA:-$PACK/certs/tsa-$k-ca.pem}" -partial_chain -attime "$t" "${extra[@]}" 2>&1 >/dev/null) || fail "$(m "timestamp $k" "타임스탬프 $k"): openssl ts -verify: $(echo "$err" | tail -n 1)"
  say "$(m "timestamp $k: the signature existed at $when (openssl ts -verify)" "타임스탬프 $k: 서명이 $when에 존재했습니다 (openssl ts -verify)")"
  if [ -z "$earliest" ] || [ "$t" -lt "$earliest" ]; then earliest=$t; fi
done
[ -n "$earliest" ] || fail "$(m "the pack holds no timestamp" "묶음에 타임스탬프가 없습니다")"

# 5. The holder signed the manifest, with a certificate valid at the proven time.
err=$(openssl cms -verify -binary -inform DER -in "$PACK/signature.p7s" -content "$PACK/manifest.json" -CAfile "${HOLDER_CA:-$PACK/certs/holder-ca.pem}" -partial_chain -purpose any -attime "$earliest" -out /dev/null 2>&1) || fail "$(m "holder signature" "보유자 서명"): openssl cms -verify: $(echo "$err" | tail -n 1)"
say "$(m "the holder's signature over manifest.json verifies (openssl cms -verify)" "manifest.json에 대한 보유자의 서명이 검증됩니다 (openssl cms -verify)")"

when=$(date -u -d "@$earliest" '+%Y-%m-%d %H:%M:%S UTC')
m "VERIFIED: $file was registered as \"$entry\" and existed no later than $when." "검증됨: $file은(는) \"$entry\"(으)로 등록되었으며 늦어도 $when에 존재했습니다."
echo
