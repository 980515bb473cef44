import { container as rootContainer } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { createFedtuneContainer } from '../../src/builtins/corePlugin.js';
import { isFedtuneError } from '../../src/errors.js';
import { listRandomStreamReservations, reserveRandomStreams } from '../../src/plugins/randomStreams.js';
import { SLOT_STREAM_STRIDE } from '../../src/random/counterRandom.js';

const tac = { plugin: '@fedtune/plugin-tac', first: 1000, count: 2 };

describe('reserveRandomStreams', () => {
  it('keeps every reservation of a container, in order of first id', () => {
    const container = createFedtuneContainer();
    reserveRandomStreams(container, { plugin: 'fedtune-plugin-late', first: 2000, count: 5 });
    reserveRandomStreams(container, tac);
    reserveRandomStreams(container, { plugin: 'fedtune-plugin-next', first: 1002, count: 1 });
    expect(listRandomStreamReservations(container)).toEqual([
      { plugin: '@fedtune/core', first: 0, count: 1000 },
      tac,
      { plugin: 'fedtune-plugin-next', first: 1002, count: 1 },
      { plugin: 'fedtune-plugin-late', first: 2000, count: 5 },
    ]);
    expect(listRandomStreamReservations(createFedtuneContainer())).toHaveLength(1);
  });

  it('refuses a range that overlaps another package’s, naming both packages and the free ids', () => {
    const container = createFedtuneContainer();
    reserveRandomStreams(container, tac);
    let refusal: unknown;
    try {
      reserveRandomStreams(container, { plugin: '@fedtune/plugin-safari', first: 1001, count: 1 });
    } catch (error) {
      refusal = error;
    }
    expect(isFedtuneError(refusal, 'PluginError')).toBe(true);
    expect((refusal as Error).message).toBe(
      'random streams 1001 of @fedtune/plugin-safari overlap 1000–1001 of @fedtune/plugin-tac: both would draw ' +
        'the same numbers. Move one package to a free range (reserved: 0–999 @fedtune/core, 1000–1001 ' +
        '@fedtune/plugin-tac; plugins reserve from 1000–65535)',
    );
    expect(listRandomStreamReservations(container).map((reservation) => reservation.plugin)).toEqual([
      '@fedtune/core',
      '@fedtune/plugin-tac',
    ]);
  });

  it('refuses a range that reaches into core’s ids or into other adapter slots’ ids', () => {
    const container = createFedtuneContainer();
    expect(() => reserveRandomStreams(container, { plugin: 'fedtune-plugin-x', first: 998, count: 4 })).toThrow(
      /^fedtune-plugin-x reserves random streams 998–1001, outside the plugin range 1000–65535: ids below 1000 are core's/,
    );
    expect(() =>
      reserveRandomStreams(container, { plugin: 'fedtune-plugin-x', first: SLOT_STREAM_STRIDE - 1, count: 2 }),
    ).toThrow(/65535–65536, outside the plugin range .*from 65536 on they are other adapter slots' copies/);
    reserveRandomStreams(container, { plugin: 'fedtune-plugin-x', first: SLOT_STREAM_STRIDE - 1, count: 1 });
  });

  it('refuses malformed reservations, which plain-JavaScript plugins can make', () => {
    const container = rootContainer.createChildContainer();
    for (const count of [0, 1.5, Number.NaN]) {
      expect(() => reserveRandomStreams(container, { plugin: 'fedtune-plugin-x', first: 1000, count })).toThrow(
        `fedtune-plugin-x reserves random streams with first 1000 and count ${count}; both must be whole numbers, count at least 1`,
      );
    }
    expect(() => reserveRandomStreams(container, { first: 1000, count: 1 } as never)).toThrow(/needs "plugin"/);
  });

  it('keeps core’s ids even from a container core has not registered in', () => {
    const container = rootContainer.createChildContainer();
    expect(() => reserveRandomStreams(container, { plugin: 'fedtune-plugin-x', first: 0, count: 10 })).toThrow(
      /outside the plugin range/,
    );
  });
});
