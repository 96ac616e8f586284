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

  // default excludes, --gitignore, --dry-run
  'keep version-control folders (.git, .hg, .svn), left out by default': '버전 관리 폴더(.git, .hg, .svn)도 포함합니다 (기본값은 제외)',
  "also leave out what the tree's .gitignore files ignore": '트리의 .gitignore 파일이 무시하는 것도 제외합니다',
  'list what would be registered, and what is left out and why; register nothing': '등록될 파일과 제외되는 것 및 그 이유를 보여 주고, 아무것도 등록하지 않습니다',
  'left out version control: {0} (--include-vcs keeps it)': '버전 관리 폴더를 제외했습니다: {0} (--include-vcs로 포함)',
  'left out {0} version-control folders: {1} (--include-vcs keeps them)': '버전 관리 폴더 {0}개를 제외했습니다: {1} (--include-vcs로 포함)',
  "tsproof's ignore file": 'tsproof 제외 규칙 파일',
  'a receipt': '영수증',
  'version control (--include-vcs keeps it)': '버전 관리 (--include-vcs로 포함)',
  'an ignore rule': '제외 규칙',
  '- {0}  left out: {1}': '- {0}  제외: {1}',
  '- {0}  skipped: {1}': '- {0}  건너뜀: {1}',
  'Would register {0} file(s), {1}; nothing was registered (--dry-run).': '파일 {0}개({1})를 등록할 것입니다. 아무것도 등록하지 않았습니다 (--dry-run).',
};
