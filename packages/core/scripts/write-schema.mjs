// Regenerates docs/experiment.schema.json from the zod schema, so editors can validate experiment
// files that point "$schema" at it. Run after `npm run build`; a test fails while the file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { experimentJsonSchema } from '../dist/experiment/index.js';

const target = fileURLToPath(new URL('../../../docs/experiment.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
