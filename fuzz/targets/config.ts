/** $TSPROOF_HOME/config.json (TSAs, pins, policies) and the TSA's tsa.json, as read from disk. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../dist/core/home.js';
import { loadTsaConfig } from '../../dist/core/tsa/config.js';
import { pinsFromConfig } from '../../dist/core/verify/pins.js';
import { seeds } from '../lib/corpus.ts';
import { jsonInputs } from '../lib/inputs.ts';
import { scratchDir } from '../lib/scratch-dir.ts';
import { tolerate, type Target } from '../lib/target.ts';

let dir: string;

export const target: Target = {
  name: 'config',
  about: "config files: $TSPROOF_HOME/config.json (TSAs, default identity, policies, pins) and the TSA's tsa.json",
  seeds: () => seeds('config'),
  inputs: jsonInputs,
  setup() {
    dir = scratchDir('config');
  },
  async run(input) {
    writeFileSync(path.join(dir, 'config.json'), input);
    writeFileSync(path.join(dir, 'tsa.json'), input);
    await tolerate(async () => pinsFromConfig((await loadConfig(dir)).pins as Record<string, unknown> | undefined));
    await loadTsaConfig(dir);
  },
};
