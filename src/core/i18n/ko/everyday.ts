/** Korean messages of one capability (see ../ko.ts). */
export const KO_EVERYDAY: Readonly<Record<string, string>> = {
  // names (docs/files.md#names), -C
  'take the paths from this folder and name files relative to it (default: docs/files.md#names)': '경로를 이 폴더에서 찾고 파일 이름을 이 폴더 기준으로 기록합니다 (기본값: docs/files.md#names)',
  '-C {0}: not a folder': '-C {0}: 폴더가 아닙니다',
  '{0} is outside the base folder {1} (-C), so it has no name relative to it': '{0}은(는) 기준 폴더 {1}(-C) 밖에 있어 그 기준의 이름이 없습니다',
  'two files would be recorded as "{0}": {1} and {2}; give them from a common parent folder, or name the base with -C <folder>':
    '두 파일이 같은 이름 "{0}"(으)로 기록됩니다: {1}, {2}. 공통 상위 폴더에서 주거나 -C <폴더>로 기준을 지정하십시오',

  // receipts: --out, placement, the hint
  'where the receipt goes: a name ending in .json is the file, anything else a folder (default: the current folder)': '영수증을 둘 곳: .json으로 끝나는 이름은 그 파일, 그 밖에는 폴더 (기본값: 현재 폴더)',
  '--out {0}: a folder, but a name ending in .json names the receipt file; give another name': '--out {0}: 폴더입니다. .json으로 끝나는 이름은 영수증 파일을 가리키니 다른 이름을 주십시오',
  '--out {0} already exists (receipts are never overwritten)': '--out {0}이(가) 이미 있습니다 (영수증은 덮어쓰지 않습니다)',
  '--out {0} is not a folder (a receipt file name ends in .json)': '--out {0}은(는) 폴더가 아닙니다 (영수증 파일 이름은 .json으로 끝납니다)',
  'Verify later, offline, with: {0}': '나중에 오프라인으로 검증: {0}',
};
