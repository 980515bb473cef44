import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../../../src/errors.js';
import { MAX_HF_LAYERS } from '../../../../src/model/architectures/huggingface/hfConfigReader.js';
import { llamaArchitecture } from '../../../../src/model/architectures/llama/index.js';
import { llamaConfigJson } from './llamaFolder.js';

const SOURCE = 'checkpoints/tiny-llama/config.json';

function parse(json: Record<string, unknown>) {
  return llamaArchitecture.parseConfig(json, SOURCE);
}

/** The config.json of a checkpoint with `changes` applied (`undefined` removes a field). */
function withChanges(changes: Record<string, unknown>): Record<string, unknown> {
  const json = { ...llamaConfigJson({ kvHeads: 2, headDim: 8 }), ...changes };
  for (const [field, value] of Object.entries(changes)) if (value === undefined) delete json[field];
  return json;
}

describe('LLaMA config.json', () => {
  it('reads the sizes and switches, in Hugging Face’s field names', () => {
    expect(parse(llamaConfigJson({ kvHeads: 2, headDim: 12, ropeTheta: 500000, tied: true, attentionBias: true }))).toEqual({
      vocabSize: 103,
      hiddenSize: 32,
      intermediateSize: 64,
      layers: 2,
      heads: 4,
      kvHeads: 2,
      headDim: 12,
      rmsNormEps: 1e-6,
      ropeTheta: 500000,
      maxPositions: 16,
      tieWordEmbeddings: true,
      attentionBias: true,
      mlpBias: false,
    });
  });

  it('takes LlamaConfig’s defaults for the fields older configs lack or leave null', () => {
    const config = parse(
      withChanges({
        num_key_value_heads: null,
        head_dim: undefined,
        rms_norm_eps: undefined,
        rope_theta: undefined,
        rope_scaling: undefined,
        hidden_act: undefined,
        tie_word_embeddings: undefined,
        attention_bias: undefined,
        mlp_bias: undefined,
      })
    );
    expect(config).toMatchObject({
      kvHeads: 4,
      headDim: 8,
      rmsNormEps: 1e-6,
      ropeTheta: 10000,
      tieWordEmbeddings: false,
      attentionBias: false,
      mlpBias: false,
    });
  });

  it('accepts rotary settings that name the unscaled type, and reads transformers 5’s rope_parameters', () => {
    expect(parse(withChanges({ rope_scaling: { rope_type: 'default' } })).ropeTheta).toBe(10000);
    expect(parse(withChanges({ rope_theta: undefined, rope_parameters: { rope_type: 'default', rope_theta: 500000 } })).ropeTheta).toBe(
      500000
    );
  });

  const refusals: [string, Record<string, unknown>, string][] = [
    ['a missing vocab_size', { vocab_size: undefined }, '"vocab_size" is absent; it must be a positive integer'],
    ['a hidden_size given as text', { hidden_size: '32' }, '"hidden_size" is "32"; it must be a positive integer'],
    ['a fractional intermediate_size', { intermediate_size: 64.5 }, '"intermediate_size" is 64.5; it must be a positive integer'],
    ['zero layers', { num_hidden_layers: 0 }, '"num_hidden_layers" is 0; it must be a positive integer'],
    ['zero key/value heads', { num_key_value_heads: 0 }, '"num_key_value_heads" is 0; it must be a positive integer, or null for num_attention_heads'],
    [
      'more layers than the documented limit',
      { num_hidden_layers: MAX_HF_LAYERS + 1 },
      `"num_hidden_layers" is ${MAX_HF_LAYERS + 1}; fedtune loads at most ${MAX_HF_LAYERS} layers`,
    ],
    ['a missing num_attention_heads', { num_attention_heads: undefined }, '"num_attention_heads" is absent'],
    ['a missing max_position_embeddings', { max_position_embeddings: undefined }, '"max_position_embeddings" is absent'],
    [
      'key/value heads that do not divide the query heads',
      { num_key_value_heads: 3 },
      '"num_key_value_heads" is 3; it must divide num_attention_heads (4)',
    ],
    [
      'a hidden_size the heads do not divide, without head_dim',
      { hidden_size: 30, head_dim: undefined },
      '"hidden_size" is 30; without head_dim it must be a multiple of num_attention_heads (4)',
    ],
    ['an odd head_dim', { head_dim: 7 }, '"head_dim" is 7; the head width 7 must be even'],
    ['a GELU activation', { hidden_act: 'gelu' }, '"hidden_act" is "gelu"; fedtune\'s LLaMA supports "silu"'],
    ['a negative rms_norm_eps', { rms_norm_eps: -1e-6 }, '"rms_norm_eps" is -0.000001; it must be a positive number'],
    ['a zero rope_theta', { rope_theta: 0 }, '"rope_theta" is 0; it must be a positive number'],
    [
      'linear rope scaling (older "type" key)',
      { rope_scaling: { type: 'linear', factor: 2 } },
      '"rope_scaling" is {"type":"linear","factor":2}; it has rope_type "linear", but only unscaled rotary positions are supported (null, or rope_type "default")',
    ],
    [
      'Llama 3.1 rope scaling',
      { rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4 } },
      '"rope_scaling" is {"rope_type":"llama3","factor":8,"low_freq_factor":1,"high_freq_factor":4}; it has rope_type "llama3", but only unscaled',
    ],
    [
      'rope scaling that names no type',
      { rope_scaling: { factor: 2 } },
      '"rope_scaling" is {"factor":2}; it names no rope_type, but only unscaled rotary positions are supported',
    ],
    ['rope scaling that is no object', { rope_scaling: 'linear' }, '"rope_scaling" is "linear"; it must be an object or null'],
    [
      'scaled transformers 5 rope_parameters',
      { rope_parameters: { rope_type: 'yarn', rope_theta: 10000, factor: 4 } },
      '"rope_parameters" is {"rope_type":"yarn","rope_theta":10000,"factor":4}; it has rope_type "yarn"',
    ],
    [
      'a negative theta inside rope_parameters',
      { rope_parameters: { rope_type: 'default', rope_theta: -1 } },
      '"rope_parameters.rope_theta" is -1; it must be a positive number',
    ],
    ['tie_word_embeddings as text', { tie_word_embeddings: 'yes' }, '"tie_word_embeddings" is "yes"; it must be true or false'],
    ['attention_bias as a number', { attention_bias: 1 }, '"attention_bias" is 1; it must be true or false'],
    ['mlp_bias as text', { mlp_bias: 'false' }, '"mlp_bias" is "false"; it must be true or false'],
  ];
  for (const [what, changes, message] of refusals) {
    it(`refuses ${what}, naming the file, the field, the value and what is supported`, () => {
      const parsing = () => parse(withChanges(changes));
      expect(parsing).toThrow(CheckpointError);
      expect(parsing).toThrow(`${SOURCE}: ${message}`);
    });
  }
});
