/** Korean messages of one capability (see ../ko.ts). */
export const KO_LIMITS: Readonly<Record<string, string>> = {
};
