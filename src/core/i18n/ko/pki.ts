/** Korean messages of one capability (see ../ko.ts). */
export const KO_PKI: Readonly<Record<string, string>> = {
  // CMS strictness (RFC 5652)
  'SignerInfo version {0} with {1}': 'SignerInfo 버전 {0}, {1} 사용',
  'SignerInfo version {0} with {1}: RFC 5652 requires version {2}': 'SignerInfo 버전 {0}, {1} 사용: RFC 5652는 버전 {2}를 요구합니다',
  "SignedData.digestAlgorithms names the signer's digest algorithm": 'SignedData.digestAlgorithms에 서명자의 다이제스트 알고리즘이 있습니다',
  "SignedData.digestAlgorithms ({0}) does not name the signer's digest algorithm {1}": 'SignedData.digestAlgorithms({0})에 서명자의 다이제스트 알고리즘 {1}이(가) 없습니다',
  "SignedData.digestAlgorithms is empty: it does not name the signer's digest algorithm {0}": 'SignedData.digestAlgorithms가 비어 있습니다: 서명자의 다이제스트 알고리즘 {0}이(가) 없습니다',
  'TSTInfo is wrapped in {0}, not in an OCTET STRING': 'TSTInfo가 OCTET STRING이 아닌 {0}에 담겨 있습니다',

};
