/** Korean messages of one capability (see ../ko.ts): several TSAs as a timestamp policy, evidence packs' revocation data and renewals. */
export const KO_POLICY: Readonly<Record<string, string>> = {
  '--require-operators {0}: expected an integer from 1 to 16': '--require-operators {0}: 1부터 16까지의 정수여야 합니다',
  'timestamp policy: {0}': '타임스탬프 정책: {0}',
  "timestamp policy: succeed only with valid timestamps from at least n distinct TSA operators, and sign the policy into the receipt (default: config.json's timestamps.require)":
    '타임스탬프 정책: 서로 다른 TSA 운영자 n곳 이상의 유효한 타임스탬프를 받았을 때만 성공하고, 정책을 영수증에 서명해 넣습니다(기본: config.json의 timestamps.require)',
  'timestamps: expected {{"require": <n>, "tsas": [<url> | {{url, policy}}, …]}}': 'timestamps: {{"require": <n>, "tsas": [<url> | {{url, policy}}, …]}} 형식이어야 합니다',
  'timestamps.{0}': '설정 timestamps.{0}',
  'timestamps.tsas: expected a non-empty array of URLs or {{url, policy}}': 'timestamps.tsas: URL 또는 {{url, policy}}의 비어 있지 않은 배열이어야 합니다',
  'timestamps.tsas and tsa both list TSAs: keep one list': 'timestamps.tsas와 tsa 모두에 TSA 목록이 있습니다: 한 곳에만 두세요',
  'manifest.timestampPolicy: {0}': 'manifest.timestampPolicy 항목: {0}',
  '{0} is operated by {1}, as {2} is': '{0}의 운영자는 {2}와 같은 {1}입니다',
  'timestamp policy not met: {0} distinct TSA operator(s) answered validly ({1} of {2} TSAs), {3} required: {4}':
    '타임스탬프 정책을 충족하지 못했습니다: 유효하게 응답한 서로 다른 TSA 운영자는 {0}곳(TSA {2}곳 중 {1}곳)이고, {3}곳이 필요합니다: {4}',
  'expected {{"require": <n>}}': '{{"require": <n>}} 형식이어야 합니다',
  'require: expected an integer from 1 to 16': 'require: 1부터 16까지의 정수여야 합니다',
  'require: {0} distinct TSA operators required, but only {1} TSA(s) are asked': 'require: 서로 다른 TSA 운영자 {0}곳이 필요하지만 요청하는 TSA는 {1}곳뿐입니다',
  '{0} valid timestamp(s) from {1} distinct TSA operator(s) ({2}); the signed policy requires {3}': '서로 다른 TSA 운영자 {1}곳({2})의 유효한 타임스탬프 {0}개; 서명된 정책이 요구하는 수는 {3}곳입니다',
  'the signed policy requires valid timestamps from {0} distinct TSA operators, but the receipt holds {1} valid timestamp(s) from {2} ({3})':
    '서명된 정책은 서로 다른 TSA 운영자 {0}곳의 유효한 타임스탬프를 요구하지만, 영수증에는 {2}곳({3})의 유효한 타임스탬프 {1}개만 있습니다',
  '  policy   {0}': '  정책     {0}',
  '  policy   NOT MET: {0}': '  정책     충족 안 됨: {0}',
};
