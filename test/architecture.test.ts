/** The core knows nothing of the CLI; third-party libraries stay behind one module each. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/fixtures.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const core = files(path.join(ROOT, 'src', 'core'));
const imports = (f: string) => [...readFileSync(f, 'utf8').matchAll(/^import\s[^;]*?from\s+'([^']+)'|import\('([^']+)'\)/gms)].map((m) => (m[1] ?? m[2])!);

describe('architecture', () => {
  it('has core modules to check', () => expect(core.length).toBeGreaterThan(20));

  it('src/core never imports the CLI, commander or chalk, and never touches process output or exit', () => {
    for (const f of core) {
      const text = readFileSync(f, 'utf8');
      for (const i of imports(f)) {
        expect(i, f).not.toMatch(/^(commander|chalk)$|\/cli\//);
      }
      expect(text, f).not.toMatch(/process\.(exit|stdout|stderr)/);
      expect(text, f).not.toMatch(/console\./);
    }
  });

  it('fast-glob is used only by io/files.ts; node-forge nowhere (RC2 is crypto/rc2.ts)', () => {
    for (const f of core) {
      const rel = path.relative(path.join(ROOT, 'src', 'core'), f);
      expect(imports(f), rel).not.toContain('node-forge');
      if (imports(f).includes('fast-glob')) expect(rel).toBe(path.join('io', 'files.ts'));
    }
  });
});
