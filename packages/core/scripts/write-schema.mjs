// Regenerates the experiment file's JSON Schema from the zod schema, so editors can validate
// experiment files that point "$schema" at it: docs/experiment.schema.json for the repository's
// own experiments, and a copy in this package (published, exported as
// "@fedtune/core/experiment.schema.json") for experiments outside the repository. Run after
// `npm run build`; a test fails while either file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { experimentJsonSchema } from '../dist/experiment/index.js';

const text = `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`;
for (const target of ['../../../docs/experiment.schema.json', '../experiment.schema.json']) {
  const path = fileURLToPath(new URL(target, import.meta.url));
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
}
