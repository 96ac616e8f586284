#!/usr/bin/env bash
# Verifier of a tsproof evidence pack (docs/evidence.md). tsproof writes this same script,
# byte for byte, into every pack, so a reader can keep one trusted copy and use it on any pack.
#
#   bash verify.sh <file>
#
# Exit 0: <file> is registered in this pack and every signature and timestamp checks out;
# 1: it is not, or a check failed; 2: usage, or a tool is missing.
# Needs bash (3.2 or later), OpenSSL (1.1.1 or 3.x) and the POSIX tools cat, od, wc, cmp, rm
# and mktemp (GNU, BSD and BusyBox versions all do).
#
# Trust anchors: certs/holder-ca.pem and certs/tsa-N-ca.pem, chosen by whoever wrote the pack.
# To rely on your own instead: HOLDER_CA=<pem file> TSA_CA=<pem file> bash verify.sh <file>.
# The VERIFIED line names the anchors it relied on and where they came from.
#
# Pins — expectations that must hold, else exit 1 naming the pin (the same variables as tsproof's):
#   TSPROOF_HOLDER_CERT=<sha256>[,<sha256>…]  the holder certificate is one of these
#   TSPROOF_HOLDER_SUBJECT=<DN>               the holder's subject, as the VERIFIED line prints it (* = any text)
#   TSPROOF_HOLDER_ISSUER=<DN>                the CA that issued the holder certificate (needs HOLDER_CA)
#   TSPROOF_REQUIRE_CERTIFIED=1               a CA of HOLDER_CA vouches for the holder (needs HOLDER_CA)
#   TSPROOF_TSA_CERT=<sha256>[,<sha256>…]     each TSA certificate, or the anchor it chains to, is one of these

# Under sh (dash, BusyBox ash): run again under bash, or say how. Bash run as sh (POSIX mode,
# as /bin/sh on macOS) just leaves POSIX mode. Plain POSIX sh up to the 'fi'.
if [ -n "${BASH_VERSION:-}" ]; then
  case ":${SHELLOPTS:-}:" in *:posix:*) set +o posix ;; esac
else
  if [ -z "${TSPROOF_VERIFY_REEXEC:-}" ] && [ -f "$0" ] && command -v bash >/dev/null 2>&1; then
    TSPROOF_VERIFY_REEXEC=1 exec bash "$0" "$@"
  fi
  case "${LC_ALL:-${LC_MESSAGES:-${LANG:-}}}" in
    ko | ko[_.@]*) echo 'verify.sh는 bash로 실행해야 합니다: bash verify.sh <파일>' >&2 ;;
    *) echo 'verify.sh needs bash: run bash verify.sh <file>' >&2 ;;
  esac
  exit 2
fi

set -u
# Messages in Korean under a Korean locale (LC_ALL, LC_MESSAGES, LANG), else English.
case "${LC_ALL:-${LC_MESSAGES:-${LANG:-}}}" in ko | ko[_.@]*) KO=1 ;; *) KO='' ;; esac
# Byte semantics for every string operation below; UTF-8 text passes through unchanged.
export LC_ALL=C

m() { if [ -n "$KO" ]; then printf '%s' "$2"; else printf '%s' "$1"; fi; }
fail() { printf '%s: %s\n' "$(m FAIL 실패)" "$1" >&2; exit 1; }
usage() { printf '%s\n' "$1" >&2; exit 2; }
say() { printf 'ok    %s\n' "$1"; }

# safe <text>: what the pack or OpenSSL says, made safe to show (tsproof's displaySafe rule):
# C0 and C1 controls, DEL, bytes that are not UTF-8, the bidi marks, embeddings, overrides
# and isolates (U+061C, U+200E-F, U+202A-E, U+2066-9) and the line and paragraph separators
# (U+2028-9) are written as visible escapes, so no name can move the cursor, clear the
# screen or reorder a line. Everything else, Korean included, is shown as it is.
safe() {
  local s=$1 out='' i=0 n b c d k
  local -a v
  # Printable ASCII only (the usual case): nothing to escape.
  if [[ $s != *[![:print:]]* ]]; then printf '%s' "$s"; return 0; fi
  v=($(printf '%s' "$s" | od -An -v -tu1))
  n=${#v[@]}
  while ((i < n)); do
    b=${v[i]}
    c=${v[i + 1]:-0}
    d=${v[i + 2]:-0}
    if ((b < 32 || b == 127)); then
      printf -v k '\\x%02x' "$b"; out+=$k; i=$((i + 1))
    elif ((b < 128)); then
      out+=${s:i:1}; i=$((i + 1))
    elif ((b == 0xc2 && c >= 0x80 && c <= 0x9f)); then
      printf -v k '\\x%02x' "$c"; out+=$k; i=$((i + 2))
    elif ((b == 0xd8 && c == 0x9c)); then
      out+='\u061c'; i=$((i + 2))
    elif ((b == 0xe2 && c == 0x80 && (d == 0x8e || d == 0x8f || (d >= 0xa8 && d <= 0xae)))); then
      printf -v k '\\u20%02x' $((d - 0x80)); out+=$k; i=$((i + 3))
    elif ((b == 0xe2 && c == 0x81 && d >= 0xa6 && d <= 0xa9)); then
      printf -v k '\\u20%02x' $((d - 0x40)); out+=$k; i=$((i + 3))
    else
      # A UTF-8 sequence is copied whole; a byte that starts none is escaped.
      k=0
      if ((b >= 0xc2 && b <= 0xdf)); then k=2; elif ((b >= 0xe0 && b <= 0xef)); then k=3; elif ((b >= 0xf0 && b <= 0xf4)); then k=4; fi
      local j=1
      while ((j < k)); do
        ((i + j < n && v[i + j] >= 0x80 && v[i + j] <= 0xbf)) || { k=0; break; }
        j=$((j + 1))
      done
      if ((k > 0)); then
        out+=${s:i:k}; i=$((i + k))
      else
        printf -v k '\\x%02x' "$b"; out+=$k; i=$((i + 1))
      fi
    fi
  done
  printf '%s' "$out"
}

for tool in openssl cat od wc cmp rm mktemp; do
  command -v "$tool" >/dev/null 2>&1 || usage "$(m "verify.sh needs $tool on the PATH" "verify.sh에는 PATH에 $tool이(가) 있어야 합니다")"
done
[ $# -eq 1 ] && [ -f "$1" ] && [ -r "$1" ] || usage "$(m "usage: bash verify.sh <file>" "사용법: bash verify.sh <파일>")"
file=$1
shown=$(safe "$file")
case $0 in */*) PACK=${0%/*} ;; *) PACK=. ;; esac
PACK=$(cd -- "$PACK" && pwd) || exit 2
T=$(mktemp -d "${TMPDIR:-/tmp}/tsproof-verify.XXXXXX") || usage "$(m "cannot make a temporary folder" "임시 폴더를 만들 수 없습니다")"
trap 'rm -rf -- "$T"' EXIT
trap 'exit 2' HUP INT TERM

# Whose anchors: the reader's (HOLDER_CA, TSA_CA) or the pack's.
anchor_file() { # anchor_file <variable value> <variable name>: the file, checked
  [ -z "$1" ] || [ -f "$1" ] || usage "$(m "$2=$(safe "$1"): no such file" "$2=$(safe "$1"): 파일이 없습니다")"
}
anchor_file "${HOLDER_CA:-}" HOLDER_CA
anchor_file "${TSA_CA:-}" TSA_CA

# fingerprints <variable name> <value>: the SHA-256 fingerprints of a pin, lowercase, in FPS
# (separated by commas, semicolons or spaces; colons and a sha256: prefix allowed, as tsproof reads them).
fingerprints() {
  local w f
  FPS=()
  for w in ${2//[,;]/ }; do
    f=${w#sha256:}; f=${f#SHA256:}; f=${f//:/}
    f=${f//A/a}; f=${f//B/b}; f=${f//C/c}; f=${f//D/d}; f=${f//E/e}; f=${f//F/f}
    [[ $f =~ ^[0-9a-f]{64}$ ]] || usage "$(m "$1=$(safe "$w"): expected a SHA-256 fingerprint (64 hex digits)" "$1=$(safe "$w"): SHA-256 지문(16진수 64자리)이어야 합니다")"
    FPS+=("$f")
  done
}
# in_list <fingerprint> <list…>: whether it is one of them.
in_list() { local x=$1 y; shift; for y in "$@"; do [ "$x" = "$y" ] && return 0; done; return 1; }
# dn_match <DN> <pattern>: the same text, * standing for any run of characters (emailAddress= reads as E=, as in tsproof).
dn_norm() { local s=$1; [[ $s == emailAddress=* ]] && s="E=${s#emailAddress=}"; printf '%s' "${s//, emailAddress=/, E=}"; }
dn_match() {
  local s p q='' c i
  s=$(dn_norm "$1"); p=$(dn_norm "$2")
  for ((i = 0; i < ${#p}; i++)); do c=${p:i:1}; if [ "$c" = '*' ]; then q+='*'; else q+="\\$c"; fi; done
  [[ $s == $q ]]
}
fingerprints TSPROOF_HOLDER_CERT "${TSPROOF_HOLDER_CERT:-}"; PIN_HOLDER=(${FPS[@]+"${FPS[@]}"})
fingerprints TSPROOF_TSA_CERT "${TSPROOF_TSA_CERT:-}"; PIN_TSA=(${FPS[@]+"${FPS[@]}"})
case "${TSPROOF_REQUIRE_CERTIFIED:-}" in
  '' | 0 | false | no | off) REQUIRE_CERTIFIED='' ;;
  1 | true | yes | on) REQUIRE_CERTIFIED=1 ;;
  *) usage "$(m "TSPROOF_REQUIRE_CERTIFIED=$(safe "$TSPROOF_REQUIRE_CERTIFIED"): expected 1 or 0" "TSPROOF_REQUIRE_CERTIFIED=$(safe "$TSPROOF_REQUIRE_CERTIFIED"): 1 또는 0이어야 합니다")" ;;
esac
# A CA chosen by whoever wrote the pack vouches for nothing: these pins need the reader's own HOLDER_CA.
if [ -n "${TSPROOF_HOLDER_ISSUER:-}$REQUIRE_CERTIFIED" ] && [ -z "${HOLDER_CA:-}" ]; then
  usage "$(m "TSPROOF_HOLDER_ISSUER and TSPROOF_REQUIRE_CERTIFIED need HOLDER_CA=<the CA certificates you trust>: a CA in the pack vouches for nothing" "TSPROOF_HOLDER_ISSUER와 TSPROOF_REQUIRE_CERTIFIED에는 HOLDER_CA=<신뢰하는 인증기관 인증서>가 필요합니다: 패키지 안의 인증기관은 아무것도 보증하지 않습니다")"
fi

# bytes_of <file>: the file's bytes as decimal numbers, in the array B.
bytes_of() { B=($(od -An -v -tu1 < "$1")); }
size_of() { local n; n=$(wc -c < "$1") || return 1; printf '%s' "${n//[!0-9]/}"; }
# hex2bin <hex>: the bytes (the hex is checked by the caller).
hex2bin() { local h=$1 f='' i; for ((i = 0; i < ${#h}; i += 2)); do f+="\\x${h:i:2}"; done; printf "$f"; }

# 1. The manifest the holder signed: its Merkle algorithm and root, stated once.
manifest=$(cat -- "$PACK/manifest.json") || fail "$(m "cannot read manifest.json" "manifest.json을 읽을 수 없습니다")"
rest=${manifest#*\"merkle\":}
[ "$rest" != "$manifest" ] && [ "${rest#*\"merkle\":}" = "$rest" ] || fail "$(m "manifest.json must state one Merkle tree" "manifest.json에는 머클 트리가 하나만 있어야 합니다")"
re_root='"merkle":[{]"algorithm":"(sha256|sha384|sha512)","count":[0-9]+,"root":"([0-9a-f]+)"[}]'
[[ $manifest =~ $re_root ]] || fail "$(m "manifest.json has no Merkle root" "manifest.json에 머클 루트가 없습니다")"
ALG=${BASH_REMATCH[1]}
ROOT=${BASH_REMATCH[2]}
hashhex() { local d; d=$(openssl dgst -"$ALG" -r) || return 1; d=${d%% *}; [[ $d =~ ^[0-9a-f]+$ ]] || return 1; printf '%s' "$d"; }

# 2. The file: its digest and size must be those of a disclosed entry, as its leaf records them.
digest=$(hashhex < "$file") || fail "$(m "cannot read $shown" "$shown을(를) 읽을 수 없습니다")"
size=$(size_of "$file") || fail "$(m "cannot read $shown" "$shown을(를) 읽을 수 없습니다")"
id=''
while IFS=$'\t' read -r n d s _; do
  if [ "$d" = "$digest" ] && [ "$s" = "$size" ]; then id=$n; break; fi
done < "$PACK/entries.tsv"
[ -n "$id" ] || fail "$(m "$shown ($ALG $digest, $size bytes) is not registered in this pack" "$shown ($ALG $digest, $size바이트)은(는) 이 묶음에 등록되어 있지 않습니다")"
[[ $id =~ ^[0-9]{6,10}$ ]] || fail "$(m "entries.tsv: bad entry id" "entries.tsv: 항목 번호가 잘못되었습니다")"
leaf=$(cat -- "$PACK/entries/$id.json") || fail "$(m "cannot read entries/$id.json" "entries/$id.json을 읽을 수 없습니다")"
re_leaf='^[{]"digests":[{]([^{}]*)[}],"name":"(([^"\\]|\\.)*)","salt":"[0-9a-f]+","size":([0-9]+)[}]$'
[[ $leaf =~ $re_leaf ]] || fail "$(m "entries/$id.json is not an entry" "entries/$id.json은 항목 형식이 아닙니다")"
name=${BASH_REMATCH[2]}
[[ ",${BASH_REMATCH[1]}," == *",\"$ALG\":\"$digest\","* ]] || fail "$(m "entry $id does not record $ALG $digest" "항목 $id에 $ALG $digest이(가) 기록되어 있지 않습니다")"
[ "${BASH_REMATCH[4]}" = "$size" ] || fail "$(m "entry $id does not record size $size" "항목 $id에 크기 $size이(가) 기록되어 있지 않습니다")"
shown_name=$(safe "$name")
say "$(m "$shown: $ALG $digest, $size bytes = entry $id (\"$shown_name\")" "$shown: $ALG $digest, $size바이트 = 항목 $id (\"$shown_name\")")"

# 3. The entry is a leaf of the Merkle tree whose root the holder signed (RFC 9162 §2.1).
node=$({ printf '\000'; cat -- "$PACK/entries/$id.json"; } | hashhex) || fail "$(m "cannot hash entries/$id.json" "entries/$id.json의 해시를 구할 수 없습니다")"
while read -r side sib; do
  [[ $sib =~ ^[0-9a-f]+$ ]] && [ ${#sib} -eq ${#digest} ] || fail "$(m "entries/$id.proof is malformed" "entries/$id.proof의 형식이 잘못되었습니다")"
  case $side in
    L) node=$({ printf '\001'; hex2bin "$sib"; hex2bin "$node"; } | hashhex) ;;
    R) node=$({ printf '\001'; hex2bin "$node"; hex2bin "$sib"; } | hashhex) ;;
    *) fail "$(m "entries/$id.proof is malformed" "entries/$id.proof의 형식이 잘못되었습니다")" ;;
  esac
done < "$PACK/entries/$id.proof"
[ "$node" = "$ROOT" ] || fail "$(m "entry $id does not lead to the manifest's Merkle root" "항목 $id이(가) 매니페스트의 머클 루트로 이어지지 않습니다")"
say "$(m "inclusion proof leads to the signed Merkle root" "포함 증명이 서명된 머클 루트로 이어집니다") $ROOT"

# 4. signature.p7s: DER, one SignerInfo. The value the timestamps cover is taken from that
# SignerInfo's signature field by walking the structure, and the timestamps from its unsigned
# attributes — never by searching the bytes, which an encoding trick could fool.
P7S=$PACK/signature.p7s
N=$(size_of "$P7S") || fail "$(m "cannot read signature.p7s" "signature.p7s를 읽을 수 없습니다")"
((N > 0 && N <= 4194304)) || fail "$(m "signature.p7s is empty or larger than 4 MiB" "signature.p7s가 비어 있거나 4 MiB보다 큽니다")"
openssl cms -cmsout -inform DER -in "$P7S" -outform DER -out "$T/der.p7s" 2>/dev/null || fail "$(m "signature.p7s is not a CMS object OpenSSL reads" "signature.p7s는 OpenSSL이 읽을 수 있는 CMS가 아닙니다")"
cmp -s "$P7S" "$T/der.p7s" || fail "$(m "signature.p7s is not one DER object (OpenSSL re-encodes it differently: a BER form, or bytes after it); refused, as such bytes can be read more than one way" "signature.p7s가 하나의 DER 객체가 아닙니다 (OpenSSL이 다르게 다시 부호화함: BER 형식이나 뒤에 붙은 바이트); 여러 가지로 읽힐 수 있으므로 거부합니다")"
bytes_of "$P7S"

# tlv <offset> <limit>: the DER element at offset, which must end by limit. Sets TAG, VAL (its
# first content byte) and END (one past it). Fails on indefinite or non-minimal lengths.
tlv() {
  local p=$1 lim=$2 l k
  ((p + 2 <= lim)) || return 1
  TAG=${B[p]}
  (((TAG & 31) != 31)) || return 1
  l=${B[p + 1]}
  p=$((p + 2))
  if ((l == 128)); then return 1; fi
  if ((l > 128)); then
    k=$((l - 128))
    ((k <= 3 && p + k <= lim && B[p] != 0)) || return 1
    l=0
    while ((k > 0)); do l=$((l * 256 + B[p])); p=$((p + 1)); k=$((k - 1)); done
    ((l >= 128)) || return 1
  fi
  VAL=$p
  END=$((p + l))
  ((END <= lim))
}
# kids <offset> <limit>: the offsets of the elements that exactly fill [offset, limit), in KIDS.
kids() {
  local p=$1 lim=$2
  KIDS=()
  while ((p < lim)); do
    tlv "$p" "$lim" || return 1
    KIDS+=("$p")
    p=$END
  done
}
# hex_of <from> <to>: bytes as lowercase hex.
hex_of() { (($2 > $1)) && printf '%02x' "${B[@]:$1:$(($2 - $1))}"; }
# write_bytes <from> <to> <file>: the raw bytes.
write_bytes() { local f; printf -v f '\\%03o' "${B[@]:$1:$(($2 - $1))}"; printf "$f" > "$3"; }
notsd() { fail "$(m "signature.p7s is not a CMS SignedData as tsproof writes it ($1)" "signature.p7s가 tsproof가 쓰는 CMS SignedData가 아닙니다 ($1)")"; }

tlv 0 "$N" && ((TAG == 0x30 && END == N)) || notsd ContentInfo
kids "$VAL" "$END" && ((${#KIDS[@]} == 2)) || notsd ContentInfo
ci=(${KIDS[@]})
tlv "${ci[0]}" "$N" && ((TAG == 0x06)) && [ "$(hex_of "$VAL" "$END")" = 2a864886f70d010702 ] || notsd contentType
tlv "${ci[1]}" "$N" && ((TAG == 0xa0)) && tlv "$VAL" "$END" && ((TAG == 0x30)) || notsd content
kids "$VAL" "$END" && ((${#KIDS[@]} >= 4 && ${#KIDS[@]} <= 6)) || notsd SignedData
sd=(${KIDS[@]})
tlv "${sd[0]}" "$N" && ((TAG == 0x02)) || notsd version
tlv "${sd[1]}" "$N" && ((TAG == 0x31)) || notsd digestAlgorithms
tlv "${sd[2]}" "$N" && ((TAG == 0x30)) || notsd encapContentInfo
last=$((${#sd[@]} - 1))
for ((k = 3; k < last; k++)); do tlv "${sd[k]}" "$N" && ((TAG == 0xa0 || TAG == 0xa1)) || notsd certificates; done
tlv "${sd[last]}" "$N" && ((TAG == 0x31)) && kids "$VAL" "$END" || notsd signerInfos
((${#KIDS[@]} == 1)) || fail "$(m "signature.p7s has ${#KIDS[@]} SignerInfos; a registration is signed by exactly one" "signature.p7s에 SignerInfo가 ${#KIDS[@]}개 있습니다; 등록은 정확히 하나가 서명합니다")"
tlv "${KIDS[0]}" "$N" && ((TAG == 0x30)) && kids "$VAL" "$END" && ((${#KIDS[@]} >= 5)) || notsd SignerInfo
si=(${KIDS[@]})
# SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, [0] signedAttrs OPTIONAL,
#   signatureAlgorithm, signature OCTET STRING, [1] unsignedAttrs OPTIONAL }   (RFC 5652 §5.3)
tlv "${si[0]}" "$N" && ((TAG == 0x02)) || notsd "SignerInfo version"
tlv "${si[1]}" "$N" && ((TAG == 0x30 || TAG == 0x80)) || notsd sid
tlv "${si[2]}" "$N" && ((TAG == 0x30)) || notsd digestAlgorithm
k=3
tlv "${si[k]}" "$N" && ((TAG == 0xa0)) && k=4
((k + 1 < ${#si[@]})) && tlv "${si[k]}" "$N" && ((TAG == 0x30)) || notsd signatureAlgorithm
k=$((k + 1))
tlv "${si[k]}" "$N" && ((TAG == 0x04 && END > VAL)) || notsd "signature"
write_bytes "$VAL" "$END" "$T/signature-value.bin"
tokens=()
k=$((k + 1))
if ((k < ${#si[@]})); then
  ((k == ${#si[@]} - 1)) && tlv "${si[k]}" "$N" && ((TAG == 0xa1)) && kids "$VAL" "$END" || notsd unsignedAttrs
  attrs=(${KIDS[@]+"${KIDS[@]}"})
  for a in ${attrs[@]+"${attrs[@]}"}; do
    tlv "$a" "$N" && ((TAG == 0x30)) && kids "$VAL" "$END" && ((${#KIDS[@]} == 2)) || notsd "unsigned attribute"
    at=(${KIDS[@]})
    tlv "${at[0]}" "$N" && ((TAG == 0x06)) || notsd "unsigned attribute"
    oid=$(hex_of "$VAL" "$END")
    tlv "${at[1]}" "$N" && ((TAG == 0x31)) && kids "$VAL" "$END" || notsd "unsigned attribute"
    # id-aa-signatureTimeStampToken, 1.2.840.113549.1.9.16.2.14 (RFC 3161 Appendix A)
    if [ "$oid" = 2a864886f70d010910020e ]; then
      for v in ${KIDS[@]+"${KIDS[@]}"}; do tlv "$v" "$N" && tokens+=("$v $END"); done
    fi
  done
fi
TSAS=${#tokens[@]}
((TSAS > 0)) || fail "$(m "signature.p7s carries no timestamp" "signature.p7s에 타임스탬프가 없습니다")"
for ((k = 1; k <= TSAS; k++)); do
  write_bytes ${tokens[k - 1]} "$T/$k.tst"
  # The loose copies, where the pack keeps them, must be these very tokens.
  if [ -e "$PACK/timestamps/$k.tst" ]; then
    cmp -s "$PACK/timestamps/$k.tst" "$T/$k.tst" || fail "$(m "timestamps/$k.tst differs from timestamp $k in signature.p7s" "timestamps/$k.tst가 signature.p7s의 타임스탬프 $k와 다릅니다")"
  fi
done
[ ! -e "$PACK/timestamps/$k.tst" ] || fail "$(m "timestamps/$k.tst is not in signature.p7s" "timestamps/$k.tst는 signature.p7s에 없습니다")"
if [ -e "$PACK/signature-value.bin" ]; then
  cmp -s "$PACK/signature-value.bin" "$T/signature-value.bin" || fail "$(m "signature-value.bin is not the signature value in signature.p7s" "signature-value.bin이 signature.p7s의 서명 값이 아닙니다")"
fi
say "$(m "signature.p7s is DER with one SignerInfo, carrying $TSAS timestamp(s) over its signature value" "signature.p7s는 SignerInfo 하나인 DER이며, 서명 값에 대한 타임스탬프 $TSAS개를 담고 있습니다")"

# Times as tsproof prints them: UTC to the millisecond, and Korea Standard Time (UTC+9).
days_from_civil() { # y m d -> days since 1970-01-01 (proleptic Gregorian)
  local y=$1 m=$2 d=$3 era yoe doy doe
  y=$((m <= 2 ? y - 1 : y))
  era=$((y / 400)); yoe=$((y - era * 400))
  doy=$(((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1))
  doe=$((yoe * 365 + yoe / 4 - yoe / 100 + doy))
  printf '%s' $((era * 146097 + doe - 719468))
}
civil_from_epoch() { # seconds -> YYYY-MM-DD HH:MM:SS
  local s=$1 z era doe yoe y doy mp d mo
  z=$((s / 86400 + 719468)); s=$((s % 86400))
  era=$((z / 146097)); doe=$((z - era * 146097))
  yoe=$(((doe - doe / 1460 + doe / 36524 - doe / 146096) / 365))
  y=$((yoe + era * 400)); doy=$((doe - (365 * yoe + yoe / 4 - yoe / 100)))
  mp=$(((5 * doy + 2) / 153)); d=$((doy - (153 * mp + 2) / 5 + 1))
  mo=$((mp < 10 ? mp + 3 : mp - 9)); y=$((mo <= 2 ? y + 1 : y))
  printf '%04d-%02d-%02d %02d:%02d:%02d' "$y" "$mo" "$d" $((s / 3600)) $((s % 3600 / 60)) $((s % 60))
}
both_times() { # seconds millis
  printf '%s.%03d UTC (%s KST)' "$(civil_from_epoch "$1")" $((10#$2)) "$(civil_from_epoch $(($1 + 9 * 3600)))"
}
# gen_time <token>: its genTime as "seconds millis", from OpenSSL's reading of the token.
gen_time() {
  local text line mo ms
  text=$(openssl ts -reply -token_in -in "$1" -text 2>/dev/null) || return 1
  local re='^Time stamp: ([A-Z][a-z][a-z]) +([0-9]+) ([0-9][0-9]):([0-9][0-9]):([0-9][0-9])(\.([0-9]+))? ([0-9]+) GMT$'
  while IFS= read -r line; do
    [[ $line =~ $re ]] || continue
    case ${BASH_REMATCH[1]} in Jan) mo=1 ;; Feb) mo=2 ;; Mar) mo=3 ;; Apr) mo=4 ;; May) mo=5 ;; Jun) mo=6 ;; Jul) mo=7 ;; Aug) mo=8 ;; Sep) mo=9 ;; Oct) mo=10 ;; Nov) mo=11 ;; Dec) mo=12 ;; *) return 1 ;; esac
    ms=${BASH_REMATCH[7]}000
    printf '%s %s' $(($(days_from_civil $((10#${BASH_REMATCH[8]})) "$mo" $((10#${BASH_REMATCH[2]}))) * 86400 + 10#${BASH_REMATCH[3]} * 3600 + 10#${BASH_REMATCH[4]} * 60 + 10#${BASH_REMATCH[5]})) "${ms:0:3}"
    return 0
  done <<< "$text"
  return 1
}

# describe <pem file>: sets FACT to '"subject" (SHA-256 fingerprint)', as a reader can check
# them (the fingerprint is of the certificate's DER, in lowercase hex), and FP to the fingerprint.
# SUBJ and ISSUER are the subject and issuer DNs as read (tsproof's form: RFC 4514 order, special
# characters escaped with a backslash), for pins.
describe() {
  local s i
  s=$(openssl x509 -in "$1" -noout -subject -nameopt utf8,esc_2253,sep_comma_plus_space,dn_rev 2>/dev/null) &&
    i=$(openssl x509 -in "$1" -noout -issuer -nameopt utf8,esc_2253,sep_comma_plus_space,dn_rev 2>/dev/null) &&
    FP=$(openssl x509 -in "$1" -noout -fingerprint -sha256 2>/dev/null) || return 1
  FP=${FP#*=}; FP=${FP//:/}
  FP=${FP//A/a}; FP=${FP//B/b}; FP=${FP//C/c}; FP=${FP//D/d}; FP=${FP//E/e}; FP=${FP//F/f}
  [[ $FP =~ ^[0-9a-f]{64}$ ]] || return 1
  SUBJ=${s#subject=}
  ISSUER=${i#issuer=}
  FACT="\"$(safe "$SUBJ")\" (SHA-256 $FP)"
}
# split_pem <file> <prefix>: each certificate of a PEM file into <prefix>1.pem, <prefix>2.pem, …; count in NPEM.
split_pem() {
  local line out=''
  NPEM=0
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    case $line in
      '-----BEGIN CERTIFICATE-----' | '-----BEGIN TRUSTED CERTIFICATE-----')
        NPEM=$((NPEM + 1)); out=$2$NPEM.pem; printf '%s\n' "$line" > "$out" ;;
      '-----END CERTIFICATE-----' | '-----END TRUSTED CERTIFICATE-----')
        [ -z "$out" ] || printf '%s\n' "$line" >> "$out"; out='' ;;
      *) [ -z "$out" ] || printf '%s\n' "$line" >> "$out" ;;
    esac
  done < "$1"
}
# relied_on <anchors file> <prefix> <command …>: the first single anchor of the file with which
# the command (run with -CAfile <that anchor> appended) still succeeds — the one relied on.
relied_on() {
  local file=$1 prefix=$2 i
  shift 2
  split_pem "$file" "$prefix"
  for ((i = 1; i <= NPEM; i++)); do
    if "$@" -CAfile "$prefix$i.pem" > /dev/null 2>&1; then printf '%s' "$prefix$i.pem"; return 0; fi
  done
  return 1
}
source_of() { # source_of <reader variable> <pack file>
  if [ -n "$1" ]; then m "your $2 ($(safe "$1"))" "사용자가 지정한 $2 ($(safe "$1"))"; else m "the pack's $3, not an anchor of yours" "묶음의 $3 (사용자가 지정한 것이 아님)"; fi
}

# token_signer <token> <untrusted pem, may be absent> <anchor> <time> <name>: the certificate whose
# key signed the token (cms -verify finds it by the SignerInfo's sid), itself a time-stamping
# certificate on a path to that anchor at that time, into $T/<name>.pem; FACT and FP describe it.
token_signer() {
  local certfile=()
  [ ! -f "$2" ] || certfile=(-certfile "$2")
  openssl cms -verify -inform DER -in "$1" -noverify -signer "$T/$5.pem" -out /dev/null ${certfile[@]+"${certfile[@]}"} > /dev/null 2>&1 || return 1
  openssl pkcs7 -inform DER -in "$1" -print_certs -out "$T/$5-chain.pem" 2>/dev/null || return 1
  [ ! -f "$2" ] || cat -- "$2" >> "$T/$5-chain.pem"
  printf '%s\n' "$(cat -- "$T/$5.pem")" >> "$T/$5-chain.pem" # never empty
  openssl verify -CAfile "$3" -untrusted "$T/$5-chain.pem" -partial_chain -attime "$4" -purpose timestampsign "$T/$5.pem" > /dev/null 2>&1 || return 1
  describe "$T/$5.pem"
}
month_of() {
  case $1 in Jan) MO=1 ;; Feb) MO=2 ;; Mar) MO=3 ;; Apr) MO=4 ;; May) MO=5 ;; Jun) MO=6 ;; Jul) MO=7 ;; Aug) MO=8 ;; Sep) MO=9 ;; Oct) MO=10 ;; Nov) MO=11 ;; Dec) MO=12 ;; *) return 1 ;; esac
}
# openssl_time <text>: OpenSSL's "Dec  4 18:29:33 2036 GMT" as seconds since 1970.
openssl_time() {
  local re='^([A-Z][a-z][a-z]) +([0-9]+) ([0-9][0-9]):([0-9][0-9]):([0-9][0-9])(\.[0-9]+)? ([0-9]+) GMT$'
  [[ $1 =~ $re ]] && month_of "${BASH_REMATCH[1]}" || return 1
  printf '%s' $(($(days_from_civil $((10#${BASH_REMATCH[7]})) "$MO" $((10#${BASH_REMATCH[2]}))) * 86400 + 10#${BASH_REMATCH[3]} * 3600 + 10#${BASH_REMATCH[4]} * 60 + 10#${BASH_REMATCH[5]}))
}
# cert_end <pem>: when the certificate expires (notAfter), in seconds.
cert_end() {
  local e
  e=$(openssl x509 -in "$1" -noout -enddate 2>/dev/null) || return 1
  openssl_time "${e#notAfter=}"
}

# operator_of <TSA certificate pem>: who runs the TSA, as the timestamp policy counts operators
# (docs/long-term.md): its subject's O values (whitespace collapsed, ASCII letters compared
# without case, sorted), else — set later from the anchor — its root. OP_KEY compares, OP_LABEL shows.
operator_of() {
  local text line v c lower key='' label='' i j x
  local -a orgs=()
  OP_KEY=''; OP_LABEL=''
  text=$(openssl x509 -in "$1" -noout -subject -nameopt utf8,sep_multiline,sname 2>/dev/null) || return 0
  while IFS= read -r line; do
    line=${line#"${line%%[![:space:]]*}"}
    [[ $line == O=* ]] || continue
    v=${line#O=}
    label+="${label:+ + }$v"
    # ASCII letters without case, whitespace collapsed and trimmed (tsproof also folds Unicode width).
    lower=${v//$'\t'/ }
    for c in A:a B:b C:c D:d E:e F:f G:g H:h I:i J:j K:k L:l M:m N:n O:o P:p Q:q R:r S:s T:t U:u V:v W:w X:x Y:y Z:z; do lower=${lower//${c%:*}/${c#*:}}; done
    while [[ $lower == *'  '* ]]; do lower=${lower//'  '/ }; done
    lower=${lower# }
    lower=${lower% }
    orgs+=("${lower}")
  done <<< "$text"
  ((${#orgs[@]})) || return 0
  for ((i = 1; i < ${#orgs[@]}; i++)); do
    x=${orgs[i]}; j=$i
    while ((j > 0)) && [[ ${orgs[j - 1]} > $x ]]; do orgs[j]=${orgs[j - 1]}; j=$((j - 1)); done
    orgs[j]=$x
  done
  for x in "${orgs[@]}"; do key+="${key:++}$x"; done
  OP_KEY="O=$key"
  OP_LABEL="O=$label"
}

# 5. Every embedded timestamp covers that signature value; each TSA certificate is judged at
# the token's own genTime, against TSA_CA or the pack's anchors for it.
earliest=''
orig_end=''
tsa_words=''
for ((k = 1; k <= TSAS; k++)); do
  tst=$T/$k.tst
  when=$(gen_time "$tst") || fail "$(m "timestamp $k is not a timestamp token OpenSSL reads" "타임스탬프 $k는 OpenSSL이 읽을 수 있는 타임스탬프 토큰이 아닙니다")"
  t=${when% *}
  ms=${when#* }
  anchors=${TSA_CA:-$PACK/certs/tsa-$k-ca.pem}
  [ -f "$anchors" ] || fail "$(m "no trust anchor for timestamp $k (certs/tsa-$k-ca.pem, or set TSA_CA)" "타임스탬프 $k의 신뢰 기준이 없습니다 (certs/tsa-$k-ca.pem, 또는 TSA_CA 지정)")"
  untrusted=()
  [ ! -f "$PACK/certs/tsa-$k-untrusted.pem" ] || untrusted=(-untrusted "$PACK/certs/tsa-$k-untrusted.pem")
  check=(openssl ts -verify -token_in -in "$tst" -data "$T/signature-value.bin" -partial_chain -attime "$t" ${untrusted[@]+"${untrusted[@]}"})
  err=$("${check[@]}" -CAfile "$anchors" 2>&1 > /dev/null) || fail "$(m "timestamp $k" "타임스탬프 $k"): openssl ts -verify: $(safe "${err##*$'\n'}")"
  anchor=$(relied_on "$anchors" "$T/tsa-$k-anchor-" "${check[@]}") || fail "$(m "timestamp $k: cannot tell which anchor of $(safe "$anchors") it relies on" "타임스탬프 $k: $(safe "$anchors")의 어느 신뢰 기준에 의존하는지 알 수 없습니다")"
  # The TSA to name: the certificate whose key signed the token (cms -verify finds it by the
  # SignerInfo's sid), itself a time-stamping certificate on a path to that anchor at genTime.
  token_signer "$tst" "$PACK/certs/tsa-$k-untrusted.pem" "$anchor" "$t" "tsa-$k" || fail "$(m "timestamp $k: cannot tell which TSA certificate signed it" "타임스탬프 $k: 어느 TSA 인증서가 서명했는지 알 수 없습니다")"
  end=$(cert_end "$T/tsa-$k.pem") || fail "$(m "timestamp $k: cannot read its TSA certificate's validity" "타임스탬프 $k: TSA 인증서의 유효 기간을 읽을 수 없습니다")"
  if [ -z "$orig_end" ] || ((end > orig_end)); then orig_end=$end; fi
  tsa=$FACT
  tsa_fp=$FP
  TSA_FP[k]=$FP
  TSA_T[k]=$t
  operator_of "$T/tsa-$k.pem"
  TSA_OP[k]=$OP_KEY
  TSA_OPL[k]=$OP_LABEL
  from=$(source_of "${TSA_CA:-}" TSA_CA "certs/tsa-$k-ca.pem")
  at=$(both_times "$t" "$ms")
  say "$(m "timestamp $k: the signature existed at $at (openssl ts -verify)" "타임스탬프 $k: 서명이 $at에 존재했습니다 (openssl ts -verify)")"
  describe "$anchor" || fail "$(m "cannot read $(safe "$anchors")" "$(safe "$anchors")을(를) 읽을 수 없습니다")"
  anc=$FACT
  if [ -z "${TSA_OP[k]}" ]; then TSA_OP[k]="root:$FP"; TSA_OPL[k]="root \"$(safe "$SUBJ")\""; fi
  # TSPROOF_TSA_CERT: the TSA certificate, or the anchor it chains to.
  if ((${#PIN_TSA[@]})); then
    if in_list "$tsa_fp" "${PIN_TSA[@]}" || in_list "$FP" "${PIN_TSA[@]}"; then
      say "$(m "pin: timestamp $k is by a pinned TSA (TSPROOF_TSA_CERT)" "고정값: 타임스탬프 $k는 고정된 TSA의 것입니다 (TSPROOF_TSA_CERT)")"
    else
      fail "$(m "pin TSPROOF_TSA_CERT: timestamp $k is by TSA $tsa, trusted through $anc — neither is pinned" "고정값 TSPROOF_TSA_CERT: 타임스탬프 $k의 TSA는 $tsa, 신뢰 기준은 $anc — 둘 다 고정값이 아닙니다")"
    fi
  fi
  say "$(m "timestamp $k: TSA $tsa, trusted through $anc from $from" "타임스탬프 $k: TSA $tsa, 신뢰 기준 $anc, 출처: $from")"
  tsa_words+=$(m " Timestamp $k by TSA $tsa, trusted through $anc from $from." " 타임스탬프 $k: TSA $tsa, 신뢰 기준 $anc, 출처: $from.")
  if [ -z "$earliest" ] || ((t * 1000 + 10#$ms < ${earliest% *} * 1000 + 10#${earliest#* })); then earliest="$t $ms"; fi
done

# 5b. The timestamp policy the holder signed in the manifest ("timestampPolicy":{"require":N}):
# the timestamps signature.p7s carries come from at least N distinct TSA operators. A token
# removed from the pack (the holder's signature does not cover the tokens) makes this fail.
re_policy='"timestampPolicy":[{]"require":([0-9]+)[}]'
rest=${manifest#*\"timestampPolicy\":}
if [ "$rest" != "$manifest" ]; then
  [ "${rest#*\"timestampPolicy\":}" = "$rest" ] && [[ $manifest =~ $re_policy ]] || fail "$(m "manifest.json must state one timestamp policy" "manifest.json에는 타임스탬프 정책이 하나만 있어야 합니다")"
  need=$((10#${BASH_REMATCH[1]}))
  ops=''
  nops=0
  seen=$'\n'
  for ((k = 1; k <= TSAS; k++)); do
    if [[ $seen != *$'\n'"${TSA_OP[k]}"$'\n'* ]]; then
      seen+="${TSA_OP[k]}"$'\n'; nops=$((nops + 1)); ops+="${ops:+; }$(safe "${TSA_OPL[k]}")"
    fi
  done
  ((nops >= need)) || fail "$(m "timestamp policy: the signed manifest requires timestamps from $need distinct TSA operators, but signature.p7s carries $TSAS timestamp(s) from $nops ($ops)" "타임스탬프 정책: 서명된 매니페스트는 서로 다른 TSA 운영자 $need곳의 타임스탬프를 요구하지만, signature.p7s에는 $nops곳($ops)의 타임스탬프 $TSAS개만 있습니다")"
  say "$(m "timestamp policy: $TSAS timestamp(s) from $nops distinct TSA operator(s) ($ops); the signed manifest requires $need" "타임스탬프 정책: 서로 다른 TSA 운영자 $nops곳($ops)의 타임스탬프 $TSAS개; 서명된 매니페스트가 요구하는 수는 $need곳")"
fi

# 6. The holder signed the manifest, with a certificate valid at the proven time.
proven=${earliest% *}
hanchors=${HOLDER_CA:-$PACK/certs/holder-ca.pem}
[ -f "$hanchors" ] || fail "$(m "no trust anchor for the holder (certs/holder-ca.pem, or set HOLDER_CA)" "보유자의 신뢰 기준이 없습니다 (certs/holder-ca.pem, 또는 HOLDER_CA 지정)")"
check=(openssl cms -verify -binary -inform DER -in "$P7S" -content "$PACK/manifest.json" -partial_chain -purpose any -attime "$proven" -out /dev/null)
err=$("${check[@]}" -CAfile "$hanchors" -signer "$T/holder.pem" 2>&1) || fail "$(m "holder signature" "보유자 서명"): openssl cms -verify: $(safe "${err##*$'\n'}")"
anchor=$(relied_on "$hanchors" "$T/holder-anchor-" "${check[@]}") || fail "$(m "holder: cannot tell which anchor of $(safe "$hanchors") the signature relies on" "보유자: 서명이 $(safe "$hanchors")의 어느 신뢰 기준에 의존하는지 알 수 없습니다")"
describe "$T/holder.pem" || fail "$(m "cannot read the holder's certificate" "보유자 인증서를 읽을 수 없습니다")"
holder=$FACT
holder_fp=$FP
holder_subject=$SUBJ
holder_issuer=$ISSUER
describe "$anchor" || fail "$(m "cannot read $(safe "$hanchors")" "$(safe "$hanchors")을(를) 읽을 수 없습니다")"
from=$(source_of "${HOLDER_CA:-}" HOLDER_CA certs/holder-ca.pem)
certified=''
if [ "$FP" = "$holder_fp" ]; then
  vouch=$(m "self-asserted: its own certificate is the anchor, from $from; no CA vouches for the name" "자기 주장: 자신의 인증서가 신뢰 기준이며 출처는 $from; 이름을 보증하는 인증기관 없음")
else
  certified=1
  vouch=$(m "certified by \"$(safe "$holder_issuer")\" through $FACT from $from" "\"$(safe "$holder_issuer")\"이(가) 인증함, 신뢰 기준 $FACT, 출처: $from")
fi
say "$(m "the holder's signature over manifest.json verifies (openssl cms -verify)" "manifest.json에 대한 보유자의 서명이 검증됩니다 (openssl cms -verify)")"
say "$(m "holder $holder, $vouch" "보유자 $holder, $vouch")"
# 7. Pins on the holder.
if ((${#PIN_HOLDER[@]})); then
  in_list "$holder_fp" "${PIN_HOLDER[@]}" || fail "$(m "pin TSPROOF_HOLDER_CERT: the holder certificate is $holder, not a pinned one" "고정값 TSPROOF_HOLDER_CERT: 보유자 인증서는 $holder이며 고정된 인증서가 아닙니다")"
  say "$(m "pin: the holder certificate is a pinned one (TSPROOF_HOLDER_CERT)" "고정값: 보유자 인증서가 고정된 인증서입니다 (TSPROOF_HOLDER_CERT)")"
fi
if [ -n "${TSPROOF_HOLDER_SUBJECT:-}" ]; then
  dn_match "$holder_subject" "$TSPROOF_HOLDER_SUBJECT" || fail "$(m "pin TSPROOF_HOLDER_SUBJECT: the holder is \"$(safe "$holder_subject")\", not \"$(safe "$TSPROOF_HOLDER_SUBJECT")\"" "고정값 TSPROOF_HOLDER_SUBJECT: 보유자는 \"$(safe "$holder_subject")\"이며 \"$(safe "$TSPROOF_HOLDER_SUBJECT")\"가 아닙니다")"
  say "$(m "pin: the holder is \"$(safe "$TSPROOF_HOLDER_SUBJECT")\" (TSPROOF_HOLDER_SUBJECT)" "고정값: 보유자가 \"$(safe "$TSPROOF_HOLDER_SUBJECT")\"입니다 (TSPROOF_HOLDER_SUBJECT)")"
fi
if [ -n "$REQUIRE_CERTIFIED" ]; then
  [ -n "$certified" ] || fail "$(m "pin TSPROOF_REQUIRE_CERTIFIED: the holder $holder is self-asserted: no CA of HOLDER_CA vouches for the name" "고정값 TSPROOF_REQUIRE_CERTIFIED: 보유자 $holder은(는) 자기 주장입니다: HOLDER_CA의 인증기관이 이름을 보증하지 않습니다")"
  say "$(m "pin: a CA of HOLDER_CA vouches for the holder (TSPROOF_REQUIRE_CERTIFIED)" "고정값: HOLDER_CA의 인증기관이 보유자를 보증합니다 (TSPROOF_REQUIRE_CERTIFIED)")"
fi
if [ -n "${TSPROOF_HOLDER_ISSUER:-}" ]; then
  [ -n "$certified" ] && dn_match "$holder_issuer" "$TSPROOF_HOLDER_ISSUER" || fail "$(m "pin TSPROOF_HOLDER_ISSUER: the holder certificate is issued by \"$(safe "$holder_issuer")\"$([ -n "$certified" ] || printf ', and is not certified through HOLDER_CA'), not by \"$(safe "$TSPROOF_HOLDER_ISSUER")\"" "고정값 TSPROOF_HOLDER_ISSUER: 보유자 인증서의 발급자는 \"$(safe "$holder_issuer")\"$([ -n "$certified" ] || printf '이며 HOLDER_CA로 인증되지 않았고'), \"$(safe "$TSPROOF_HOLDER_ISSUER")\"가 아닙니다")"
  say "$(m "pin: the holder certificate is issued by \"$(safe "$holder_issuer")\" (TSPROOF_HOLDER_ISSUER)" "고정값: 보유자 인증서의 발급자가 \"$(safe "$holder_issuer")\"입니다 (TSPROOF_HOLDER_ISSUER)")"
fi

# 8. Revocation data captured at registration (revocation/N.ocsp or N.crl, with N.cert.pem — the
# certificate it is about — and N.issuer.pem, its issuer): OpenSSL checks that the issuer issued
# the certificate and signed the OCSP response (or authorised its responder) or the CRL; the status
# is judged at the time the certificate had to be valid — the proven time for the holder's path,
# each token's genTime for a TSA's. Only data about the holder certificate, a TSA certificate of
# this pack, or the CA that issued one of them is judged: anything else is reported and left alone.
holder_rev=''
# rev_time <openssl text> <label>: seconds of the "<label>: <time>" line.
rev_time() {
  local line re="^[[:space:]]*$2: (.*)$"
  while IFS= read -r line; do
    [[ $line =~ $re ]] && { openssl_time "${BASH_REMATCH[1]}"; return; }
  done <<< "$1"
  return 1
}
for ((n = 1; ; n++)); do
  if [ -e "$PACK/revocation/$n.ocsp" ]; then kind=ocsp; elif [ -e "$PACK/revocation/$n.crl" ]; then kind=crl; else break; fi
  data=$PACK/revocation/$n.$kind
  cert=$PACK/revocation/$n.cert.pem
  issuer=$PACK/revocation/$n.issuer.pem
  describe "$issuer" || fail "$(m "revocation $n: cannot read revocation/$n.issuer.pem" "폐지 정보 $n: revocation/$n.issuer.pem을 읽을 수 없습니다")"
  by=$FACT
  describe "$cert" || fail "$(m "revocation $n: cannot read revocation/$n.cert.pem" "폐지 정보 $n: revocation/$n.cert.pem을 읽을 수 없습니다")"
  about=$FACT
  openssl verify -partial_chain -no_check_time -purpose any -CAfile "$issuer" "$cert" > /dev/null 2>&1 || fail "$(m "revocation $n: revocation/$n.issuer.pem ($by) did not issue $about" "폐지 정보 $n: revocation/$n.issuer.pem($by)이(가) $about을(를) 발급하지 않았습니다")"
  # Which part of the proof it is about, and so at which time it must not have been revoked.
  what=''
  if [ "$FP" = "$holder_fp" ]; then
    what=$(m "the holder certificate $about" "보유자 인증서 $about"); when=$proven; holder_part=1
  else
    holder_part=''
    for ((k = 1; k <= TSAS; k++)); do
      if [ "$FP" = "${TSA_FP[k]}" ]; then what=$(m "the certificate of TSA $k, $about" "TSA $k의 인증서 $about"); when=${TSA_T[k]}; break; fi
    done
    if [ -z "$what" ] && openssl verify -partial_chain -no_check_time -purpose any -CAfile "$cert" "$T/holder.pem" > /dev/null 2>&1; then
      what=$(m "the holder's CA $about" "보유자의 인증기관 $about"); when=$proven; holder_part=1
    fi
    for ((k = 1; k <= TSAS && ${#what} == 0; k++)); do
      if openssl verify -partial_chain -no_check_time -purpose any -CAfile "$cert" "$T/tsa-$k.pem" > /dev/null 2>&1; then what=$(m "the CA of TSA $k, $about" "TSA $k의 인증기관 $about"); when=${TSA_T[k]}; fi
    done
  fi
  if [ -z "$what" ]; then
    printf 'note  %s\n' "$(m "revocation $n is about $about, which verify.sh cannot place on the proof's paths: not judged here" "폐지 정보 $n은(는) $about에 관한 것으로, verify.sh가 증명의 경로에 놓을 수 없어 여기서 판단하지 않습니다")"
    continue
  fi
  at=$(both_times "$when" 0)
  if [ $kind = ocsp ]; then
    # The response must be signed by the issuer, or by a responder it authorised (id-kp-OCSPSigning),
    # and hold a status for exactly this certificate (its CertID: issuer name and key hashes, serial).
    out=$(openssl ocsp -respin "$data" -issuer "$issuer" -cert "$cert" -CAfile "$issuer" -partial_chain -no_nonce -attime "$when" -validity_period 3153600000 2>"$T/ocsp.err")
    rc=$?
    err=$(cat -- "$T/ocsp.err")
    [[ $err == *"Response verify OK"* ]] || fail "$(m "revocation $n: the OCSP response is not signed by $by or a responder it authorised" "폐지 정보 $n: OCSP 응답이 $by 또는 그가 위임한 응답 서버의 서명이 아닙니다"): $(safe "${err##*$'\n'}")"
    line=${out%%$'\n'*}
    status=${line##*: }
    ((rc == 0)) && [ "$status" = good ] || [ "$status" = revoked ] || [ "$status" = unknown ] || fail "$(m "revocation $n: the OCSP response is not about $about" "폐지 정보 $n: OCSP 응답이 $about에 관한 것이 아닙니다") ($(safe "$line"))"
    this=$(rev_time "$out" "This Update") || fail "$(m "revocation $n: the OCSP response has no thisUpdate" "폐지 정보 $n: OCSP 응답에 thisUpdate가 없습니다")"
    revoked_at=''
    [ "$status" != revoked ] || revoked_at=$(rev_time "$out" "Revocation Time") || fail "$(m "revocation $n: no revocation time" "폐지 정보 $n: 폐지 시각이 없습니다")"
    source=$(m "OCSP response of $by of $(both_times "$this" 0) (openssl ocsp -respin)" "$by의 OCSP 응답, $(both_times "$this" 0) 기준 (openssl ocsp -respin)")
  else
    # The CRL must be issued and signed by the issuer; the certificate revoked if its serial is listed.
    err=$(openssl crl -inform DER -in "$data" -CAfile "$issuer" -noout 2>&1) || fail "$(m "revocation $n: the CRL is not signed by $by" "폐지 정보 $n: CRL이 $by의 서명이 아닙니다"): $(safe "${err##*$'\n'}")"
    out=$(openssl crl -inform DER -in "$data" -noout -text 2>/dev/null) || fail "$(m "revocation $n: OpenSSL cannot read the CRL" "폐지 정보 $n: OpenSSL이 CRL을 읽을 수 없습니다")"
    this=$(rev_time "$out" "Last Update") || fail "$(m "revocation $n: the CRL has no thisUpdate" "폐지 정보 $n: CRL에 thisUpdate가 없습니다")"
    serial=$(openssl x509 -in "$cert" -noout -serial 2>/dev/null) || fail "$(m "revocation $n: cannot read revocation/$n.cert.pem" "폐지 정보 $n: revocation/$n.cert.pem을 읽을 수 없습니다")"
    serial=${serial#serial=}
    status=good
    revoked_at=''
    mine=''
    while IFS= read -r line; do
      if [[ $line =~ ^[[:space:]]*Serial\ Number:\ ([0-9A-F]+)$ ]]; then
        if [ "${BASH_REMATCH[1]}" = "$serial" ]; then mine=1; else mine=''; fi
      elif [ -n "$mine" ] && [[ $line =~ ^[[:space:]]*Revocation\ Date:\ (.*)$ ]]; then
        status=revoked; revoked_at=$(openssl_time "${BASH_REMATCH[1]}") || fail "$(m "revocation $n: no revocation time" "폐지 정보 $n: 폐지 시각이 없습니다")"; mine=''
      fi
    done <<< "$out"
    source=$(m "CRL of $by of $(both_times "$this" 0) (openssl crl)" "$by의 CRL, $(both_times "$this" 0) 기준 (openssl crl)")
  fi
  case $status in
    revoked)
      ((revoked_at > when)) || fail "$(m "revocation $n: $what was revoked at $(both_times "$revoked_at" 0), not after $at, when it had to be valid ($source)" "폐지 정보 $n: $what은(는) $(both_times "$revoked_at" 0)에 폐지되어, 유효해야 했던 $at보다 나중이 아닙니다 ($source)")"
      say "$(m "revocation $n: $what was revoked at $(both_times "$revoked_at" 0), after $at: the proof was made before ($source)" "폐지 정보 $n: $what은(는) $at 이후인 $(both_times "$revoked_at" 0)에 폐지되었습니다: 증명은 그 전에 만들어졌습니다 ($source)")"
      [ -z "$holder_part" ] || holder_rev=1 ;;
    good)
      # Data older than the time it must speak for (2 minutes' tolerance) says nothing about it.
      if ((this + 120 < when)); then
        printf 'note  %s\n' "$(m "revocation $n: $source dates from before $at: stale, so revocation is not checked by it" "폐지 정보 $n: $source은(는) $at보다 앞선 것이라 오래된 정보이므로 폐지 여부를 확인하지 못합니다")"
      else
        say "$(m "revocation $n: $what was not revoked at $at ($source)" "폐지 정보 $n: $what은(는) $at에 폐지되지 않았습니다 ($source)")"
        [ -z "$holder_part" ] || holder_rev=1
      fi ;;
    *) printf 'note  %s\n' "$(m "revocation $n: the responder does not know $about: revocation not checked by it" "폐지 정보 $n: 응답 서버가 $about을(를) 모릅니다: 폐지 여부를 확인하지 못합니다")" ;;
  esac
done

# 9. Renewals (RFC 4998 archive timestamps, renewals/N.ats): each proves that what the proof rested
# on before it — signature.p7s with its timestamps for the first, the previous renewal's token for
# each later one — existed unchanged at the renewal's time, so the proof keeps standing after the
# older TSA certificates expire or their algorithms weaken. The hash of what it covers must be in
# the first list of its reduced hash tree, which folds (sorted pairs, as RFC 4998 §4.3 and Bouncy
# Castle do) to the root its token carries; OpenSSL checks the token over that root at its genTime.
dgst_hex() { local d; d=$(openssl dgst -"$1" -r) || return 1; d=${d%% *}; [[ $d =~ ^[0-9a-f]+$ ]] || return 1; printf '%s' "$d"; }
# node_hash <alg> <hex…>: one value stands for itself; several for H of them in ascending order.
node_hash() {
  local alg=$1 i j x
  shift
  local -a v=("$@")
  if ((${#v[@]} == 1)); then printf '%s' "${v[0]}"; return 0; fi
  for ((i = 1; i < ${#v[@]}; i++)); do
    x=${v[i]}; j=$i
    while ((j > 0)) && [[ ${v[j - 1]} > $x ]]; do v[j]=${v[j - 1]}; j=$((j - 1)); done
    v[j]=$x
  done
  for x in "${v[@]}"; do hex2bin "$x"; done | dgst_hex "$alg"
}
# der_seq <length>: the DER header (hex) of a SEQUENCE of that many content bytes.
der_seq() { local n=$1; if ((n < 128)); then printf '30%02x' "$n"; elif ((n < 256)); then printf '3081%02x' "$n"; elif ((n < 65536)); then printf '3082%04x' "$n"; elif ((n < 16777216)); then printf '3083%06x' "$n"; else printf '3084%08x' "$n"; fi; }
# chains_hash <alg> <last>: ha, the hash of the ArchiveTimeStampSequence of renewals 1..last (RFC
# 4998 §5.3): a SEQUENCE of chains, each a SEQUENCE of its archive timestamps as stored; a chain
# begins at renewal 1 and at each hash-tree renewal (CHAIN_STARTS).
chains_hash() {
  local alg=$1 last=$2 c k from to len hdr total=0
  local -a lens=()
  for ((c = 0; c < ${#CHAIN_STARTS[@]}; c++)); do
    from=${CHAIN_STARTS[c]}
    to=$last
    ((c + 1 < ${#CHAIN_STARTS[@]})) && to=$((${CHAIN_STARTS[c + 1]} - 1))
    len=0
    for ((k = from; k <= to; k++)); do len=$((len + $(size_of "$PACK/renewals/$k.ats"))); done
    lens+=("$len")
    hdr=$(der_seq "$len")
    total=$((total + len + ${#hdr} / 2))
  done
  {
    hex2bin "$(der_seq "$total")"
    for ((c = 0; c < ${#CHAIN_STARTS[@]}; c++)); do
      from=${CHAIN_STARTS[c]}
      to=$last
      ((c + 1 < ${#CHAIN_STARTS[@]})) && to=$((${CHAIN_STARTS[c + 1]} - 1))
      hex2bin "$(der_seq "${lens[c]}")"
      for ((k = from; k <= to; k++)); do cat "$PACK/renewals/$k.ats"; done
    done
  } | dgst_hex "$alg"
}
CHAIN_STARTS=()
renewal_words=''
covered=$P7S
covered_what=$(m "signature.p7s (with its timestamps)" "signature.p7s(타임스탬프 포함)")
prev_ms=$((${earliest% *} * 1000 + 10#${earliest#* }))
prev_end=$orig_end
prev_what=$(m "the original timestamps" "최초 타임스탬프")
RALG=''
for ((r = 1; ; r++)); do
  ats=$PACK/renewals/$r.ats
  [ -e "$ats" ] || break
  bad_ats() { fail "$(m "renewal $r: renewals/$r.ats is not an RFC 4998 ArchiveTimeStamp ($1)" "갱신 $r: renewals/$r.ats는 RFC 4998 ArchiveTimeStamp가 아닙니다 ($1)")"; }
  N=$(size_of "$ats") && ((N > 0 && N <= 1048576)) || bad_ats size
  bytes_of "$ats"
  tlv 0 "$N" && ((TAG == 0x30 && END == N)) && kids "$VAL" "$END" || bad_ats SEQUENCE
  af=(${KIDS[@]+"${KIDS[@]}"})
  i=0
  alg=''
  # digestAlgorithm [0] IMPLICIT AlgorithmIdentifier: SHA-256, SHA-384 or SHA-512.
  if ((i < ${#af[@]})) && tlv "${af[i]}" "$N" && ((TAG == 0xa0)); then
    tlv "$VAL" "$END" && ((TAG == 0x06)) || bad_ats digestAlgorithm
    case $(hex_of "$VAL" "$END") in 608648016503040201) alg=sha256 ;; 608648016503040202) alg=sha384 ;; 608648016503040203) alg=sha512 ;; *) bad_ats digestAlgorithm ;; esac
    i=$((i + 1))
  fi
  if ((i < ${#af[@]})) && tlv "${af[i]}" "$N" && ((TAG == 0xa1)); then i=$((i + 1)); fi
  tree=()
  if ((i < ${#af[@]})) && tlv "${af[i]}" "$N" && ((TAG == 0xa2)); then
    kids "$VAL" "$END" && ((${#KIDS[@]} > 0)) || bad_ats reducedHashtree
    parts=(${KIDS[@]})
    for p in "${parts[@]}"; do
      tlv "$p" "$N" && ((TAG == 0x30)) && kids "$VAL" "$END" && ((${#KIDS[@]} > 0)) || bad_ats reducedHashtree
      list=''
      for o in "${KIDS[@]}"; do
        tlv "$o" "$N" && ((TAG == 0x04 && END > VAL)) || bad_ats reducedHashtree
        list+=" $(hex_of "$VAL" "$END")"
      done
      tree+=("${list# }")
    done
    i=$((i + 1))
  fi
  ((i == ${#af[@]} - 1)) && tlv "${af[i]}" "$N" && ((TAG == 0x30 && END == N)) || bad_ats timeStamp
  write_bytes "${af[i]}" "$N" "$T/renewal-$r.tst"
  tst=$T/renewal-$r.tst
  text=$(openssl ts -reply -token_in -in "$tst" -text 2>/dev/null) || fail "$(m "renewal $r: its token is not a timestamp token OpenSSL reads" "갱신 $r: 토큰이 OpenSSL이 읽을 수 있는 타임스탬프 토큰이 아닙니다")"
  if [ -z "$alg" ]; then
    re='Hash Algorithm: (sha256|sha384|sha512)'
    [[ $text =~ $re ]] || bad_ats "digest algorithm"
    alg=${BASH_REMATCH[1]}
  fi
  # renewals/N.files marks a renewal over the files. After the first, it is a hash-tree renewal
  # (RFC 4998 §5.3): it begins a new chain, in any algorithm, and covers the signature joined with
  # ha, the hash of the chains before it: H(H(signature.p7s) ‖ ha).
  hashtree=''
  if ((r > 1)) && [ -e "$PACK/renewals/$r.files" ]; then
    hashtree=1
    ha=$(chains_hash "$alg" $((r - 1))) && sigh=$(dgst_hex "$alg" < "$P7S") && leafh=$({ hex2bin "$sigh"; hex2bin "$ha"; } | dgst_hex "$alg") || fail "$(m "renewal $r: cannot hash what it covers" "갱신 $r: 덮는 대상의 해시를 구할 수 없습니다")"
    covered_what=$(m "signature.p7s and renewals 1–$((r - 1)) (hash-tree renewal, RFC 4998 §5.3)" "signature.p7s와 갱신 1–$((r - 1))(해시 트리 갱신, RFC 4998 §5.3)")
  else
    # One algorithm along a chain (changing it takes a hash-tree renewal).
    [ -z "$RALG" ] || [ "$alg" = "$RALG" ] || fail "$(m "renewal $r: digest algorithm $alg differs from the chain's $RALG" "갱신 $r: 다이제스트 알고리즘 $alg이(가) 체인의 $RALG와 다릅니다")"
    leafh=$(dgst_hex "$alg" < "$covered") || fail "$(m "renewal $r: cannot hash what it covers" "갱신 $r: 덮는 대상의 해시를 구할 수 없습니다")"
  fi
  RALG=$alg
  root=$leafh
  if ((${#tree[@]})); then
    [[ " ${tree[0]} " == *" $leafh "* ]] || fail "$(m "renewal $r does not cover $covered_what: its hash tree does not hold $alg $leafh" "갱신 $r이(가) $covered_what을(를) 덮지 않습니다: 해시 트리에 $alg $leafh이(가) 없습니다")"
    root=$(node_hash "$alg" ${tree[0]})
    for ((j = 1; j < ${#tree[@]}; j++)); do
      x=$(node_hash "$alg" ${tree[j]})
      if [[ $x < $root ]]; then root=$({ hex2bin "$x"; hex2bin "$root"; } | dgst_hex "$alg"); else root=$({ hex2bin "$root"; hex2bin "$x"; } | dgst_hex "$alg"); fi
    done
  fi
  when=$(gen_time "$tst") || fail "$(m "renewal $r: its token is not a timestamp token OpenSSL reads" "갱신 $r: 토큰이 OpenSSL이 읽을 수 있는 타임스탬프 토큰이 아닙니다")"
  t=${when% *}
  ms=${when#* }
  anchors=${TSA_CA:-$PACK/certs/renewal-$r-ca.pem}
  [ -f "$anchors" ] || fail "$(m "no trust anchor for renewal $r (certs/renewal-$r-ca.pem, or set TSA_CA)" "갱신 $r의 신뢰 기준이 없습니다 (certs/renewal-$r-ca.pem, 또는 TSA_CA 지정)")"
  untrusted=()
  [ ! -f "$PACK/certs/renewal-$r-untrusted.pem" ] || untrusted=(-untrusted "$PACK/certs/renewal-$r-untrusted.pem")
  check=(openssl ts -verify -token_in -in "$tst" -digest "$root" -partial_chain -attime "$t" ${untrusted[@]+"${untrusted[@]}"})
  err=$("${check[@]}" -CAfile "$anchors" 2>&1 > /dev/null) || fail "$(m "renewal $r" "갱신 $r"): openssl ts -verify -digest $root: $(safe "${err##*$'\n'}")"
  anchor=$(relied_on "$anchors" "$T/renewal-$r-anchor-" "${check[@]}") || fail "$(m "renewal $r: cannot tell which anchor of $(safe "$anchors") it relies on" "갱신 $r: $(safe "$anchors")의 어느 신뢰 기준에 의존하는지 알 수 없습니다")"
  token_signer "$tst" "$PACK/certs/renewal-$r-untrusted.pem" "$anchor" "$t" "renewal-$r" || fail "$(m "renewal $r: cannot tell which TSA certificate signed it" "갱신 $r: 어느 TSA 인증서가 서명했는지 알 수 없습니다")"
  tsa=$FACT
  tsa_fp=$FP
  end=$(cert_end "$T/renewal-$r.pem") || fail "$(m "renewal $r: cannot read its TSA certificate's validity" "갱신 $r: TSA 인증서의 유효 기간을 읽을 수 없습니다")"
  describe "$anchor" || fail "$(m "cannot read $(safe "$anchors")" "$(safe "$anchors")을(를) 읽을 수 없습니다")"
  anc=$FACT
  if ((${#PIN_TSA[@]})); then
    in_list "$tsa_fp" "${PIN_TSA[@]}" || in_list "$FP" "${PIN_TSA[@]}" || fail "$(m "pin TSPROOF_TSA_CERT: renewal $r is by TSA $tsa, trusted through $anc — neither is pinned" "고정값 TSPROOF_TSA_CERT: 갱신 $r의 TSA는 $tsa, 신뢰 기준은 $anc — 둘 다 고정값이 아닙니다")"
  fi
  ((t * 1000 + 10#$ms > prev_ms)) || fail "$(m "renewal $r was made at $(both_times "$t" "$ms"), not after $prev_what" "갱신 $r은(는) $(both_times "$t" "$ms")에 만들어져 $prev_what보다 나중이 아닙니다")"
  from=$(source_of "${TSA_CA:-}" TSA_CA "certs/renewal-$r-ca.pem")
  at=$(both_times "$t" "$ms")
  if [ -n "$hashtree" ]; then
    say "$(m "renewal $r: $covered_what existed unchanged at $at: the $alg hash H(H(signature.p7s) ‖ ha), ha the hash of the chains of renewals before it, is in the archive timestamp's hash tree, whose root $root the token carries (openssl ts -verify -digest); a new $alg chain begins here" "갱신 $r: $covered_what이(가) $at에 바뀌지 않은 채 존재했습니다: $alg 해시 H(H(signature.p7s) ‖ ha)(ha는 그 앞 갱신 체인들의 해시)가 보관 타임스탬프의 해시 트리에 있고, 토큰이 그 루트 $root을(를) 담고 있습니다 (openssl ts -verify -digest); 여기서 새 $alg 체인이 시작됩니다")"
  else
    say "$(m "renewal $r: $covered_what existed unchanged at $at: its $alg hash is in the archive timestamp's hash tree, whose root $root the token carries (openssl ts -verify -digest)" "갱신 $r: $covered_what이(가) $at에 바뀌지 않은 채 존재했습니다: 그 $alg 해시가 보관 타임스탬프의 해시 트리에 있고, 토큰이 그 루트 $root을(를) 담고 있습니다 (openssl ts -verify -digest)")"
  fi
  if [ -e "$PACK/renewals/$r.files" ]; then
    say "$(m "renewal $r is over the files too: it proves the signature, hence each file by its registered digests; the files' renewed $alg digests are not judged by verify.sh (tsproof verify, or tsproof export --format ers --file, checks them)" "갱신 $r은(는) 파일들도 덮습니다: 서명을, 따라서 등록된 다이제스트로 각 파일을 증명합니다; 파일들의 갱신된 $alg 다이제스트는 verify.sh가 판단하지 않습니다 (tsproof verify 또는 tsproof export --format ers --file이 확인합니다)")"
  fi
  say "$(m "renewal $r: TSA $tsa, trusted through $anc from $from" "갱신 $r: TSA $tsa, 신뢰 기준 $anc, 출처: $from")"
  # Made while the certificate of what it renews was still valid? Else the chain has a gap there.
  if [ -n "$prev_end" ] && ((t > prev_end)); then
    printf 'note  %s\n' "$(m "renewal $r was made at $at, after the certificate of $prev_what expired on $(both_times "$prev_end" 0): the chain has a gap there, and the proof stands from $at only on this renewal's own word" "갱신 $r은(는) $prev_what의 인증서가 $(both_times "$prev_end" 0)에 만료된 뒤인 $at에 만들어졌습니다: 체인에 공백이 있으며, 증명은 그 시각부터 이 갱신에만 기댑니다")"
  elif [ -n "$prev_end" ]; then
    say "$(m "renewal $r was made while the certificate of $prev_what was still valid (until $(both_times "$prev_end" 0))" "갱신 $r은(는) $prev_what의 인증서가 아직 유효할 때($(both_times "$prev_end" 0)까지) 만들어졌습니다")"
  fi
  renewal_words+=$(m " Renewal $r at $at by TSA $tsa, trusted through $anc from $from." " 갱신 $r: $at, TSA $tsa, 신뢰 기준 $anc, 출처: $from.")
  if ((r == 1)) || [ -n "$hashtree" ]; then CHAIN_STARTS+=("$r"); fi
  covered=$tst
  covered_what=$(m "the token of renewal $r" "갱신 $r의 토큰")
  prev_ms=$((t * 1000 + 10#$ms))
  prev_end=$end
  prev_what=$(m "renewal $r" "갱신 $r")
done
if ((r > 1)); then
  say "$(m "the proof rests on $prev_what, whose TSA certificate is valid until $(both_times "$prev_end" 0)" "증명은 $prev_what에 기대며, 그 TSA 인증서는 $(both_times "$prev_end" 0)까지 유효합니다")"
fi

if [ -z "${HOLDER_CA:-}" ] || [ -z "${TSA_CA:-}" ]; then
  printf 'note  %s\n' "$(m "anchors from the pack are the pack writer's choice: compare their fingerprints with ones you obtained yourself, or set HOLDER_CA and TSA_CA" "묶음의 신뢰 기준은 묶음 작성자가 고른 것입니다: 지문을 직접 확보한 값과 비교하거나 HOLDER_CA와 TSA_CA를 지정하십시오")"
fi

if [ -n "$holder_rev" ]; then
  vouch+=$(m "; revocation checked (revocation data in the pack)" "; 폐지 여부 확인함 (묶음의 폐지 정보)")
elif [ -n "$certified" ]; then
  vouch+=$(m "; revocation not checked" "; 폐지 여부 확인 안 함")
fi
at=$(both_times ${earliest% *} ${earliest#* })
m "VERIFIED: $shown was registered as \"$shown_name\" and existed no later than $at. Holder $holder, $vouch.$tsa_words$renewal_words" \
  "검증됨: $shown은(는) \"$shown_name\"(으)로 등록되었으며 늦어도 $at에 존재했습니다. 보유자 $holder, $vouch.$tsa_words$renewal_words"
echo
