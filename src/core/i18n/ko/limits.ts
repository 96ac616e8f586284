/** Korean messages of one capability (see ../ko.ts). */
export const KO_LIMITS: Readonly<Record<string, string>> = {
  '{0} holds more than {1} ASN.1 values (the limit)': '{0}에 ASN.1 값이 {1}개보다 많습니다 (한도)',
  '{0}: an INTEGER of {1} bytes is beyond the limit of {2} bytes': '{0}: {1}바이트 INTEGER는 한도({2}바이트)를 넘습니다',
  '{0}: an OBJECT IDENTIFIER of {1} bytes is beyond the limit of {2} bytes': '{0}: {1}바이트 OBJECT IDENTIFIER는 한도({2}바이트)를 넘습니다',
  '{0}: an OBJECT IDENTIFIER arc of {1} bytes is beyond the limit of {2} bytes': '{0}: {1}바이트 OBJECT IDENTIFIER 마디는 한도({2}바이트)를 넘습니다',
  '{0}: {1} of {2} is beyond the limit of {3}': '{0}: {2} 크기의 {1}은(는) 한도({3})를 넘습니다',
  '{0}: {1} grew while it was read': '{0}: 읽는 동안 {1}이(가) 커졌습니다',
  '{0}: entries[{1}].proof holds {2} hashes, beyond the limit of {3}': '{0}: entries[{1}].proof의 해시 {2}개는 한도({3}개)를 넘습니다',
  '{0}: timestamps[{1}].token is larger than the limit of {2}': '{0}: timestamps[{1}].token이 한도({2})보다 큽니다',
  '{0}: timestamps[{1}] stores {2} certificates, beyond the limit of {3}': '{0}: timestamps[{1}]에 저장된 인증서 {2}개는 한도({3}개)를 넘습니다',
  '{0}: timestamps[{1}] stores a certificate larger than the limit of {2}': '{0}: timestamps[{1}]에 한도({2})보다 큰 인증서가 저장되어 있습니다',
  '{0}: JSON nested deeper than {1} levels': '{0}: JSON 중첩이 {1}단계보다 깊습니다',
  '{0}: a receipt of {1} is beyond the limit of {2}': '{0}: {1} 크기의 영수증은 한도({2})를 넘습니다',
  '{0}: more than {1} {2} (the limit)': '{0}: {2}이(가) {1}개보다 많습니다 (한도)',
  '{0}: {1} is larger than the limit of {2}': '{0}: {1}이(가) 한도({2})보다 큽니다',
  '{0}: not a valid receipt: {1} (+{2} more; reading stopped)': '{0}: 올바른 영수증이 아닙니다: {1} (외 {2}건, 읽기 중단)',
  '{0} files in one registration, beyond the limit of {1} per receipt: register them in several batches':
    '한 번의 등록에 파일 {0}개는 영수증 하나의 한도({1}개)를 넘습니다: 여러 번에 나누어 등록하십시오',
  '{0}: a time of {1} characters is beyond the limit of {2}': '{0}: {1}자의 시각은 한도({2}자)를 넘습니다',
  '{0}: this receipt needs more memory than this process may use (over {1} MB of {2} MB); give Node more, e.g. NODE_OPTIONS=--max-old-space-size={3}':
    '{0}: 이 영수증에는 이 프로세스가 쓸 수 있는 것보다 많은 메모리가 필요합니다 ({2} MB 중 {1} MB 초과). Node에 메모리를 더 주십시오. 예: NODE_OPTIONS=--max-old-space-size={3}',
  '{0} TSAs, beyond the limit of {1} timestamps per receipt': 'TSA {0}곳은 영수증 하나의 타임스탬프 한도({1}개)를 넘습니다',
  'the manifest (the TSA URLs) takes {0} bytes, beyond the limit of {1}': '매니페스트(TSA URL)가 {0}바이트로 한도({1}바이트)를 넘습니다',
  "the TSAs' tokens make the signature {0} bytes long, beyond the {1}-byte limit of a receipt": 'TSA의 토큰 때문에 서명이 {0}바이트가 되어 영수증의 한도({1}바이트)를 넘습니다',
};
