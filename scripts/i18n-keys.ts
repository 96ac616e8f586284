/**
 * Finds every t`…` template in src/ and prints the catalog keys it yields, so that a
 * translator sees what is missing or stale in a catalog:
 *
 *   node scripts/i18n-keys.ts            all keys, one JSON string per line
 *   node scripts/i18n-keys.ts --missing  keys src/core/i18n/ko.ts lacks, and keys it has that src no longer uses
 *
 * test/unit/i18n.test.ts runs the same scan and fails on any difference.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FoundKey {
  key: string;
  file: string;
  line: number;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The keys of every t`…` in the TypeScript files under `dir`. */
export function scanKeys(dir = path.join(ROOT, 'src')): FoundKey[] {
  const found: FoundKey[] = [];
  for (const file of walk(dir)) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?<![\w$.])t`/g)) {
      const lineStart = src.lastIndexOf('\n', m.index) + 1;
      if (/^\s*(\*|\/\/|\/\*)/.test(src.slice(lineStart, m.index))) continue; // an example in a comment
      const parts = templateParts(src, m.index + 1);
      const key = parts.map((p) => p.replace(/[{}]/g, (c) => c + c)).reduce((acc, p, i) => (i === 0 ? p : `${acc}{${i - 1}}${p}`), '');
      found.push({ key, file: path.relative(ROOT, file), line: src.slice(0, m.index).split('\n').length });
    }
  }
  return found;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The cooked literal parts of the template literal whose backtick is at `at`. */
function templateParts(src: string, at: number): string[] {
  const parts: string[] = [];
  let cur = '';
  let i = at + 1;
  for (;;) {
    const c = src[i];
    if (c === undefined) throw new Error(`unterminated template at ${at}`);
    if (c === '`') {
      parts.push(cur);
      return parts;
    }
    if (c === '\\') {
      cur += cook(src[i + 1]!);
      i += 2;
      continue;
    }
    if (c === '$' && src[i + 1] === '{') {
      parts.push(cur);
      cur = '';
      i = skipExpression(src, i + 2);
      continue;
    }
    cur += c;
    i++;
  }
}

function cook(c: string): string {
  const escapes: Record<string, string> = { n: '\n', t: '\t', '`': '`', $: '$', '\\': '\\', "'": "'", '"': '"', '{': '{', '}': '}' };
  const v = escapes[c];
  if (v === undefined) throw new Error(`escape \\${c} in a t\`\` template: not supported by the key scanner`);
  return v;
}

/** Index just after the `}` that closes a `${` expression starting at `i`. */
function skipExpression(src: string, i: number): number {
  let depth = 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === "'" || c === '"') {
      i = skipString(src, i);
      continue;
    }
    if (c === '`') {
      i = skipTemplate(src, i);
      continue;
    }
    if (c === '{') depth++;
    if (c === '}' && --depth === 0) return i + 1;
    i++;
  }
  throw new Error('unterminated ${ expression');
}

function skipString(src: string, i: number): number {
  const q = src[i];
  for (i++; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === q) return i + 1;
  }
  throw new Error('unterminated string');
}

function skipTemplate(src: string, i: number): number {
  for (i++; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === '`') return i + 1;
    else if (src[i] === '$' && src[i + 1] === '{') i = skipExpression(src, i + 2) - 1;
  }
  throw new Error('unterminated template');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const keys = scanKeys();
  const unique = [...new Map(keys.map((k) => [k.key, k])).values()];
  if (process.argv.includes('--missing')) {
    const { KO } = await import('../src/core/i18n/ko.ts');
    for (const k of unique) if (!(k.key in KO)) console.log(`missing ${JSON.stringify(k.key)}  (${k.file}:${k.line})`);
    const used = new Set(unique.map((k) => k.key));
    for (const k of Object.keys(KO)) if (!used.has(k)) console.log(`stale   ${JSON.stringify(k)}`);
  } else for (const k of unique) console.log(JSON.stringify(k.key));
}
