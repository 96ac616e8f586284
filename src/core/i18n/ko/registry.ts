/** Korean messages of one capability (see ../ko.ts). */
export const KO_REGISTRY: Readonly<Record<string, string>> = {
  "  registry the earliest of {0} registrations of this content (registry find shows all)": "  등록부   이 내용의 등록 {0}건 중 가장 이른 것 (모두 보려면 registry find)",
  "  registry {0} registrations cover this content; the earliest's receipt is missing, this is the earliest at hand (registry find shows all)": "  등록부   이 내용의 등록이 {0}건 있습니다. 가장 이른 등록의 영수증이 없어, 찾을 수 있는 것 중 가장 이른 것을 썼습니다 (모두 보려면 registry find)",
  "  moved    the receipt was recorded at {0}; the registry now points here": "  이동     영수증이 {0}에 기록되어 있었습니다. 이제 등록부가 이 위치를 가리킵니다",
  "event {0} follows event {1}: {2} event(s) deleted": "이벤트 {0}이(가) 이벤트 {1} 다음에 옵니다: 이벤트 {2}개가 삭제됨",
  "event {0} is out of order (after event {1})": "이벤트 {0}의 순서가 맞지 않습니다 (이벤트 {1} 다음)",
  "event {0} ({1}) does not follow the event before it: an event was deleted, inserted or reordered": "이벤트 {0} ({1})이(가) 앞 이벤트에 이어지지 않습니다: 이벤트가 삭제, 삽입되었거나 순서가 바뀜",
  "event {0} ({1}) was edited: its content no longer matches its hash": "이벤트 {0} ({1})이(가) 수정되었습니다: 내용이 해시와 더 이상 맞지 않음",
  "{0} is not a tsproof registry; move it away, then recreate the registry with \"tsproof registry rebuild --from <folders>\"": "{0}은(는) tsproof 등록부가 아닙니다. 다른 곳으로 옮긴 뒤 \"tsproof registry rebuild --from <폴더>\"로 등록부를 다시 만드세요",
  "{0} was written by a newer tsproof (registry schema {1}; this one knows {2}): it needs a newer tsproof": "{0}은(는) 더 새로운 tsproof가 기록했습니다 (등록부 스키마 {1}, 이 버전은 {2}까지 앎): 더 새로운 tsproof가 필요합니다",
  "no registration {0} in the registry": "등록부에 등록 {0}이(가) 없습니다",
  "{0} is damaged ({1}); nothing was changed: move it away, then recreate the registry from the receipts with \"tsproof registry rebuild --from <folders>\"": "{0}이(가) 손상되었습니다 ({1}). 아무것도 바꾸지 않았습니다: 다른 곳으로 옮긴 뒤 \"tsproof registry rebuild --from <폴더>\"로 영수증에서 등록부를 다시 만드세요",
  "{0} stayed locked by another tsproof beyond the busy timeout; try again": "{0}이(가) 대기 시간을 넘도록 다른 tsproof에 잠겨 있었습니다. 다시 시도하세요",
  "registered in {0} (proven {1}; {2} registration(s) cover this content), but its receipt is gone from where it was recorded and was not found in this folder or its parents: point at it with --receipt <file>": "{0}에 등록되어 있으나 (증명 시각 {1}, 이 내용의 등록 {2}건), 영수증이 기록된 위치에 없고 이 폴더와 상위 폴더에서도 찾지 못했습니다: --receipt <파일>로 지정하세요",
  "no receipt given, none beside the file, and no registration of its content in the local registry": "영수증이 주어지지 않았고, 파일 옆에도 없으며, 로컬 등록부에도 이 내용의 등록이 없습니다",
};
