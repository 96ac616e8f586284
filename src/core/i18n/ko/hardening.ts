/** Korean messages of one capability (see ../ko.ts). */
export const KO_HARDENING: Readonly<Record<string, string>> = {
  // Files that change while they are read
  '{0} changed while it was read (written or replaced meanwhile), so no digest of it was taken; try again once it is no longer being written':
    '{0}이(가) 읽는 도중에 바뀌었습니다(그사이 쓰였거나 교체됨). 따라서 지문을 만들지 않았습니다. 더 이상 쓰이지 않을 때 다시 시도하십시오',
  // .tsproofignore and --exclude
  '--exclude {0}: {1}': '--exclude 패턴 {0}: {1}',
  '{0}:{1}: {2} in the pattern {3}': '{0}:{1}: 패턴 {3}에 {2}',
  'unclosed "[" (write \\[ for a literal bracket)': '닫히지 않은 "[" (대괄호 문자 자체는 \\[ 로 쓰십시오)',
  'unclosed "[:" class': '닫히지 않은 "[:" 문자 클래스',
  'unknown character class "[:{0}:]"': '알 수 없는 문자 클래스 "[:{0}:]"',
  'reversed range "{0}-{1}"': '거꾸로 된 범위 "{0}-{1}"',
  'trailing "\\" escapes nothing': '끝의 "\\" 뒤에 이스케이프할 문자가 없음',
  // Home permissions
  '{0} is writable by other users (mode {1}): anyone could plant a trust anchor or swap a key there, so tsproof loads none from it; fix it with: chmod go-w {2}':
    '{0}은(는) 다른 사용자도 쓸 수 있습니다(모드 {1}). 누구나 신뢰 앵커를 심거나 키를 바꿔치기할 수 있으므로 tsproof는 이곳에서 아무것도 불러오지 않습니다. 고치는 방법: chmod go-w {2}',
  '{0} belongs to another user (uid {1}, you are {2}): they could plant a trust anchor or swap a key there, so tsproof loads none from it; fix it with: chown {3} {4} (or use a TSPROOF_HOME of your own)':
    '{0}은(는) 다른 사용자(uid {1}, 현재 사용자는 {2})의 소유입니다. 그 사용자가 신뢰 앵커를 심거나 키를 바꿔치기할 수 있으므로 tsproof는 이곳에서 아무것도 불러오지 않습니다. 고치는 방법: chown {3} {4} (또는 본인 소유의 TSPROOF_HOME 사용)',
  // Ambiguous evidence
  'manifest names the key "{0}" twice in one object: it has more than one reading': '매니페스트의 한 객체에 키 "{0}"이(가) 두 번 있습니다: 두 가지로 읽힐 수 있습니다',
  'manifest bytes are not the canonical serialisation of its content (sorted keys, no whitespace; docs/receipt-format.md)': '매니페스트 바이트가 그 내용의 정규 직렬화가 아닙니다(키 정렬, 공백 없음; docs/receipt-format.md)',
  '{0}: not a receipt: an object names the key "{1}" twice, so the receipt has more than one reading': '{0}: 영수증이 아닙니다: 한 객체에 키 "{1}"이(가) 두 번 있어 영수증이 두 가지로 읽힐 수 있습니다',
  // verify --dir with names that cannot be paths here
  'registered "{0}" ({1} bytes) is missing: its name is too long for a path on this system': '등록된 "{0}"({1}바이트)이(가) 없습니다: 이름이 이 시스템의 경로로는 너무 깁니다',
};
