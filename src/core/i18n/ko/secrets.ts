/** Korean messages of one capability (see ../ko.ts). */
export const KO_SECRETS: Readonly<Record<string, string>> = {
};
