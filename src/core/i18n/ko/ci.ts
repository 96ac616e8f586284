/** Korean messages of one capability (see ../ko.ts). */
export const KO_CI: Readonly<Record<string, string>> = {
};
