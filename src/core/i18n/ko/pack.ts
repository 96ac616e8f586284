/** Korean messages of one capability (see ../ko.ts). */
export const KO_PACK: Readonly<Record<string, string>> = {
  "{0}: renewal {1} is a hash-tree renewal (RFC 4998 §5.3), which an evidence pack's verify.sh cannot follow yet; export each file's evidence record instead (checked by Bouncy Castle): tsproof export {2} --format ers --file <name>":
    '{0}: 갱신 {1}은(는) 해시 트리 갱신(RFC 4998 §5.3)이며, 증거 묶음의 verify.sh는 아직 이를 따라가지 못합니다; 대신 파일마다 증거 기록을 내보내십시오 (Bouncy Castle로 검증): tsproof export {2} --format ers --file <이름>',
  'cannot write {0}: {1}': '{0}을(를) 쓸 수 없습니다: {1}',
  'verify.sh (bash + OpenSSL + POSIX tools) accepts bracket.step': 'verify.sh (bash + OpenSSL + POSIX 도구)가 bracket.step을 인정함',
};
