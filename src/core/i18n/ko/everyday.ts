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

  // passphrase first, key agent
  'wrong passphrase; try again ({0} of {1})': '암호가 틀렸습니다. 다시 입력하십시오 ({0}/{1})',
  '--timeout {0}: expected a duration from 1s to 24h, e.g. 30m, 2h or 90s': '--timeout {0}: 1s부터 24h까지의 시간이어야 합니다 (예: 30m, 2h, 90s)',
  'a key agent is already running (tsproof agent status; tsproof agent stop)': '키 에이전트가 이미 실행 중입니다 (tsproof agent status, tsproof agent stop)',
  'the key agent did not start': '키 에이전트가 시작되지 않았습니다',
  'Key agent started for "{0}" until {1} (pid {2}); register signs through it without asking for the passphrase.': '"{0}"의 키 에이전트를 {1}까지 시작했습니다 (pid {2}). register는 암호를 묻지 않고 에이전트로 서명합니다.',
  'Stop it with: tsproof agent stop': '멈추려면: tsproof agent stop',
  'No key agent is running.': '실행 중인 키 에이전트가 없습니다.',
  'Key agent (pid {0}) holds {1} until {2}.': '키 에이전트(pid {0})가 {2}까지 {1}을(를) 보관합니다.',
  'Key agent stopped; it forgot the key.': '키 에이전트를 멈췄습니다. 키는 메모리에서 지워졌습니다.',
  "{0} exists and is not a key agent's socket; remove it": '{0}이(가) 있지만 키 에이전트의 소켓이 아닙니다. 지우십시오',
  'a key agent: keeps an unlocked identity in memory for a while, so that register neither prompts nor derives the key (docs/home.md#agent)':
    '키 에이전트: 잠금 해제한 신원을 잠시 메모리에 두어 register가 암호를 묻거나 키를 유도하지 않게 합니다 (docs/home.md#agent)',
  'unlock an identity and keep it in a background agent (Unix socket in $TSPROOF_HOME, owner only)': '신원의 잠금을 풀어 백그라운드 에이전트에 둡니다 ($TSPROOF_HOME의 유닉스 소켓, 소유자만 접근)',
  'identity to keep (default: the default identity)': '보관할 신원 (기본값: 기본 신원)',
  'how long the agent keeps the key, e.g. 30m, 2h, 90s (at most 24h)': '에이전트가 키를 보관할 시간 (예: 30m, 2h, 90s, 최대 24h)',
  'whether an agent runs, which identity it holds and until when': '에이전트 실행 여부, 보관 중인 신원과 만료 시각',
  'stop the agent; it forgets the key': '에이전트를 멈추고 키를 지웁니다',
  'the key agent did not sign (it may have expired meanwhile): run the command again': '키 에이전트가 서명하지 않았습니다 (그 사이 만료되었을 수 있음): 명령을 다시 실행하십시오',

  // progress, Ctrl-C
  '{0}/{1} files': '파일 {0}/{1}',
  'hashing {0} · {1} · {2}/s': '해시 계산 {0} · {1} · {2}/s',
  'hashing {0} {1} % · {2} of {3} · {4} · {5}/s · ETA {6}': '해시 계산 {0} {1}% · {3} 중 {2} · {4} · {5}/s · 남은 시간 {6}',
  'timestamping at {0}…': '{0}에서 타임스탬프 받는 중…',
  'interrupted — nothing was registered': '중단됨 — 아무것도 등록하지 않았습니다',

  // identities, config.json
  'Found the NPKI certificate of {0} in {1}.': '{1}에서 {0}의 NPKI 인증서를 찾았습니다.',
  '--npki {0}: no {1} in this folder or below it': '--npki {0}: 이 폴더와 그 아래에 {1}이(가) 없습니다',
  '--npki {0}: {1} certificates below it: {2}; give the folder of the one to import': '--npki {0}: 아래에 인증서가 {1}개 있습니다: {2}. 가져올 인증서의 폴더를 주십시오',
  'This certificate is also identity "{0}".': '이 인증서는 신원 "{0}"이기도 합니다.',
  'The default identity is "{0}".': '기본 신원은 "{0}"입니다.',
  'No default identity is set (tsproof identity default <name>).': '기본 신원이 정해지지 않았습니다 (tsproof identity default <이름>).',
  '"{0}" ({1}) is now the default identity.': '이제 "{0}"({1})이(가) 기본 신원입니다.',
  'an NPKI certificate folder (signCert.der + signPri.key), or a folder above it holding exactly one': 'NPKI 인증서 폴더(signCert.der + signPri.key), 또는 인증서가 꼭 하나 있는 그 상위 폴더',
  'show the default identity, or make <name> the default (config.json defaultIdentity)': '기본 신원을 보여 주거나 <이름>을 기본 신원으로 정합니다 (config.json defaultIdentity)',
  '{0}: unknown key (known: {1})': '{0}: 알 수 없는 키 (알려진 키: {1})',
};
