import { describe, expect, it } from 'vitest';
import { CONTRACT_TOKENS, type ContractKind } from '../../src/contracts/tokens.js';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { optionsJsonSchema } from '../../src/experiment/optionsJsonSchema.js';
import { listNamed } from '../../src/plugins/registry.js';

const container = createFedtuneContainer();
const factories = (Object.keys(CONTRACT_TOKENS) as ContractKind[]).flatMap((kind) =>
  listNamed(container, kind).map((factory) => ({ kind, factory })),
);

describe("core's components describe themselves for `fedtune list`", () => {
  it.each(factories.map(({ kind, factory }) => [`${kind} ${factory.name}`, factory] as const))(
    '%s has one line of help and the schema its factory validates with',
    (_, factory) => {
      expect(factory.description).toMatch(/^[^\n]{10,160}$/);
      const schema = factory.optionsSchema;
      expect(schema).toBeDefined();
      // The same schema as create's: an unknown option is refused by both, with the same name in the message.
      expect(schema?.safeParse({ noSuchOption: 1 }).success).toBe(false);
      expect(() => factory.create({ noSuchOption: 1 }, { seed: 0, numClients: 4 })).toThrow(/options\.noSuchOption: unknown option/);
      const properties = optionsJsonSchema(schema!).properties ?? {};
      for (const [name, node] of Object.entries(properties)) {
        // Every option of core's components says what it is for.
        expect({ name, description: node.description }).toEqual({ name, description: expect.stringMatching(/\S/) });
      }
    },
  );
});
