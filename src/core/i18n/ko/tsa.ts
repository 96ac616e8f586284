/** Korean messages of one capability (see ../ko.ts). */
export const KO_TSA: Readonly<Record<string, string>> = {
  'at most {0} connections at once (lowered to fit the open-file limit of {1}; raise it with ulimit -n)': '동시 연결은 최대 {0}개입니다 (열린 파일 한도 {1}에 맞추어 낮췄습니다. ulimit -n으로 올릴 수 있습니다)',
};
