/** Korean messages of one capability (see ../ko.ts). */
export const KO_PKI: Readonly<Record<string, string>> = {
};
