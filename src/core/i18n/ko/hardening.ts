/** Korean messages of one capability (see ../ko.ts). */
export const KO_HARDENING: Readonly<Record<string, string>> = {
};
