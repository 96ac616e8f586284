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
};
