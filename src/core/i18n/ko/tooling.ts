/** Korean messages of one capability (see ../ko.ts): shell completion and the man page. */
export const KO_TOOLING: Readonly<Record<string, string>> = {
  'completion {0}: expected bash, zsh or fish': 'completion {0}: bash, zsh, fish 중 하나여야 합니다',
  'print a completion script for bash, zsh or fish, made from these command definitions': '이 명령 정의로 만든 bash, zsh, fish 자동 완성 스크립트를 출력합니다',
  '\nInstall (docs/cli.md):\n  bash  tsproof completion bash > ~/.local/share/bash-completion/completions/tsproof\n  zsh   tsproof completion zsh > ~/.zfunc/_tsproof   (with fpath=(~/.zfunc $fpath) before compinit in ~/.zshrc)\n  fish  tsproof completion fish > ~/.config/fish/completions/tsproof.fish':
    '\n설치 (docs/cli.md):\n  bash  tsproof completion bash > ~/.local/share/bash-completion/completions/tsproof\n  zsh   tsproof completion zsh > ~/.zfunc/_tsproof   (~/.zshrc에서 compinit 앞에 fpath=(~/.zfunc $fpath))\n  fish  tsproof completion fish > ~/.config/fish/completions/tsproof.fish',
  'the folder of identities, trust anchors, the registry and config.json (default ~/.tsproof)': '신원, 신뢰 앵커, 등록부, config.json이 있는 폴더(기본값 ~/.tsproof)',
  'the identity passphrase (else --passphrase-file, else a prompt on a terminal)': '신원의 암호(없으면 --passphrase-file, 그것도 없으면 터미널에서 묻습니다)',
  'an identity for one command, as a base64 PKCS#12 or PEM key and certificates, used in memory only': '한 명령에만 쓰는 신원: base64로 인코딩한 PKCS#12 또는 PEM 키와 인증서(메모리에서만 사용)',
  'the passphrases of identity import, identity export and secret pledge --signer': 'identity import, identity export, secret pledge --signer의 암호',
  'pins: who must have signed, which TSA must have timestamped (as the options of the same names)': '고정 조건: 누가 서명했어야 하는지, 어느 TSA가 타임스탬프를 찍었어야 하는지(같은 이름의 옵션과 같음)',
  'TSAs and trust anchors when no option names them': '옵션으로 주지 않았을 때 쓸 TSA와 신뢰 앵커',
  'credentials for a TSA that asks for them': '인증을 요구하는 TSA의 자격 증명',
  "the passphrase of the bundled TSA's key (tsa serve)": '내장 TSA 키의 암호(tsa serve)',
  "the organisation registry's database URL (registry serve) and bearer token (clients)": '조직 등록부의 데이터베이스 URL(registry serve)과 bearer 토큰(클라이언트)',
  'proxies for TSA requests': 'TSA 요청에 쓸 프록시',
  'a Korean locale gives Korean messages and help (--lang overrides it)': '한국어 로캘이면 메시지와 도움말이 한국어(--lang이 우선)',
  'set: no colour': '설정하면 색을 쓰지 않습니다',
  'set: print the stack of an internal error, and how register recorded its registration in the registry': '설정하면 내부 오류의 스택과, register가 등록을 등록부에 어떻게 기록했는지를 출력합니다',
  "tsproof fingerprints files, signs the fingerprints with the holder's X.509 certificate (CMS), gets an RFC 3161 timestamp over the signature and writes a receipt; anyone can later check a file against its receipt, offline. Each command below is shown as its --help shows it; tsproof help <command> and tsproof <command> --help print the same in the message language (--lang ko for Korean).":
    'tsproof는 파일의 지문(해시)을 구하고, 보유자의 X.509 인증서로 지문에 서명(CMS)하고, 그 서명에 RFC 3161 타임스탬프를 받아 영수증을 씁니다. 나중에 누구든 오프라인으로 파일을 영수증과 대조할 수 있습니다. 아래 각 명령은 --help가 보여 주는 대로입니다. tsproof help <명령>과 tsproof <명령> --help는 같은 내용을 메시지 언어로 출력합니다(한국어는 --lang ko).',
  'These options work before or after any command:': '이 옵션들은 어느 명령의 앞이나 뒤에도 쓸 수 있습니다:',
  'Commands:': '명령:',
  "default TSAs, identity, pins and the organisation registry's address": '기본 TSA, 신원, 고정 조건, 조직 등록부 주소',
  'the local registry of registrations': '등록의 로컬 등록부',
  'paths left out of a folder (gitignore syntax), read in every folder': '폴더에서 제외할 경로(gitignore 문법), 모든 폴더에서 읽음',
  "the documentation in the package's docs/ folder (README.md lists it).": '패키지의 docs/ 폴더에 있는 문서(README.md에 목록이 있습니다).',
};
