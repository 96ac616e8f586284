/** Korean messages of one capability (see ../ko.ts). */
export const KO_PACK: Readonly<Record<string, string>> = {
  'cannot write {0}: {1}': '{0}을(를) 쓸 수 없습니다: {1}',
  'verify.sh (bash + OpenSSL + POSIX tools) accepts bracket.step': 'verify.sh (bash + OpenSSL + POSIX 도구)가 bracket.step을 인정함',
};
