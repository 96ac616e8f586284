/** Korean messages of one capability (see ../ko.ts). */
export const KO_VERDICTS: Readonly<Record<string, string>> = {
};
