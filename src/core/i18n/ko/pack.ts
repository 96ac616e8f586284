/** Korean messages of one capability (see ../ko.ts). */
export const KO_PACK: Readonly<Record<string, string>> = {
};
