/** Korean messages of one capability (see ../ko.ts). */
export const KO_ESCROW: Readonly<Record<string, string>> = {
};
