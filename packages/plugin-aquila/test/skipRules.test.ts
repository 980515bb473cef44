import {
  assertComponentsCompatible,
  buildComponents,
  ConfigError,
  createFedtuneContainer,
  type Backend,
  type Compressor,
  UniformSelector,
} from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import {
  aquilaCompressorFactory,
  AquilaSelector,
  GridInnovationCompressor,
  laqWeightedStepSum,
  LaqSelector,
  observeGlobalStep,
  parseAquilaSelectorOptions,
  parseLaqSelectorOptions,
  plugin,
} from '../src/index.js';
import { backend, codecContext, factoryContext, freshMemory, uploadContext } from './helpers.js';

const aquila = (options: Record<string, unknown> = {}) => new AquilaSelector(parseAquilaSelectorOptions(options));
const laq = (options: Record<string, unknown> = {}) => new LaqSelector(parseLaqSelectorOptions(options));

/**
 * One client's rounds, worked by hand for d = 2 (every b* here is 1: the grid is q ± R).
 *
 * - round 0: g = (1, 0.5), q = 0 → R = 1, Q(g) = (1, 1); first upload. ε = (0, −0.5), ‖ε‖² = 0.25.
 * - round 1: the global model moved by (1, 1), ‖step‖² = 2. g = (1, 1.5): innovation (0, 0.5), R = 0.5,
 *   Q(g) = (1.5, 1.5); ‖Δq‖² = 0.5, ‖ε‖² = 0.25. LHS = 0.5 + γ·0.25, threshold β·2.
 * - round 2: the global model moved by (0.5, 0), ‖step‖² = 0.25; the same g → the same LHS, threshold β·0.25.
 * - round 3: moved by (1, 1) again; g = (1.5, 1.5) equals the last upload: nothing to send.
 */
const rounds = [
  { update: [1, 0.5], global: [0, 0], previousGlobal: [0, 0] },
  { update: [1, 1.5], global: [1, 1], previousGlobal: [0, 0] },
  { update: [1, 1.5], global: [1.5, 1], previousGlobal: [1, 1] },
  { update: [1.5, 1.5], global: [2.5, 2], previousGlobal: [1.5, 1] },
];

/**
 * The selector's decisions over `sequence`, as the engine takes them: the paired compressor prepares
 * each upload, the selector judges it, and an upload that goes is encoded from what was prepared.
 */
function decisions(selector: AquilaSelector | LaqSelector, sequence = rounds, laqBits = 1, numeric: Backend = backend): boolean[] {
  const memory = freshMemory('selector');
  const compressorMemory = freshMemory('compressor');
  const compressor = new GridInnovationCompressor(selector.name, selector.name === 'aquila' ? 'AQLA' : 'LAQG', selector.name === 'aquila' ? 'bStar' : laqBits);
  return sequence.map((r, round) => {
    const codec = { ...codecContext(compressorMemory, round), backend: numeric };
    const update = Float32Array.from(r.update);
    const prepared = compressor.prepare(update, codec);
    const send = selector.shouldUpload({ ...uploadContext(memory, round, r.update, r.global, r.previousGlobal), backend: numeric, prepared });
    if (send) compressor.encode(update, codec, prepared);
    return send;
  });
}

describe('aquila selector, innovation form: ‖Δq‖² + γ‖ε‖² > (β/α²)·‖θ^k − θ^{k−1}‖²', () => {
  it('decides the hand-worked sequence', () => {
    // γ = 1, β = 0.5: round 1 0.75 ≤ 1 skips, round 2 0.75 > 0.125 uploads, round 3 has nothing new.
    expect(decisions(aquila())).toEqual([true, false, true, false]);
    // β = 4: thresholds 8 and 1 both exceed 0.75.
    expect(decisions(aquila({ beta: 4 }))).toEqual([true, false, false, false]);
    // γ = 3: round 1's LHS is 0.5 + 0.75 = 1.25 > 1, so q = (1.5, 1.5). Round 2's innovation (−0.5, 0) gives
    // Q(g) = (1, 2), LHS 0.5 + 3·0.25 > 0.125. Round 3's innovation (0.5, −0.5) is sent exactly: 0.5 ≤ 1.
    expect(decisions(aquila({ gamma: 3 }))).toEqual([true, true, true, false]);
    // α = 2 divides every threshold by 4 (0.25, 0.03125, 0.25): each round has something above it.
    expect(decisions(aquila({ alpha: 2 }))).toEqual([true, true, true, true]);
  });

  it('lets a client upload once it has skipped C times in a row', () => {
    const big = { update: [1, 1.5], global: [10, 10], previousGlobal: [0, 0] }; // threshold 0.5·200 = 100
    const sequence = [rounds[0]!, big, big, big];
    expect(decisions(aquila(), sequence)).toEqual([true, false, false, false]);
    expect(decisions(aquila({ maxStaleness: 2 }), sequence)).toEqual([true, false, false, true]);
  });

  it('judges the upload the aquila compressor prepared: one quantisation per upload, one copy of q_m', () => {
    let quantisations = 0;
    const counting: Backend = Object.create(backend, {
      gridQuantize: { value: (...args: Parameters<Backend['gridQuantize']>) => (quantisations++, backend.gridQuantize(...args)) },
    }) as Backend;
    const selectorMemory = freshMemory('selector');
    const compressorMemory = freshMemory('compressor');
    const compressor = aquilaCompressorFactory.create({}, factoryContext) as Compressor;
    const selector = aquila();
    const sent: Uint8Array[] = [];
    rounds.forEach((r, round) => {
      const codec = { ...codecContext(compressorMemory, round), backend: counting };
      const update = Float32Array.from(r.update);
      const prepared = compressor.prepare?.(update, codec);
      const context = { ...uploadContext(selectorMemory, round, r.update, r.global, r.previousGlobal), backend: counting, prepared };
      if (selector.shouldUpload(context)) sent.push(compressor.encode(update, codec, prepared));
    });
    expect(quantisations).toBe(rounds.length);
    expect(sent).toHaveLength(2);
    expect(selectorMemory.get('lastUpload')).toBeUndefined();
    expect(Array.from(compressorMemory.get('lastUpload') as Float32Array)).toEqual([1.5, 1.5]);
  });

  it('refuses to judge an upload no grid compressor prepared', () => {
    const context = uploadContext(freshMemory('selector'), 0, [1, 0.5], [0, 0], [0, 0]);
    expect(() => aquila().shouldUpload(context)).toThrow(/set compressor to "aquila"/);
  });
});

describe('aquila selector, officialUuu form: ‖q_m‖² + ‖ε at the last upload‖² > (β/α²)·‖step‖²', () => {
  it('weighs the last upload, not the new one', () => {
    // Round 1: ‖(1, 1)‖² + 0.25 = 2.25 > 0.5·2; round 2: ‖(1.5, 1.5)‖² + 0.25 = 4.75 > 0.125, sending
    // Q(g) = (1, 2); round 3: ‖(1, 2)‖² + 0.25 = 5.25 > 1, although the innovation alone would not pass.
    expect(decisions(aquila({ ruleVariant: 'officialUuu' }))).toEqual([true, true, true, true]);
    // β = 2: round 1's threshold is 4 > 2.25 (skip); round 2's is 0.5 < 2.25 (upload).
    expect(decisions(aquila({ ruleVariant: 'officialUuu', beta: 2 }))).toEqual([true, false, true, false]);
  });
});

describe('laq selector: ‖Q(g) − q‖² > Σ_d ξ_d‖step_d‖²/α² + 3(‖ε‖² + ‖ε̂‖²)', () => {
  it('decides a hand-worked sequence with b = 1 and D = 2', () => {
    // round 1: 0.5 vs 0.8·2 + 3·(0.25 + 0.25) = 3.1 → skip.
    // round 2: g = (5, −3), innovation (4, −4) → Q(g) = (5, −3) exactly, ‖Δq‖² = 32, ε = 0;
    //   steps seen: round 2 (0.25) and round 1 (2) → 0.8/2·(0.25 + 2) = 0.9; + 3·(0 + 0.25) → 1.65 → upload.
    const sequence = [rounds[0]!, rounds[1]!, { update: [5, -3], global: [1.5, 1], previousGlobal: [1, 1] }];
    expect(decisions(laq({ window: 2 }), sequence, 1)).toEqual([true, false, true]);
  });

  it('weighs past global steps as LAQ does, filling the rounds a client missed with the next newer step', () => {
    // Round 5, D = 3: steps of rounds 5, 4, 3 → 0.4, (4 unseen →) 0.4, 0.1; 0.8/3 · 0.9 = 0.24.
    const observed = new Map([
      [5, 0.4],
      [3, 0.1],
    ]);
    expect(laqWeightedStepSum(observed, 5, 3, 0.8)).toBeCloseTo(0.24, 12);
    // Round 1: one past step only, weight 0.8/1. Round 0: none.
    expect(laqWeightedStepSum(new Map([[1, 2]]), 1, 10, 0.8)).toBeCloseTo(1.6, 12);
    expect(laqWeightedStepSum(new Map([[0, 0]]), 0, 10, 0.8)).toBe(0);
  });

  it('keeps only the steps of the last D rounds in client memory', () => {
    const memory = freshMemory('selector');
    observeGlobalStep(memory, 1, 2, 3);
    observeGlobalStep(memory, 3, 0.5, 3);
    const window = observeGlobalStep(memory, 5, 0.25, 3);
    expect([...window].sort((a, b) => a[0] - b[0])).toEqual([
      [3, 0.5],
      [5, 0.25],
    ]);
  });
});

describe('sampling and options', () => {
  it('samples participants exactly as core uniform sampling does', () => {
    const context = {
      round: 4,
      clientIds: Array.from({ length: 50 }, (_, i) => i),
      random: { seed: 3, round: 4, client: 0, stream: 1 },
    };
    const expected = new UniformSelector(0.2).sample(context);
    expect(expected).toHaveLength(10);
    expect(aquila({ fraction: 0.2 }).sample(context)).toEqual(expected);
    expect(laq({ fraction: 0.2 }).sample(context)).toEqual(expected);
  });

  it('fills defaults and rejects bad values and unknown keys', () => {
    expect(parseAquilaSelectorOptions({})).toEqual({
      fraction: 1,
      ruleVariant: 'innovation',
      gamma: 1,
      beta: 0.5,
      alpha: 1,
      maxStaleness: 100,
    });
    expect(parseLaqSelectorOptions({})).toEqual({
      fraction: 1,
      window: 10,
      xi: 0.8,
      alpha: 1,
      maxStaleness: 100,
    });
    expect(() => parseAquilaSelectorOptions({ ruleVariant: 'uuu' })).toThrow(/options\.ruleVariant/);
    expect(() => parseAquilaSelectorOptions({ fraction: 0 })).toThrow(ConfigError);
    expect(() => parseAquilaSelectorOptions({ C: 10 })).toThrow(ConfigError);
    expect(() => parseLaqSelectorOptions({ window: 0 })).toThrow(/options\.window/);
    // One bit width, on the compressor: the rule judges the upload that compressor prepares.
    expect(() => parseLaqSelectorOptions({ bits: 6 })).toThrow(/options\.bits: .*set it on the compressor/);
  });
});

describe('pairings the engine refuses before round 0', () => {
  const container = createFedtuneContainer();
  plugin.register(container);
  const components = (selector: string, compressor: string) =>
    buildComponents(
      container,
      {
        backend: { name: 'reference', options: {} },
        adapter: { name: 'lora', options: {} },
        compressor: { name: compressor, options: {} },
        selector: { name: selector, options: { fraction: 0.5 } },
        aggregator: { name: 'aquila', options: {} },
        channel: { name: 'reliable', options: {} },
      },
      factoryContext,
    );
  const shape = { taskSlots: false, slices: false };

  it('pairs each lazy skip rule with its own compressor only', () => {
    expect(() => assertComponentsCompatible(components('aquila', 'qsgd'), shape)).toThrow(
      /selector aquila works only with compressor "aquila" \(its skip rule weighs the upload that compressor quantises\), not with compressor qsgd; set compressor to "aquila"/,
    );
    expect(() => assertComponentsCompatible(components('laq', 'aquila'), shape)).toThrow(/selector laq works only with compressor "laq"/);
    expect(() => assertComponentsCompatible(components('aquila', 'aquila'), shape)).not.toThrow();
    expect(() => assertComponentsCompatible(components('laq', 'laq'), shape)).not.toThrow();
    // The compressors alone need no skip rule.
    expect(() => assertComponentsCompatible(components('uniform', 'aquila'), shape)).not.toThrow();
  });

  it('keeps the grid compressors on reliable links, where both copies of q_m stay in step', () => {
    const lossy = { ...components('aquila', 'aquila'), channel: { ...components('aquila', 'aquila').channel, name: 'bernoulli' } };
    expect(() => assertComponentsCompatible(lossy, shape)).toThrow(
      /compressor aquila works only with channel "reliable" \(client and server move q_m with every upload.*set channel to "reliable"/,
    );
  });
});
