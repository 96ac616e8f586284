/**
 * Issue 14: one naming rule for hash, register and verify --dir (docs/files.md#names). A table of
 * inputs, each given from several current folders, and the names each must record.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFiles } from '../../src/core/io/files.js';
import { InputError } from '../../src/core/errors.js';

let root: string;
// root/srv/cad/project/{README.md, mech/bracket/part.step}, root/srv/cad/other/README.md, root/elsewhere/
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'tsproof-names-'));
  for (const d of ['srv/cad/project/mech/bracket', 'srv/cad/other', 'elsewhere']) mkdirSync(path.join(root, d), { recursive: true });
  writeFileSync(path.join(root, 'srv/cad/project/README.md'), 'p');
  writeFileSync(path.join(root, 'srv/cad/project/mech/bracket/part.step'), 'step');
  writeFileSync(path.join(root, 'srv/cad/other/README.md'), 'o');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const names = async (inputs: string[], cwd: string, base?: string) => (await collectFiles(inputs, path.join(root, cwd), base !== undefined ? { base } : {})).files.map((f) => f.name);
const PROJECT = ['project/README.md', 'project/mech/bracket/part.step'];

describe('names (docs/files.md#names)', () => {
  const table: { what: string; cwd: string; inputs: (r: string) => string[]; base?: string; want: string[] }[] = [
    { what: 'a folder from its parent', cwd: 'srv/cad', inputs: () => ['project'], want: PROJECT },
    { what: 'a folder by absolute path from elsewhere', cwd: 'elsewhere', inputs: (r) => [path.join(r, 'srv/cad/project')], want: PROJECT },
    { what: 'a folder through ..', cwd: 'srv/cad/other', inputs: () => ['../project'], want: PROJECT },
    { what: 'the folder holding the current one (..)', cwd: 'srv/cad/project/mech', inputs: () => ['..'], want: PROJECT },
    { what: 'the current folder (.) records its content', cwd: 'srv/cad/project', inputs: () => ['.'], want: ['README.md', 'mech/bracket/part.step'] },
    { what: 'a folder inside the current one, as typed', cwd: 'srv', inputs: () => ['cad/project/mech'], want: ['cad/project/mech/bracket/part.step'] },
    { what: 'a file inside the current folder, as typed', cwd: 'srv/cad', inputs: () => ['project/mech/bracket/part.step'], want: ['project/mech/bracket/part.step'] },
    { what: 'a file outside it: its name', cwd: 'elsewhere', inputs: (r) => [path.join(r, 'srv/cad/project/mech/bracket/part.step')], want: ['part.step'] },
    { what: 'a glob inside the current folder', cwd: 'srv/cad', inputs: () => ['project/**/*.step'], want: ['project/mech/bracket/part.step'] },
    { what: 'an absolute glob from elsewhere: below its fixed folder’s parent', cwd: 'elsewhere', inputs: (r) => [`${path.join(r, 'srv/cad/project')}/**/*.step`], want: ['project/mech/bracket/part.step'] },
    { what: 'a glob through ..', cwd: 'srv/cad/other', inputs: () => ['../project/*/*/*.step'], want: ['project/mech/bracket/part.step'] },
    { what: 'two folders', cwd: 'elsewhere', inputs: (r) => [path.join(r, 'srv/cad/project'), '../srv/cad/other'], want: ['other/README.md', ...PROJECT] },
    { what: '-C: inputs from the base, names relative to it', cwd: 'elsewhere', base: '../srv', inputs: () => ['cad/project'], want: PROJECT.map((n) => `cad/${n}`) },
    { what: '-C with an absolute input below the base', cwd: 'elsewhere', base: '../srv/cad/project', inputs: (r) => [path.join(r, 'srv/cad/project/mech')], want: ['mech/bracket/part.step'] },
    { what: '-C .', cwd: 'srv/cad/project', base: '.', inputs: () => ['mech'], want: ['mech/bracket/part.step'] },
  ];
  for (const row of table) {
    it(row.what, async () => {
      expect(await names(row.inputs(root), row.cwd, row.base)).toEqual(row.want);
    });
  }

  it('the same tree gives the same names from three current folders', async () => {
    const abs = path.join(root, 'srv/cad/project');
    const runs = [await names(['project'], 'srv/cad'), await names([abs], 'elsewhere'), await names(['../project'], 'srv/cad/other')];
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });

  it('two inputs that would collide are refused, naming both paths', async () => {
    const err = await collectFiles([path.join(root, 'srv/cad/project/README.md'), path.join(root, 'srv/cad/other/README.md')], path.join(root, 'elsewhere')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as InputError).text.render();
    expect(msg).toContain('"README.md"');
    expect(msg).toContain(path.join(root, 'srv/cad/project/README.md'));
    expect(msg).toContain(path.join(root, 'srv/cad/other/README.md'));
    expect(msg).toContain('-C');
  });

  it('-C refuses an input outside the base, and a base that is not a folder', async () => {
    await expect(collectFiles(['../other'], path.join(root, 'elsewhere'), { base: '../srv/cad/project' })).rejects.toThrow(/outside the base folder/);
    await expect(collectFiles(['x'], path.join(root, 'elsewhere'), { base: '../srv/cad/project/README.md' })).rejects.toThrow(/not a folder/);
  });
});
