/**
 * The evidence pack of a secret (`secret report --evidence <dir>`, docs/secrets.md): for each of
 * its events, the event's canonical JSON and an evidence pack of its registration reduced to that
 * one entry (export/evidence.ts: manifest, CMS signature, RFC 3161 tokens, inclusion proof,
 * verify.sh) — so the other secrets recorded in the same registration are not disclosed — plus a
 * person's signed pledge acknowledgement where there is one, and verify-all.sh, which checks every
 * event and the chain between them with bash and OpenSSL alone.
 */
import { fromBase64Strict } from '../bytes.js';
import { buildEvidencePack, type PackFile } from '../export/evidence.js';
import { extractEntry } from '../receipt/extract.js';
import type { VerifyContext } from '../verify/receipt.js';
import { entryName, eventBytes } from './model.js';
import type { SecretReport } from './report.js';
import type { SecretState } from './state.js';
import type { StoredRecord } from './store.js';

export function secretEvidence(records: readonly StoredRecord[], s: SecretState, report: SecretReport, ctx: VerifyContext & { tool: string }): PackFile[] | undefined {
  if (!report.ok) return undefined;
  const files: PackFile[] = [];
  const index: string[] = [];
  for (const view of s.events) {
    const e = view.event;
    const r = records.find((x) => x.seq === view.record);
    const entry = r?.receipt.entries.find((x) => x.name === entryName(e));
    if (!r || !entry) return undefined;
    const pack = buildEvidencePack(extractEntry(r.receipt, entry), ctx);
    if (!pack.files) return undefined;
    const dir = `events/${String(e.seq).padStart(6, '0')}-${e.data.type}`;
    for (const f of pack.files) files.push({ ...f, path: `${dir}/${f.path}` });
    files.push({ path: `${dir}/event.json`, data: eventBytes(e) });
    if (e.data.type === 'pledged' && e.data.acknowledgement) {
      const ack = fromBase64Strict(e.data.acknowledgement);
      if (ack) files.push({ path: `${dir}/acknowledgement.p7s`, data: ack });
    }
    index.push(`${dir}\t${e.data.type}\t${view.hash}\t${view.proof.time ?? ''}\n`);
  }
  files.push({ path: 'events.tsv', data: index.join('') });
  files.push({ path: 'report.json', data: `${JSON.stringify(report, null, 2)}\n` });
  files.push({ path: 'verify-all.sh', data: VERIFY_ALL, executable: true });
  files.push({ path: 'README.md', data: readme(report, ctx.tool) });
  return files;
}

function readme(r: SecretReport, tool: string): string {
  return `# Evidence pack of secret ${r.secret.id} / 영업비밀 ${r.secret.id} 증거 패키지

Written by ${tool}. ${r.events.length} event(s), each in its own folder under events/.
${tool}가 작성함. 이벤트 ${r.events.length}개, 각각 events/ 아래 자기 폴더에 있습니다.

Check everything with bash and OpenSSL alone / bash와 OpenSSL만으로 전체 확인:

    bash verify-all.sh

For each event folder it runs \`bash verify.sh event.json\` there — the event's bytes are an entry
of a registration signed by the recorder (signature.p7s, \`openssl cms -verify\`) and timestamped
(timestamps/*.tst, \`openssl ts -verify\`) — then checks that each event names the SHA-256 of the
one before it (the chain), and that a pledge acknowledgement (acknowledgement.p7s) is a valid
signature over a statement naming the same pledge document digest as the event.

각 이벤트 폴더에서 \`bash verify.sh event.json\`을 실행하고(이벤트는 기록자가 서명하고
타임스탬프를 받은 등록의 항목입니다), 각 이벤트가 바로 앞 이벤트의 SHA-256을 가리키는지(체인),
서약 확인서(acknowledgement.p7s)의 서명이 유효하고 같은 서약서 다이제스트를 담고 있는지 확인합니다.

report.json holds the facts of the report; events.tsv lists the folders, types, SHA-256 and proven times.
`;
}

const VERIFY_ALL = `#!/usr/bin/env bash
# Checks every event of a tsproof secret evidence pack with bash and OpenSSL alone (docs/secrets.md):
# each event's registration (verify.sh in its folder), the chain of events, and pledge acknowledgements.
# Exit 0: all verified; 1: something failed.
set -u
cd "$(dirname "$0")" || exit 2
status=0
prev=''
first=1
for d in events/*/; do
  d=\${d%/}
  echo "== $d"
  if ! (cd "$d" && bash verify.sh event.json); then status=1; fi
  want=$(grep -o '"prev":\\(null\\|"[0-9a-f]*"\\)' "$d/event.json" | head -n 1 | sed 's/^"prev"://; s/"//g')
  if [ -n "$first" ]; then
    [ "$want" = null ] || { echo "FAIL: $d is not the first event of the chain"; status=1; }
  else
    [ "$want" = "$prev" ] || { echo "FAIL: $d does not follow the event before it (chain broken)"; status=1; }
  fi
  first=''
  prev=$(openssl dgst -sha256 -r "$d/event.json" | cut -d' ' -f1)
  if [ -f "$d/acknowledgement.p7s" ]; then
    tmp=$(mktemp) || exit 2
    if openssl cms -verify -binary -noverify -inform DER -in "$d/acknowledgement.p7s" -out "$tmp" 2>/dev/null; then
      doc=$(grep -o '"document":{[^}]*}' "$d/event.json" | head -n 1)
      if grep -qF "$doc" "$tmp"; then echo "ok    pledge acknowledgement: a valid signature over a statement of the same pledge document"
      else echo "FAIL: $d: the acknowledgement names another pledge document"; status=1; fi
    else
      echo "FAIL: $d: the pledge acknowledgement's signature does not verify"; status=1
    fi
    rm -f "$tmp"
  fi
done
if [ "$status" = 0 ]; then echo "VERIFIED: every event is signed, timestamped and chained"; else echo "NOT VERIFIED"; fi
exit "$status"
`;
