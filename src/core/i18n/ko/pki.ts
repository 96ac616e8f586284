/** Korean messages of one capability (see ../ko.ts). */
export const KO_PKI: Readonly<Record<string, string>> = {
  // CMS strictness (RFC 5652)
  'SignerInfo version {0} with {1}': 'SignerInfo 버전 {0}, {1} 사용',
  'SignerInfo version {0} with {1}: RFC 5652 requires version {2}': 'SignerInfo 버전 {0}, {1} 사용: RFC 5652는 버전 {2}를 요구합니다',
  "SignedData.digestAlgorithms names the signer's digest algorithm": 'SignedData.digestAlgorithms에 서명자의 다이제스트 알고리즘이 있습니다',
  "SignedData.digestAlgorithms ({0}) does not name the signer's digest algorithm {1}": 'SignedData.digestAlgorithms({0})에 서명자의 다이제스트 알고리즘 {1}이(가) 없습니다',
  "SignedData.digestAlgorithms is empty: it does not name the signer's digest algorithm {0}": 'SignedData.digestAlgorithms가 비어 있습니다: 서명자의 다이제스트 알고리즘 {0}이(가) 없습니다',
  'TSTInfo is wrapped in {0}, not in an OCTET STRING': 'TSTInfo가 OCTET STRING이 아닌 {0}에 담겨 있습니다',

  // Certificate parsing
  '{0}: expected tbsCertificate, signatureAlgorithm and signatureValue, found {1} field(s)': '{0}: tbsCertificate, signatureAlgorithm, signatureValue가 있어야 하는데 필드가 {1}개입니다',
  '{0}.version: unknown version {1}': '{0}.version: 알 수 없는 버전 {1}',
  '{0}.validity: expected notBefore and notAfter': '{0}.validity: notBefore와 notAfter가 있어야 합니다',
  '{0}.tbsCertificate: unexpected {1}': '{0}.tbsCertificate: 예상하지 못한 {1}',
  '{0}.extension: expected 2 or 3 fields, found {1}': '{0}.extension: 필드가 2개나 3개여야 하는데 {1}개입니다',
  '{0}.keyIdentifier: must be primitive': '{0}.keyIdentifier: primitive여야 합니다',
  '{0}.pathLenConstraint: negative': '{0}.pathLenConstraint: 음수입니다',

  // Certification paths (RFC 5280 §6)
  'gave up building a path after {0} signature checks': '서명 검사 {0}번 뒤 경로 구성을 포기했습니다',
  'gave up building a path after trying {0} partial paths': '부분 경로 {0}개를 시도한 뒤 경로 구성을 포기했습니다',
  '"{0}" is not valid at {1} (valid {2} to {3})': '"{0}"은(는) {1}에 유효하지 않습니다 (유효기간 {2} ~ {3})',
  '"{0}" has an unrecognised critical extension {1}': '"{0}"에 알 수 없는 중요(critical) 확장 {1}이(가) 있습니다',
  '"{0}" breaks the name constraints of "{1}": {2}': '"{0}"이(가) "{1}"의 이름 제약을 어깁니다: {2}',
  'no path to a trust anchor': '신뢰 앵커까지 가는 경로가 없습니다',
  'no certificate in the path has an unrecognised critical extension': '경로의 어떤 인증서에도 알 수 없는 중요(critical) 확장이 없습니다',
  'the names in the path satisfy its name constraints': '경로의 이름이 이름 제약을 지킵니다',
  'no name constraints in the path': '경로에 이름 제약이 없습니다',
  '"{0}" chains to trusted "{1}", but the path is not valid: {2}': '"{0}"은(는) 신뢰하는 "{1}"까지 이어지지만 경로가 유효하지 않습니다: {2}',
  'no unrecognised critical extension': '알 수 없는 중요(critical) 확장 없음',
  'the holder certificate has an unrecognised critical extension {0}': '보유자 인증서에 알 수 없는 중요(critical) 확장 {0}이(가) 있습니다',

  // Name constraints (RFC 5280 §4.2.1.10)
  '{0}: not a GeneralName': '{0}: GeneralName이 아닙니다',
  '{0}: otherName must be constructed': '{0}: otherName은 constructed여야 합니다',
  '{0}.subtree: unexpected {1}': '{0}.subtree: 예상하지 못한 {1}',
  'the emailAddress in the subject is not an IA5String, so it cannot be checked against name constraints': '주체의 emailAddress가 IA5String이 아니어서 이름 제약과 대조할 수 없습니다',
  'a name constraint sets a minimum or maximum, which RFC 5280 does not allow': '이름 제약에 RFC 5280이 허용하지 않는 minimum 또는 maximum이 있습니다',
  '{0} is outside the permitted names': '{0}이(가) 허용된 이름 밖에 있습니다',
  '{0} is among the excluded names': '{0}이(가) 제외된 이름에 속합니다',
  'name constraints on {0} names are not supported, and the certificate has such a name': '{0} 이름에 대한 이름 제약은 지원하지 않는데, 인증서에 그런 이름이 있습니다',
  'the e-mail address "{0}" has no @': '전자우편 주소 "{0}"에 @가 없습니다',
  'the URI "{0}" has no host to check against name constraints': 'URI "{0}"에 이름 제약과 대조할 호스트가 없습니다',
  'an iPAddress of {0} octets cannot be checked against name constraints': '{0}옥텟 iPAddress는 이름 제약과 대조할 수 없습니다',
  'an iPAddress constraint of {0} octets cannot be processed': '{0}옥텟 iPAddress 제약은 처리할 수 없습니다',
  'name.attribute: missing value': 'name.attribute: 값이 없습니다',
  'the name "{0}"': '이름 "{0}"',
  'the address {0}': '주소 {0}',
  'the e-mail address "{0}"': '전자우편 주소 "{0}"',
  'the DNS name "{0}"': 'DNS 이름 "{0}"',
  'the URI "{0}"': 'URI "{0}"',
  'a name of form {0}': '{0} 형식의 이름',
};
