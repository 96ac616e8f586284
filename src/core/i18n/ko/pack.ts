/** Korean messages of one capability (see ../ko.ts). */
export const KO_PACK: Readonly<Record<string, string>> = {
  "cannot write {0}: {1}": "{0}을(를) 쓸 수 없습니다: {1}",
};
