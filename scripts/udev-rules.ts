/**
 * `npm run udev-rules`: writes hardware/udev/99-hearth-radios.rules from hardware/sticks.json
 * (test/hardware/sticks.test.ts fails when the committed file is stale).
 */
import { writeFileSync } from 'node:fs';
import { loadSticks, udevRules, udevRulesFile } from '../src/hardware/sticks.js';

writeFileSync(udevRulesFile, udevRules(loadSticks()));
process.stdout.write(`wrote ${udevRulesFile}\n`);
