/**
 * $TSPROOF_HOME/config.json (TSAs, pins, policies) and the TSA's tsa.json. Most inputs are judged
 * in memory (the same parse and checks the readers run on a file's bytes); one in eight, and every
 * input over the settings-file limit, is written and read from disk as the CLI reads it.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkConfig, loadConfig } from '../../dist/core/home.js';
import { parseJsonSettings } from '../../dist/core/io/fs.js';
import { LIMITS } from '../../dist/core/limits.js';
import { checkTsaConfig, loadTsaConfig } from '../../dist/core/tsa/config.js';
import { pinsFromConfig } from '../../dist/core/verify/pins.js';
import { seeds } from '../lib/corpus.ts';
import { jsonInputs } from '../lib/inputs.ts';
import { scratchDir } from '../lib/scratch-dir.ts';
import { tolerate, type Target } from '../lib/target.ts';

let dir: string;
let n = 0;

export const target: Target = {
  name: 'config',
  about: "config files: $TSPROOF_HOME/config.json (TSAs, default identity, policies, pins) and the TSA's tsa.json",
  seeds: () => seeds('config'),
  inputs: (s) => jsonInputs(s, LIMITS.configBytes),
  setup() {
    dir = scratchDir('config');
  },
  async run(input) {
    if (n++ % 8 === 0 || input.length > LIMITS.configBytes) {
      writeFileSync(path.join(dir, 'config.json'), input);
      writeFileSync(path.join(dir, 'tsa.json'), input);
      await tolerate(async () => pinsFromConfig((await loadConfig(dir)).pins as Record<string, unknown> | undefined));
      await loadTsaConfig(dir);
      return;
    }
    await tolerate(() => pinsFromConfig(checkConfig(parseJsonSettings(input, path.join(dir, 'config.json')), path.join(dir, 'config.json')).pins as Record<string, unknown> | undefined));
    checkTsaConfig(parseJsonSettings(input, path.join(dir, 'tsa.json')), dir);
  },
};
