/** Korean messages of one capability (see ../ko.ts). */
export const KO_ORG: Readonly<Record<string, string>> = {
};
