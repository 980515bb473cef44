import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { experimentJsonSchema } from '../../src/experiment/jsonSchema.js';

describe('docs/experiment.schema.json', () => {
  it('matches the zod schema, as does the copy published in the package', () => {
    for (const copy of ['../../../../docs/experiment.schema.json', '../../experiment.schema.json']) {
      const published = readFileSync(new URL(copy, import.meta.url), 'utf8');
      expect(published, `${copy} is stale: run \`npm run build && npm run schema\` in packages/core`).toBe(
        `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`,
      );
    }
  });

  it('lets files with defaults omit them, but requires what has none', () => {
    const schema = experimentJsonSchema();
    expect(schema.required).toEqual(['data', 'training']);
    expect(schema.properties?.training?.required).toEqual(['rounds']);
    expect(schema.additionalProperties).toBe(false);
  });
});
