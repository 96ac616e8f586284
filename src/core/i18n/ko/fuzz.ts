/** Korean messages of one capability (see ../ko.ts). */
export const KO_FUZZ: Readonly<Record<string, string>> = {
};
