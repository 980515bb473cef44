import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/engine/memoryStore.js';
import { RoundScreen } from '../../src/engine/roundScreen.js';
import { screenUpdates, type ScreenedNorms } from '../../src/engine/updateScreen.js';

const HINT = 'if honest clients trip it, raise updateScreen.factor or set updateScreen to "off"';
const median100 = { relativeTo: 'median-update', factor: 100 } as const;
/** What a median-update rejection says after the numbers. */
const againstMedian = (median: string, factor: number) =>
  `the median update norm ${median} (this round's and each other slot's latest), above the screen's factor ${factor}; ${HINT}`;
/** Update norms of one round; the start norm only matters relative to the global model. */
const round = (...updates: number[]): ScreenedNorms[] => updates.map((update) => ({ update, start: 1 }));

describe('screenUpdates relative to the median update', () => {
  it('rejects the update above factor × median and says by how much', () => {
    // Sorted 1, 2, 2.5, 3, 400: median 2.5, bound 250.
    expect(screenUpdates(median100, round(2, 400, 1, 3, 2.5), [])).toEqual([
      undefined,
      `its norm 400 is 160× ${againstMedian('2.5', 100)}`,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('takes the upper middle norm of an even count, so one or two updates alone are never rejected', () => {
    expect(screenUpdates(median100, round(5e20), [])).toEqual([undefined]);
    expect(screenUpdates(median100, round(1, 5e20), [])).toEqual([undefined, undefined]);
    // Sorted 1, 2, 3, 1000: the upper middle is 3 (the mean of the middle two would be 2.5).
    expect(screenUpdates(median100, round(1000, 1, 2, 3), [])[0]).toBe(`its norm 1000 is 333× ${againstMedian('3', 100)}`);
  });

  it('compares a round of few updates with the latest norms of the slots that sent none', () => {
    // Alone, 5e20 is its own median; beside the others' latest 1, 2 and 3 the median is 3.
    expect(screenUpdates(median100, round(5e20), [1, 2, 3])).toEqual([`its norm 5e+20 is 1.67e+20× ${againstMedian('3', 100)}`]);
    expect(screenUpdates(median100, round(1, 250), [2, 3])).toEqual([undefined, undefined]);
  });

  it('keeps an update exactly at the bound, and screens nothing against a median of 0', () => {
    expect(screenUpdates({ relativeTo: 'median-update', factor: 4 }, round(1, 1, 4), [])).toEqual([undefined, undefined, undefined]);
    expect(screenUpdates(median100, round(0, 0, 7), [])).toEqual([undefined, undefined, undefined]);
  });

  it('writes huge and tiny norms in exponent form', () => {
    expect(screenUpdates(median100, round(8.0934e21), [0.0005, 0.0005])[0]).toBe(
      `its norm 8.09e+21 is 1.62e+25× ${againstMedian('5e-4', 100)}`,
    );
  });
});

describe('screenUpdates relative to the global model', () => {
  it('compares each update with the parameters it started from, whatever the others sent', () => {
    const screen = { relativeTo: 'global-model', factor: 2 } as const;
    const norms = [
      { update: 5, start: 2 },
      { update: 4, start: 2 },
      { update: 1e9, start: 0 },
    ];
    expect(screenUpdates(screen, norms, [0.001])).toEqual([
      `its norm 5 is 2.5× the norm 2 of the global model it started from, above the screen's factor 2; ${HINT}`,
      undefined,
      undefined,
    ]);
  });
});

describe('screenUpdates off', () => {
  it('rejects nothing', () => {
    expect(screenUpdates('off', round(1, 1, 1e30), [1])).toEqual([undefined, undefined, undefined]);
  });
});

describe('RoundScreen', () => {
  const slots = [0, 1, 2, 3].map((clientId) => ({ clientId, slot: 0 }));
  const sent = (clientId: number, update: number) => ({ slot: { clientId, slot: 0 }, norms: { update, start: 1 } });

  it('remembers each slot’s latest norm in the memory store, so a later lone outlier is rejected, after a resume too', () => {
    const memory = new MemoryStore();
    const first = new RoundScreen(median100, memory, slots);
    expect(first.check([sent(0, 1), sent(1, 2), sent(2, 3)])).toEqual([undefined, undefined, undefined]);
    // A resumed run builds its screen anew over the checkpoint's memory.
    const resumed = new RoundScreen(median100, memory, slots);
    expect(resumed.check([sent(3, 1e6)])).toEqual([`its norm 1e+6 is 333000× ${againstMedian('3', 100)}`]);
    // A slot's own earlier norm gives way to its new one: client 0 now sends 1e6 beside 2, 3, 1e6.
    expect(resumed.check([sent(0, 1e6)])).toEqual([undefined]);
  });

  it('keeps nothing when off or relative to the global model', () => {
    for (const screen of ['off', { relativeTo: 'global-model', factor: 2 }] as const) {
      const memory = new MemoryStore();
      new RoundScreen(screen, memory, slots).check([sent(0, 1), sent(1, 2)]);
      expect(memory.byteSize()).toBe(0);
    }
  });
});

const norm = fc.double({ min: 1e-6, max: 1e6, noNaN: true });
const norms = (minLength: number) => fc.array(norm, { minLength, maxLength: 12 });
const factor = fc.double({ min: 1.01, max: 1e4, noNaN: true });
const rejected = (reasons: (string | undefined)[]) => reasons.map((reason) => reason !== undefined);

describe('screenUpdates properties', () => {
  it('rejects the same updates when every norm is scaled by the same positive constant', () => {
    fc.assert(
      fc.property(norms(1), norms(0), factor, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (now, earlier, f, scale) => {
        const screen = { relativeTo: 'median-update', factor: f } as const;
        // Ratios within rounding of the factor may fall either side once scaled; those are not the point.
        const all = [...now, ...earlier].sort((a, b) => a - b);
        const middle = all[Math.floor(all.length / 2)] as number;
        fc.pre(now.every((n) => Math.abs(n / middle / f - 1) > 1e-9));
        const times = (values: number[]) => values.map((n) => n * scale);
        expect(rejected(screenUpdates(screen, round(...times(now)), times(earlier)))).toEqual(
          rejected(screenUpdates(screen, round(...now), earlier)),
        );
      }),
    );
  });

  it('never rejects an update within factor × the norms of at least half of them', () => {
    fc.assert(
      fc.property(norms(1), norms(0), factor, (now, earlier, f) => {
        const reasons = screenUpdates({ relativeTo: 'median-update', factor: f }, round(...now), earlier);
        const all = [...now, ...earlier];
        const half = Math.ceil(all.length / 2);
        now.forEach((n, i) => {
          if (all.filter((other) => n <= f * other).length >= half) expect(reasons[i]).toBeUndefined();
        });
        // So fewer than half of them are ever rejected.
        expect(reasons.filter((reason) => reason !== undefined).length).toBeLessThan(all.length / 2);
      }),
    );
  });

  it('rejects an update above factor × every other norm once there are three or more', () => {
    fc.assert(
      fc.property(norms(2), factor, fc.double({ min: 1.01, max: 1e3, noNaN: true }), fc.nat(), (others, f, excess, split) => {
        const outlier = Math.max(...others) * f * excess;
        // However the others divide into this round's and earlier ones.
        const cut = split % (others.length + 1);
        const screen = { relativeTo: 'median-update', factor: f } as const;
        const reasons = screenUpdates(screen, round(...others.slice(0, cut), outlier), others.slice(cut));
        expect(reasons.at(-1)).toMatch(/^its norm \S+ is \S+× the median update norm/);
      }),
    );
  });

  it('rejects relative to the global model exactly the updates above factor × their start norm', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ update: norm, start: norm }), { minLength: 1, maxLength: 12 }), factor, (pairs, f) => {
        const reasons = screenUpdates({ relativeTo: 'global-model', factor: f }, pairs, []);
        pairs.forEach(({ update, start }, i) => expect(reasons[i] === undefined).toBe(update <= f * start));
      }),
    );
  });
});
