import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, PluginError } from '../../../../src/errors.js';
import {
  BUILT_IN_HF_ARCHITECTURES,
  hfArchitectureFor,
  registerHfArchitecture,
  supportedHfClassNames,
} from '../../../../src/model/architectures/huggingface/hfArchitectureRegistry.js';
import { fakeFamily } from '../../formats/huggingface/fakeHfFamily.js';

const otherFamily = { ...fakeFamily, classNames: ['OtherForCausalLM', 'OtherLMHeadModel'], modelType: 'other' };
const builtInClasses = BUILT_IN_HF_ARCHITECTURES.flatMap((family) => family.classNames);
const supported = [...builtInClasses, 'FakeForCausalLM', 'OtherForCausalLM', 'OtherLMHeadModel'].sort();

beforeAll(() => {
  registerHfArchitecture(fakeFamily);
  registerHfArchitecture(otherFamily);
});

describe('hfArchitectureFor', () => {
  it('picks the family claiming the class architectures[0] names, before model_type', () => {
    expect(hfArchitectureFor({ architectures: ['OtherLMHeadModel'], model_type: 'fake' }, 'config.json')).toBe(otherFamily);
    expect(hfArchitectureFor({ architectures: ['FakeForCausalLM', 'OtherForCausalLM'] }, 'config.json')).toBe(fakeFamily);
  });

  it('falls back to model_type when architectures is absent or names no registered class', () => {
    expect(hfArchitectureFor({ model_type: 'other' }, 'config.json')).toBe(otherFamily);
    expect(hfArchitectureFor({ architectures: ['OtherModel'], model_type: 'other' }, 'config.json')).toBe(otherFamily);
  });

  it('refuses a config no family loads, listing the supported class names', () => {
    const find = (): unknown => hfArchitectureFor({ architectures: ['BertModel'], model_type: 'bert' }, 'm/config.json');
    expect(find).toThrow(CheckpointError);
    expect(find).toThrow(
      'm/config.json names architectures[0] "BertModel" and model_type "bert", which no model family fedtune knows loads; ' +
        `supported classes: ${supported.join(', ')} (`
    );
    expect(() => hfArchitectureFor({ architectures: 'FakeForCausalLM' }, 'config.json')).toThrow(
      'names no "architectures" class and no "model_type"'
    );
  });

  it('finds every built-in family by each of its class names and by its model type', () => {
    for (const family of BUILT_IN_HF_ARCHITECTURES) {
      for (const className of family.classNames) expect(hfArchitectureFor({ architectures: [className] }, 'config.json')).toBe(family);
      expect(hfArchitectureFor({ model_type: family.modelType }, 'config.json')).toBe(family);
    }
  });
});

describe('registerHfArchitecture', () => {
  it('refuses a family claiming a class name or model type another family loads', () => {
    expect(() => registerHfArchitecture({ ...fakeFamily, classNames: ['NewModel', 'OtherLMHeadModel'], modelType: 'new' })).toThrow(
      PluginError
    );
    expect(() => registerHfArchitecture({ ...fakeFamily, classNames: ['NewModel'], modelType: 'other' })).toThrow(
      'model_type "other" is already registered'
    );
    // A refused family leaves nothing behind.
    expect(supportedHfClassNames()).toEqual(supported);
  });
});
