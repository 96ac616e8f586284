/** Korean messages of one capability (see ../ko.ts). */
export const KO_HARDENING: Readonly<Record<string, string>> = {
  // Files that change while they are read
  '{0} changed while it was read (written or replaced meanwhile), so no digest of it was taken; try again once it is no longer being written':
    '{0}이(가) 읽는 도중에 바뀌었습니다(그사이 쓰였거나 교체됨). 따라서 지문을 만들지 않았습니다. 더 이상 쓰이지 않을 때 다시 시도하십시오',
};
