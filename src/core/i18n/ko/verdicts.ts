/** Korean messages of one capability (see ../ko.ts). */
export const KO_VERDICTS: Readonly<Record<string, string>> = {
  // register, escrow verify
  "  time        {0} — CLAIMED, NOT PROVEN (the TSA's root is not trusted here)": '  시각        {0} — 주장일 뿐 증명되지 않음 (이 컴퓨터가 TSA의 루트를 신뢰하지 않음)',
  '  holder   {0} — {1}': '  보유자   {0} — {1}',

  // show
  'evidence pack, zip': '증거 패키지, zip',
  'evidence pack, folder': '증거 패키지, 폴더',
  '  verifies:     NOT YET — the proof checks out, but this computer does not trust its root': '  검증:         아직 아님 — 증명은 유효하지만 이 컴퓨터가 그 루트를 아직 신뢰하지 않습니다',
  '  issuer:       {0}': '  발급자:       {0}',
  "  claimed time: {0} — NOT PROVEN (the TSA's root is not trusted here)": '  주장된 시각:  {0} — 증명되지 않음 (이 컴퓨터가 TSA의 루트를 신뢰하지 않음)',
  '  timestamp:    {0}, serial {1} — root not trusted here': '  타임스탬프:   {0}, 일련번호 {1} — 여기서 신뢰하지 않는 루트',
  '  SHA-256:      {0} ({1})': '  SHA-256 값:   {0} ({1})',

  // identity import --chain, NPKI CA certificates
  '--chain: "{0}" does not issue "{1}" or its CAs; left out': '--chain: "{0}"은(는) "{1}"이나 그 인증기관을 발급하지 않으므로 뺐습니다',
  'Found the CA certificate "{0}" next to the NPKI folder ({1}).': 'NPKI 폴더 옆에서 인증기관 인증서 "{0}"을(를) 찾았습니다 ({1}).',
  '"{0}" is imported without the certificate of its CA "{1}" (none was found next to the NPKI folder): its signatures will not carry it, so verifiers — even those who trust the root — will see the holder as not certified by a trusted CA. Get the CA certificates from the CA and import again with --chain <ca.pem>.':
    '"{0}"을(를) 그 인증기관 "{1}"의 인증서 없이 가져옵니다 (NPKI 폴더 옆에서 찾지 못함): 서명에 인증기관 인증서가 담기지 않으므로, 루트를 신뢰하는 검증자도 보유자를 신뢰하는 인증기관이 인증하지 않은 것으로 보게 됩니다. 인증기관에서 인증서를 받아 --chain <ca.pem>으로 다시 가져오십시오.',
  '"{0}" is imported without the certificate of its CA "{1}": its signatures will not carry it, so verifiers — even those who trust the root — will see the holder as not certified by a trusted CA. Import again with --chain <ca.pem> (the CA certificates, from the CA).':
    '"{0}"을(를) 그 인증기관 "{1}"의 인증서 없이 가져옵니다: 서명에 인증기관 인증서가 담기지 않으므로, 루트를 신뢰하는 검증자도 보유자를 신뢰하는 인증기관이 인증하지 않은 것으로 보게 됩니다. --chain <ca.pem>(인증기관에서 받은 인증서)으로 다시 가져오십시오.',

  // trust add --from / --known
  'give one of: a certificate file, --from <receipt> --sha256 <fingerprint>, or --known <name>': '다음 중 하나를 주십시오: 인증서 파일, --from <영수증> --sha256 <지문>, 또는 --known <이름>',
  '--from and --sha256 go together: the root is taken from the receipt only when its fingerprint is the one you compared': '--from과 --sha256은 함께 씁니다: 루트는 그 지문이 직접 비교한 지문과 같을 때만 영수증에서 가져옵니다',
  '--sha256 {0}: expected a SHA-256 fingerprint (64 hex digits, colons allowed)': '--sha256 {0}: SHA-256 지문(16진수 64자리, 콜론 허용)이어야 합니다',
  '--known {0}: no curated root for that name; known: {1} (docs/trust.md)': '--known {0}: 그 이름의 선별된 루트가 없습니다. 있는 것: {1} (docs/trust.md)',
  'say what the certificate anchors: --for tsa, holder or any': '인증서가 무엇의 신뢰 앵커인지 지정하십시오: --for tsa, holder 또는 any',
  '  SHA-256 {0}': '  SHA-256 지문 {0}',
  'Already trusted for {0}: {1} ({2})': '이미 {0}용으로 신뢰함: {1} ({2})',
  'no certificate in {0} has SHA-256 {1}; nothing was trusted (the fingerprint to compare is the one tsproof verify or show prints for the root)':
    '{0}에 SHA-256이 {1}인 인증서가 없습니다. 아무것도 신뢰하지 않았습니다 (비교할 지문은 tsproof verify나 show가 루트에 대해 보여 주는 값입니다)',
  '{0}: the root of "{1}" does not have its pinned SHA-256 {2}; the installation is damaged': '{0}: "{1}"의 루트가 고정된 SHA-256 {2}와 다릅니다. 설치가 손상되었습니다',
  'curated root(s), not trusted until you run: tsproof trust add --known {0}': '선별된 루트가 있음 (다음을 실행하기 전에는 신뢰하지 않음: tsproof trust add --known {0})',

  // verify and ts verify output
  "  when     {0} — CLAIMED, NOT PROVEN (the TSA's root is not trusted here)": '  시각     {0} — 주장일 뿐 증명되지 않음 (이 컴퓨터가 TSA의 루트를 신뢰하지 않음)',
  '  root     "{0}" (SHA-256 {1}) is not trusted here; compare this fingerprint with the one the TSA\'s operator publishes': '  루트     "{0}" (SHA-256 {1})을(를) 여기서 신뢰하지 않습니다. 이 지문을 TSA 운영자가 공개한 지문과 비교하십시오',
  '  root     "{0}" is issued by "{1}", which the token does not carry and this computer does not trust': '  루트     "{0}"의 발급자 "{1}"은(는) 토큰에 없고 이 컴퓨터도 신뢰하지 않습니다',
  '  next     tsproof trust add --known {0}': '  다음     tsproof trust add --known {0}',
  '  next     tsproof trust add <root.pem> --for tsa': '  다음     tsproof trust add <root.pem> --for tsa',
  '{0} is a receipt, not a file to check: give the file with its receipt (tsproof verify <file> --receipt {1}), check a whole folder (tsproof verify --receipt {2} --dir <folder>), or see what it registers (tsproof show {3})':
    '{0}은(는) 검사할 파일이 아니라 영수증입니다: 파일을 영수증과 함께 주거나 (tsproof verify <파일> --receipt {1}), 폴더 전체를 검사하거나 (tsproof verify --receipt {2} --dir <폴더>), 무엇이 등록되었는지 보십시오 (tsproof show {3})',
  'give --brief or --full, not both': '--brief와 --full 중 하나만 주십시오',
  'no receipt found': '영수증을 찾지 못함',
  'the proof does not check out': '증명이 유효하지 않음',
  'this receipt does not cover this file': '이 영수증은 이 파일에 대한 것이 아님',
  'MODIFIED: not the registered original': '변경됨: 등록된 원본이 아님',
  missing: '없음',
  'not made by the expected holder or TSA (pins)': '기대한 보유자나 TSA가 만든 것이 아님 (고정값)',
  'matches, but this computer does not trust the root yet': '일치하지만 이 컴퓨터가 루트를 아직 신뢰하지 않음',
  '✘ NOT VERIFIED YET': '✘ 아직 검증되지 않음',
  '  when     not proven: no valid timestamp': '  시각     증명되지 않음: 유효한 타임스탬프 없음',
  '  why      {0}': '  이유     {0}',
  '  next     {0}': '  다음     {0}',
  '  checks   {0} (--full lists every check)': '  검사     {0} (--full은 모든 검사를 보여 줍니다)',
  '{0}: expected a DN, e.g. "CN=김영희, O=테스트 주식회사, C=KR" (* matches any text)': '{0}: DN이어야 합니다. 예: "CN=김영희, O=테스트 주식회사, C=KR" (*는 아무 글자나 대신함)',
  '{0} is a folder; give a file name': '{0}은(는) 폴더입니다. 파일 이름을 주십시오',

  // help
  'the holder certificate must be this one (SHA-256; repeatable: any of them)': '보유자 인증서가 이것이어야 함 (SHA-256; 반복 가능: 그중 하나)',
  "the holder's subject must be this DN (* matches any text)": '보유자의 주체가 이 DN이어야 함 (*는 아무 글자나 대신함)',
  'the holder must be certified by a CA of this DN, on a path to an anchor trusted here': '보유자가 이 DN의 인증기관에게, 여기서 신뢰하는 앵커까지 이어지는 경로로 인증되어야 함',
  'fail unless a CA trusted here vouches for the holder (not self-asserted)': '여기서 신뢰하는 인증기관이 보유자를 보증하지 않으면 실패 (자기 주장 불가)',
  'the CA certificates that issued it (PEM or DER; repeatable), so that verifiers who trust the root see it certified': '그 인증서를 발급한 인증기관 인증서 (PEM 또는 DER; 반복 가능). 루트를 신뢰하는 검증자가 인증된 것으로 보게 됩니다',
  "every timestamp's TSA certificate, or the root it chains to, must be this one (SHA-256; repeatable)": '모든 타임스탬프의 TSA 인증서나 그 루트가 이것이어야 함 (SHA-256; 반복 가능)',
  'only the verdict, who and when, and failed checks': '판정, 누가와 언제, 실패한 검사만',
  'list every check (default: only failed checks and warnings)': '모든 검사를 보여 줌 (기본: 실패한 검사와 경고만)',
  "also write a PDF certificate of verification: every file's status, the receipts, anchors and checks": 'PDF 검증 증명서도 작성: 파일마다의 상태, 영수증, 신뢰 기준, 검사',
  'replace the --report file if it exists': '--report 파일이 있으면 바꿔 씀',
  'a readable summary of a receipt or evidence pack: holder, proven time, timestamps, files, and whether it verifies': '영수증이나 증거 패키지의 읽기 쉬운 요약: 보유자, 증명 시각, 타임스탬프, 파일, 검증 여부',
  'tsa, holder or any (with --from or --known: where the root was found)': 'tsa, holder 또는 any (--from이나 --known과 함께면 기본값: 루트를 찾은 곳)',
  'take the root from a receipt or evidence pack, only if its SHA-256 is --sha256': '영수증이나 증거 패키지에서 루트를 가져옴 (그 SHA-256이 --sha256과 같을 때만)',
  'with --from: the fingerprint you compared with the one its operator publishes': '--from과 함께: 운영자가 공개한 지문과 직접 비교한 지문',
  "a public TSA's root from tsproof's curated list (tsproof tsa list)": 'tsproof의 선별 목록에 있는 공개 TSA의 루트 (tsproof tsa list)',
  'a PEM file: TSA certificate(s) for tokens that carry none (untrusted); a SHA-256: the TSA certificate, or its root, must be this one (repeatable)':
    'PEM 파일: 인증서가 없는 토큰을 위한 TSA 인증서 (신뢰하지 않음); SHA-256: TSA 인증서나 그 루트가 이것이어야 함 (반복 가능)',

  // the report PDF
  '{0} file(s): {1} match, {2} modified, {3} not covered, {4} not checked': '파일 {0}개: 일치 {1}, 변경됨 {2}, 이 영수증의 파일이 아님 {3}, 확인 안 함 {4}',

  // evidence packs as receipts; zip
  '{0}: not a zip tsproof can read ({1})': '{0}: tsproof가 읽을 수 있는 zip이 아닙니다 ({1})',
  'no end of central directory': '중앙 디렉터리의 끝이 없음',
  'a multi-part archive': '여러 부분으로 나뉜 압축 파일',
  'ZIP64 is not supported': 'ZIP64는 지원하지 않음',
  'more than {0} entries': '항목이 {0}개보다 많음',
  'the central directory lies outside the file': '중앙 디렉터리가 파일 밖에 있음',
  'a broken central directory': '중앙 디렉터리가 깨짐',
  '"{0}" is encrypted': '"{0}"이(가) 암호화됨',
  '"{0}" uses compression method {1}': '"{0}"이(가) 압축 방식 {1}을(를) 씀',
  '"{0}" is larger than {1} bytes': '"{0}"이(가) {1}바이트보다 큼',
  'more than {0} bytes in all': '전체가 {0}바이트보다 큼',
  '"{0}" appears twice': '"{0}"이(가) 두 번 나옴',
  '"{0}": no local header': '"{0}": 로컬 헤더가 없음',
  '"{0}": data outside the archive': '"{0}": 데이터가 압축 파일 밖에 있음',
  '"{0}" does not inflate to its declared {1} bytes': '"{0}"의 압축을 풀면 선언된 {1}바이트가 되지 않음',
  '"{0}" is {1} bytes, the directory says {2}': '"{0}"은(는) {1}바이트인데 디렉터리에는 {2}바이트로 적혀 있음',
  '"{0}": CRC-32 mismatch': '"{0}": CRC-32 불일치',
  "{0}: larger than an evidence pack's files are ({1} bytes)": '{0}: 증거 패키지의 파일보다 큽니다 ({1}바이트)',
  '{0}: a folder that is not an evidence pack (no manifest.json and signature.p7s in it)': '{0}: 증거 패키지가 아닌 폴더입니다 (manifest.json과 signature.p7s가 없음)',
  '{0}: larger than an evidence pack tsproof reads ({1} bytes)': '{0}: tsproof가 읽는 증거 패키지보다 큽니다 ({1}바이트)',
  '{0}: a zip that holds no evidence pack (no manifest.json and signature.p7s in it)': '{0}: 증거 패키지가 없는 zip입니다 (manifest.json과 signature.p7s가 없음)',
  '{0}: an evidence pack without entries (entries/NNNNNN.json)': '{0}: 항목(entries/NNNNNN.json)이 없는 증거 패키지입니다',
  '{0}: more than {1} entries': '{0}: 항목이 {1}개보다 많습니다',
  '{0}: entries/{1} is not an entry of an evidence pack': '{0}: entries/{1}은(는) 증거 패키지의 항목이 아닙니다',
  '{0}: entries/{1}.proof is not an inclusion proof': '{0}: entries/{1}.proof는 포함 증명이 아닙니다',

  // checks
  'TSA certificate is not trusted: {0} (no TSA trust anchor for this time)': 'TSA 인증서를 신뢰할 수 없습니다: {0} (이 시각에 대한 TSA 신뢰 앵커가 없음)',
  'holder certificate was valid at {0} (--at)': '보유자 인증서가 {0}(--at)에 유효했습니다',
  'holder certificate was not valid at {0} (--at) (valid {1} to {2})': '보유자 인증서가 {0}(--at)에 유효하지 않았습니다 (유효기간 {1} ~ {2})',
  'holder certificate was valid at {0}': '보유자 인증서가 {0}에 유효했습니다',
  'holder certificate was not valid at {0} (valid {1} to {2})': '보유자 인증서가 {0}에 유효하지 않았습니다 (유효기간 {1} ~ {2})',
  'holder certificate was valid at {0}, the time a timestamp claims (its TSA is not trusted here, so the time is not proven)':
    '보유자 인증서가 타임스탬프가 주장하는 시각 {0}에 유효했습니다 (그 TSA를 여기서 신뢰하지 않으므로 시각은 증명되지 않음)',
  'holder certificate was not valid at {0}, the time a timestamp claims (valid {1} to {2})': '보유자 인증서가 타임스탬프가 주장하는 시각 {0}에 유효하지 않았습니다 (유효기간 {1} ~ {2})',
  'signing-time {0} is not after the time a timestamp claims (not proven: its TSA is not trusted here)': '서명 시각 {0}이(가) 타임스탬프가 주장하는 시각보다 늦지 않습니다 (증명되지 않음: 그 TSA를 여기서 신뢰하지 않음)',
  'signing-time {0} is after the time a timestamp claims, {1}': '서명 시각 {0}이(가) 타임스탬프가 주장하는 시각 {1}보다 늦습니다',
  'this receipt does not cover "{0}": none of the {1} entry(ies) it discloses (of {2} registered) has its {3} {4} or its name':
    '이 영수증은 "{0}"에 대한 것이 아닙니다: 공개된 항목 {1}개(등록된 것은 {2}개) 중 어느 것도 그 {3} {4}나 그 이름을 갖지 않습니다',
  'this receipt does not cover "{0}": none of its {1} registered file(s) has its {2} {3} or its name': '이 영수증은 "{0}"에 대한 것이 아닙니다: 등록된 파일 {1}개 중 어느 것도 그 {2} {3}나 그 이름을 갖지 않습니다',
  '{0} of the file is {1}, registered {2}: the content of "{3}" differs': '파일의 {0}은(는) {1}, 등록된 값은 {2}: "{3}"의 내용이 다릅니다',

  // pins
  'no holder certificate to compare with': '비교할 보유자 인증서가 없습니다',
  'the holder certificate is the pinned one (SHA-256 {0})': '보유자 인증서가 고정된 인증서입니다 (SHA-256 {0})',
  'the holder certificate (SHA-256 {0}) is not the pinned {1}': '보유자 인증서(SHA-256 {0})는 고정된 {1}이(가) 아닙니다',
  'holder "{0}" matches the pinned subject "{1}"': '보유자 "{0}"이(가) 고정된 주체 "{1}"와 일치합니다',
  'holder "{0}" is not the pinned subject "{1}"': '보유자 "{0}"은(는) 고정된 주체 "{1}"가 아닙니다',
  'the holder certificate is issued by "{0}", not by the pinned issuer "{1}"': '보유자 인증서의 발급자는 "{0}"이며, 고정된 발급자 "{1}"가 아닙니다',
  'the holder certificate names the pinned issuer "{0}", but no path leads from it to a CA trusted here ({1}), so the name proves nothing':
    '보유자 인증서에 고정된 발급자 "{0}"이(가) 적혀 있지만 여기서 신뢰하는 인증기관까지 이어지는 경로가 없으므로({1}) 그 이름은 아무것도 증명하지 않습니다',
  'the holder certificate is issued by the pinned issuer "{0}", on a path to trusted "{1}"': '보유자 인증서를 고정된 발급자 "{0}"이(가) 발급했으며, 신뢰하는 "{1}"까지 이어집니다',
  '"{0}" is certified by a CA trusted here': '"{0}"을(를) 여기서 신뢰하는 인증기관이 인증합니다',
  'a certified holder is required, but "{0}" is {1}': '인증된 보유자가 필요하지만 "{0}"은(는) {1}',
  'self-asserted: no CA vouches for the name': '자기 주장입니다: 이름을 보증하는 인증기관이 없습니다',
  'not certified by a CA trusted here': '여기서 신뢰하는 인증기관이 인증하지 않았습니다',
  'no timestamp whose TSA could be compared with the pinned {0}': '고정된 {0}와 비교할 수 있는 TSA의 타임스탬프가 없습니다',
  'TSA "{0}" is the pinned certificate (SHA-256 {1})': 'TSA "{0}"이(가) 고정된 인증서입니다 (SHA-256 {1})',
  'TSA "{0}" chains to the pinned root (SHA-256 {1})': 'TSA "{0}"이(가) 고정된 루트(SHA-256 {1})까지 이어집니다',
  'TSA "{0}" (SHA-256 {1}, root {2}) is not the pinned {3}': 'TSA "{0}"(SHA-256 {1}, 루트 {2})은(는) 고정된 {3}이(가) 아닙니다',
  'TSA "{0}" (SHA-256 {1}) is not the pinned {2}': 'TSA "{0}"(SHA-256 {1})은(는) 고정된 {2}이(가) 아닙니다',
  '{0} {1}: expected a SHA-256 fingerprint (64 hex digits, colons allowed)': '{0} {1}: SHA-256 지문(16진수 64자리, 콜론 허용)이어야 합니다',
  '{0}={1}: expected 1 or 0 (true or false)': '{0}={1}: 1 또는 0(true 또는 false)이어야 합니다',
  'pins: expected an object': 'pins: 객체여야 합니다',
  'pins.{0}: unknown pin (expected {1})': 'pins.{0}: 알 수 없는 고정값 (가능한 것: {1})',
  'pins.{0}: expected SHA-256 fingerprints (64 hex digits)': 'pins.{0}: SHA-256 지문(16진수 64자리)이어야 합니다',
  'pins.{0}: expected a DN': 'pins.{0}: DN이어야 합니다',
  'pins.requireCertified: expected true or false': 'pins.requireCertified: true 또는 false여야 합니다',

  // verdicts in words (verify/explain.ts)
  'revocation checked': '폐지 여부 확인함',
  'revocation checked, with a warning': '폐지 여부 확인함 (경고 있음)',
  'revocation check FAILED': '폐지 여부 확인 실패',
  'revocation not checked': '폐지 여부 확인 안 함',
  'trusted here as this very certificate (pinned); {0}': '이 인증서 자체를 여기서 신뢰함 (고정); {0}',
  'certified by "{0}" under trusted root "{1}"; {2}': '"{0}"이(가) 인증함, 신뢰하는 루트 "{1}" 아래; {2}',
  'certified by trusted "{0}"; {1}': '신뢰하는 "{0}"이(가) 인증함; {1}',
  'issuer not trusted here — no CA trusted here vouches for this name': '여기서 신뢰하지 않는 발급자 — 여기서 신뢰하는 인증기관이 이 이름을 보증하지 않음',
  'The holder "{0}" is certified under root "{1}" (SHA-256 {2}), which this computer does not trust yet, so no CA vouches for the name here; compare this fingerprint with the one the CA publishes.':
    '보유자 "{0}"은(는) 루트 "{1}"(SHA-256 {2}) 아래에서 인증되었지만 이 컴퓨터가 그 루트를 아직 신뢰하지 않으므로 여기서는 이름을 보증하는 인증기관이 없습니다. 이 지문을 인증기관이 공개한 지문과 비교하십시오.',
  'The holder "{0}" is certified by "{1}", issued by "{2}" — a root the proof does not include and this computer does not trust, so no CA vouches for the name here.':
    '보유자 "{0}"은(는) "{1}"이(가) 인증했고 그 발급자는 "{2}"입니다 — 증명에 없는 루트이며 이 컴퓨터가 신뢰하지 않으므로 여기서는 이름을 보증하는 인증기관이 없습니다.',
  'The proof is signed by TSA "{0}" under root "{1}" (SHA-256 {2}), which this computer does not trust yet; compare this fingerprint with the one the TSA\'s operator publishes.':
    '증명은 TSA "{0}"이(가) 루트 "{1}"(SHA-256 {2}) 아래에서 서명했으며, 이 컴퓨터는 그 루트를 아직 신뢰하지 않습니다. 이 지문을 TSA 운영자가 공개한 지문과 비교하십시오.',
  'The proof is signed by TSA "{0}" under "{1}", issued by "{2}" — a root the proof does not include and this computer does not trust; obtain it from the TSA\'s operator.':
    '증명은 TSA "{0}"이(가) "{1}" 아래에서 서명했고 그 발급자는 "{2}"입니다 — 증명에 없는 루트이며 이 컴퓨터가 신뢰하지 않습니다. TSA 운영자에게서 받으십시오.',
  'No receipt was found for this file: none was given, none lies beside it, and no registration of its content is known here.':
    '이 파일의 영수증을 찾지 못했습니다: 주어진 것도, 파일 옆에 있는 것도 없고, 그 내용의 등록도 여기에는 알려져 있지 않습니다.',
  'The proof does not check out, so it proves nothing about this file: the receipt or pack was altered, damaged or forged, or was made with what this computer refuses.':
    '증명이 유효하지 않으므로 이 파일에 대해 아무것도 증명하지 않습니다: 영수증이나 패키지가 바뀌었거나 손상되었거나 위조되었거나, 이 컴퓨터가 거부하는 방식으로 만들어졌습니다.',
  'Failed: {0}{1} — {2}': '실패: {0}{1} — {2}',
  "This receipt does not cover this file: no file registered in it has this content, and none is registered under this file's name. It says nothing about this file either way; the file's own receipt is needed.":
    '이 영수증은 이 파일에 대한 것이 아닙니다: 등록된 파일 중 이 내용을 가진 것도, 이 파일의 이름으로 등록된 것도 없습니다. 이 영수증은 이 파일에 대해 어느 쪽으로도 말하지 않으며, 이 파일 자신의 영수증이 필요합니다.',
  "The file's content differs from the registered file's.": '파일 내용이 등록된 파일과 다릅니다.',
  'The file is not the registered original: its {0} is {1}, while the file registered as "{2}" has {3}.': '이 파일은 등록된 원본이 아닙니다: 이 파일의 {0}은(는) {1}이고, "{2}"(으)로 등록된 파일의 값은 {3}입니다.',
  'Its size is {0} bytes; the registered file has {1} bytes.': '크기는 {0}바이트이고, 등록된 파일은 {1}바이트입니다.',
  'A registered file is missing from the folder.': '등록된 파일이 폴더에 없습니다.',
  'The proof is valid, but not made by whom it was expected to be (pins):': '증명은 유효하지만 기대한 쪽이 만든 것이 아닙니다 (고정값):',
  '{0} — {1}': '{0} — {1}',
  'The file matches its receipt and the proof checks out, except for a trust decision this computer has not made:': '파일이 영수증과 일치하고 증명도 유효합니다. 다만 이 컴퓨터가 아직 내리지 않은 신뢰 결정이 하나 있습니다:',
  'The proof checks out, except for a trust decision this computer has not made:': '증명은 유효합니다. 다만 이 컴퓨터가 아직 내리지 않은 신뢰 결정이 하나 있습니다:',
  'The time the timestamp states, {0}, is therefore claimed, not proven.': '따라서 타임스탬프가 말하는 시각 {0}은(는) 주장일 뿐 증명되지 않았습니다.',
  'Verify the file against its receipt:': '파일을 그 영수증과 대조하십시오:',
  'See every check and what failed:': '모든 검사와 무엇이 실패했는지 보십시오:',
  'See which files this receipt does cover, then find the receipt of this file:': '이 영수증이 어떤 파일을 다루는지 본 뒤, 이 파일의 영수증을 찾으십시오:',
  "Compare the file's fingerprint with the registered one independently:": '파일의 지문을 등록된 지문과 독립적으로 비교하십시오:',
  'Restore the missing files from their originals, or check the folder given:': '없는 파일을 원본에서 복원하거나, 지정한 폴더를 확인하십시오:',
  'See who signed the proof and which TSA timestamped it:': '누가 서명했고 어느 TSA가 타임스탬프를 찍었는지 보십시오:',
  'Check the expected pins (--holder-cert, --holder-subject, --holder-issuer, --require-certified, --tsa-cert; TSPROOF_* variables; "pins" in config.json).':
    '기대한 고정값을 확인하십시오 (--holder-cert, --holder-subject, --holder-issuer, --require-certified, --tsa-cert; TSPROOF_* 변수; config.json의 "pins").',
  '"{0}" is the published root of {1}, in tsproof\'s curated list; to trust it:': '"{0}"은(는) tsproof 선별 목록에 있는 {1}의 공개 루트입니다. 신뢰하려면:',
  "If the fingerprint {0} equals the one the TSA's operator publishes, trust that root (it is taken from the receipt only when the fingerprints are equal):":
    '지문 {0}이(가) TSA 운영자가 공개한 지문과 같으면 그 루트를 신뢰하십시오 (지문이 같을 때만 영수증에서 가져옵니다):',
  "If the fingerprint {0} equals the one the holder's CA publishes, trust that root for holders (it is taken from the receipt only when the fingerprints are equal):":
    '지문 {0}이(가) 보유자의 인증기관이 공개한 지문과 같으면 그 루트를 보유자용으로 신뢰하십시오 (지문이 같을 때만 영수증에서 가져옵니다):',
  'Obtain the root that issued "{0}" from its operator, compare its fingerprint, and trust it:': '"{0}"을(를) 발급한 루트를 그 운영자에게서 받아 지문을 비교한 뒤 신뢰하십시오:',
};
