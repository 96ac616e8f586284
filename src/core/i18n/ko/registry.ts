/** Korean messages of one capability (see ../ko.ts). */
export const KO_REGISTRY: Readonly<Record<string, string>> = {
};
