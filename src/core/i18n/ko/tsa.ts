/** Korean messages of one capability (see ../ko.ts). */
export const KO_TSA: Readonly<Record<string, string>> = {
};
