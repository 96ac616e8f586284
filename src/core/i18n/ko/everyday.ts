/** Korean messages of one capability (see ../ko.ts). */
export const KO_EVERYDAY: Readonly<Record<string, string>> = {
};
