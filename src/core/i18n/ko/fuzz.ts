/** Korean messages of one capability (see ../ko.ts). */
export const KO_FUZZ: Readonly<Record<string, string>> = {
  // Credentials: passphrases, key-derivation limits, PBES2/RC2, PBMAC1, keys that do not decode.
  "RC2 needs a key of 1 to 128 bytes": "RC2에는 1~128바이트 키가 필요합니다",
  "RC2 needs an effective key length of 1 to 1024 bits": "RC2에는 1~1024비트의 유효 키 길이가 필요합니다",
};
