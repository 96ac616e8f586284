/** Korean messages of one capability (see ../ko.ts). */
export const KO_LONGTERM: Readonly<Record<string, string>> = {
};
