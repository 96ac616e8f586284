/**
 * User-facing text as data, so that the CLI can show it in the reader's language.
 *
 * Every message, error and check detail is written as an English tagged template:
 *
 *   t`${name} is not a file`  →  Text { key: '{0} is not a file', args: [name] }
 *
 * The key (the English sentence with numbered placeholders) is what a catalog translates
 * (`src/core/i18n/ko.ts`); a catalog may reorder placeholders. Without a catalog, or for a
 * key the catalog lacks, the English is shown. `String(text)` and `JSON.stringify` give the
 * English, so logs and `--json` documents stay stable whatever the locale.
 * Literal braces in a template are doubled in its key (`{{`, `}}`).
 *
 * Arguments are data (names, subjects, URLs, messages from outside); the template is ours.
 * Shown to a person, a text is rendered with an `escape` for its string arguments
 * (`displaySafe`, src/core/display.ts), so that no argument can clear a screen or reorder a
 * line, whatever message it is placed in; `String(text)` and JSON keep the exact strings.
 */
export type TextArg = string | number | bigint | Text;

/** A translation table: English key → template in another language. */
export type Catalog = Readonly<Record<string, string>>;

export class Text {
  constructor(
    readonly key: string,
    readonly args: readonly TextArg[] = [],
    /** When set, the text is its arguments joined by this separator (see `joinTexts`). */
    readonly separator?: string,
  ) {}

  /**
   * Rendered with `catalog` (English when the catalog lacks the key or none is given); with
   * `escape`, every string argument (at any depth) passes through it.
   */
  render(catalog?: Catalog, escape?: (s: string) => string): string {
    const args = this.args.map((a) => (a instanceof Text ? a.render(catalog, escape) : escape && typeof a === 'string' ? escape(a) : String(a)));
    if (this.separator !== undefined) return args.join(this.separator);
    return fill(catalog?.[this.key] ?? this.key, args);
  }

  toString(): string {
    return this.render();
  }

  toJSON(): string {
    return this.render();
  }
}

/**
 * Renders many texts fast, each as `text.render(catalog, escape)` would: per key, the template is
 * looked up in the catalog and split at its placeholders once, and each rendering only joins the
 * parts and the arguments (`status` of 10,000 files renders 10,000 lines from three templates).
 */
export function textRenderer(catalog?: Catalog, escape?: (s: string) => string): (text: Text) => string {
  const compiled = new Map<string, { parts: string[]; slots: number[]; raw: string[] }>();
  return (text) => {
    // Joined lists and texts that render themselves (preformatted) go the usual way.
    if (text.separator !== undefined || text.constructor !== Text) return text.render(catalog, escape);
    let c = compiled.get(text.key);
    if (!c) compiled.set(text.key, (c = split(catalog?.[text.key] ?? text.key)));
    let out = c.parts[0]!;
    for (let i = 0; i < c.slots.length; i++) {
      const n = c.slots[i]!;
      const a = text.args[n];
      out += (a === undefined ? c.raw[i]! : a instanceof Text ? a.render(catalog, escape) : escape && typeof a === 'string' ? escape(a) : String(a)) + c.parts[i + 1]!;
    }
    return out;
  };
}

/** A template as its literal parts (braces undoubled) and the placeholder between each two, as `fill` reads it. */
function split(template: string): { parts: string[]; slots: number[]; raw: string[] } {
  const parts: string[] = [];
  const slots: number[] = [];
  const raw: string[] = [];
  let part = '';
  let last = 0;
  for (const m of template.matchAll(/\{\{|\}\}|\{(\d+)\}/g)) {
    part += template.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[1] === undefined) part += m[0][0];
    else {
      parts.push(part);
      slots.push(Number(m[1]));
      raw.push(m[0]);
      part = '';
    }
  }
  parts.push(part + template.slice(last));
  return { parts, slots, raw };
}

/** Keys by call site: a template's strings array is the same object at every evaluation. */
const keys = new WeakMap<TemplateStringsArray, string>();

/** The tag: t`file ${name} not found`. */
export function t(strings: TemplateStringsArray, ...args: TextArg[]): Text {
  let key = keys.get(strings);
  if (key === undefined) keys.set(strings, (key = templateKey(strings)));
  return new Text(key, args);
}

/** The catalog key of a template's literal parts (also used by the catalog completeness test). */
export function templateKey(parts: readonly string[]): string {
  let key = escapeBraces(parts[0]!);
  for (let i = 1; i < parts.length; i++) key += `{${i - 1}}${escapeBraces(parts[i]!)}`;
  return key;
}

/** Text that is not translated: a name, a path, a message from outside (the OS, a library). */
export function verbatim(s: string): Text {
  return new Text('{0}', [s]);
}

/**
 * Text that is already what a person should see — rendered and escaped, perhaps coloured by the
 * CLI — and is therefore never escaped again. Only for strings built from other texts' renderings
 * and the program's own literals, never for data.
 */
class Preformatted extends Text {
  constructor(s: string) {
    super('{0}', [s]);
  }

  override render(): string {
    return this.args[0] as string;
  }
}

export function preformatted(s: string): Text {
  return new Preformatted(s);
}

/**
 * A line laid out from pieces without words to translate: plain`  ${mark}  ${name}`. The
 * literal parts are the program's; the arguments are data, escaped like any text's when shown.
 */
export function plain(strings: TemplateStringsArray, ...args: TextArg[]): Text {
  const parts: TextArg[] = [];
  strings.forEach((s, i) => {
    if (s) parts.push(preformatted(s));
    if (i < args.length) parts.push(args[i]!);
  });
  return joinTexts(parts, '');
}

/** Several texts as one, e.g. the findings of a check joined by '; '. */
export function joinTexts(parts: readonly TextArg[], separator: string): Text {
  return new Text('', parts, separator);
}

function escapeBraces(s: string): string {
  return s.replace(/[{}]/g, (c) => c + c);
}

/** Replaces {n} with args[n] and {{ / }} with literal braces. */
function fill(template: string, args: readonly string[]): string {
  return template.replace(/\{\{|\}\}|\{(\d+)\}/g, (m, n: string | undefined) => (n === undefined ? m[0]! : (args[Number(n)] ?? m)));
}

/** The placeholders a template uses, e.g. [0, 1] (the catalog test compares them across languages). */
export function placeholders(template: string): number[] {
  const found = new Set<number>();
  for (const m of template.replace(/\{\{|\}\}/g, '').matchAll(/\{(\d+)\}/g)) found.add(Number(m[1]));
  return [...found].sort((a, b) => a - b);
}
