import { describe, expect, it } from 'vitest';
import { coreArchitectures, coreComponents } from '../../src/builtins/coreComponents.js';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { CONTRACT_TOKENS, type ContractKind } from '../../src/contracts/tokens.js';
import { architectureNames } from '../../src/model/architectures/architectureRegistry.js';
import { supportedHfClassNames } from '../../src/model/architectures/huggingface/hfArchitectureRegistry.js';
import { listNamed } from '../../src/plugins/registry.js';

const container = createFedtuneContainer();

describe("core's component manifest, which `fedtune list` reads instead of registering core", () => {
  it.each(Object.keys(CONTRACT_TOKENS) as ContractKind[])(
    'lists the %ss core registers, each with the very schema object its factory validates with',
    (kind) => {
      const registered = listNamed(container, kind);
      const listed = [...(coreComponents[kind] ?? [])].sort((a, b) => a.name.localeCompare(b.name));
      expect(listed.map(({ name, plugin, description }) => ({ name, plugin, description }))).toEqual(
        registered.map(({ name, plugin, description }) => ({ name, plugin, description })),
      );
      listed.forEach((component, i) => expect(component.optionsSchema).toBe(registered[i]?.optionsSchema));
    },
  );

  it('names the architectures and Hugging Face classes the registries hold', () => {
    expect(coreArchitectures.baseFiles).toEqual(architectureNames());
    expect(coreArchitectures.huggingFaceClasses).toEqual(supportedHfClassNames());
  });
});
