import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { experimentJsonSchema } from '../../src/experiment/jsonSchema.js';

describe('docs/experiment.schema.json', () => {
  it('matches the zod schema', () => {
    const published = readFileSync(new URL('../../../../docs/experiment.schema.json', import.meta.url), 'utf8');
    expect(published, 'stale: run `npm run build && node scripts/write-schema.mjs` in packages/core').toBe(
      `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`,
    );
  });

  it('lets files with defaults omit them, but requires what has none', () => {
    const schema = experimentJsonSchema();
    expect(schema.required).toEqual(['data', 'training']);
    expect(schema.properties?.training?.required).toEqual(['rounds']);
    expect(schema.additionalProperties).toBe(false);
  });
});
