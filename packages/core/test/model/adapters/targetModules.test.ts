import { describe, expect, it } from 'vitest';
import type { LinearModuleInfo } from '../../../src/contracts/adapter.js';
import { resolveTargetModules, targetKeyMatches } from '../../../src/model/adapters/targetModules.js';

const linear = (name: string, isHead = false): LinearModuleInfo => ({ name, inFeatures: 4, outFeatures: 4, isHead });
/** Two GPT-2 blocks as Hugging Face names them, and the LM head. */
const gpt2Modules = [0, 1]
  .flatMap((i) => ['attn.c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj'].map((path) => linear(`transformer.h.${i}.${path}`)))
  .concat(linear('lm_head', true));
const names = (modules: readonly LinearModuleInfo[]) => modules.map((module) => module.name);

describe('target modules matched as PEFT matches a list', () => {
  it('selects by the last path components or the full path, never by a partial component', () => {
    expect(targetKeyMatches('c_attn', 'transformer.h.0.attn.c_attn')).toBe(true);
    expect(targetKeyMatches('attn.c_attn', 'transformer.h.0.attn.c_attn')).toBe(true);
    expect(targetKeyMatches('transformer.h.0.attn.c_attn', 'transformer.h.0.attn.c_attn')).toBe(true);
    expect(targetKeyMatches('attn', 'transformer.h.0.c_attn')).toBe(false);
    expect(targetKeyMatches('proj', 'transformer.h.0.attn.c_proj')).toBe(false);
  });

  it('adapts every block for a suffix, in model order, and one module for a path', () => {
    expect(names(resolveTargetModules(gpt2Modules, ['c_attn']))).toEqual(['transformer.h.0.attn.c_attn', 'transformer.h.1.attn.c_attn']);
    // attn.c_proj and mlp.c_proj share their last component; the longer key tells them apart.
    expect(names(resolveTargetModules(gpt2Modules, ['attn.c_proj', 'c_attn']))).toEqual([
      'transformer.h.0.attn.c_attn',
      'transformer.h.0.attn.c_proj',
      'transformer.h.1.attn.c_attn',
      'transformer.h.1.attn.c_proj',
    ]);
    expect(names(resolveTargetModules(gpt2Modules, ['c_proj']))).toHaveLength(4);
    expect(names(resolveTargetModules(gpt2Modules, ['transformer.h.1.mlp.c_fc']))).toEqual(['transformer.h.1.mlp.c_fc']);
    expect(names(resolveTargetModules(gpt2Modules, undefined))).toHaveLength(8);
  });

  it('refuses a key that matches nothing, naming the suffixes available', () => {
    expect(() => resolveTargetModules(gpt2Modules, ['q_proj'])).toThrow(
      /"q_proj" matches no module; available modules: c_attn, c_proj, c_fc, or full paths such as transformer\.h\.0\.attn\.c_attn/
    );
  });

  it('refuses the head, even by suffix', () => {
    expect(() => resolveTargetModules(gpt2Modules, ['lm_head'])).toThrow(/is the head \("lm_head"\)/);
  });
});
