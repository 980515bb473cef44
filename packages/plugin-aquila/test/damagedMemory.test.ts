import { CheckpointError, createFedtuneContainer, MemoryStore, resolveNamed, slotComponent } from '@fedtune/core';
import { describe, expect, it } from 'vitest';
import plugin, { AquilaAggregator, observeGlobalStep } from '../src/index.js';
import { backend, codecContext, factoryContext, freshMemory, uploadContext } from './helpers.js';

const container = createFedtuneContainer();
plugin.register(container);

/** What a component throws when `act` meets the memory a resealed, damaged checkpoint gave it. */
function refusal(act: () => unknown): Error {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as Error;
  }
  throw new Error('the damaged memory was used');
}

const DAMAGED = /which this component never writes; the checkpoint the run resumed from was changed or damaged, start the run again without --resume$/;

describe('memory of the wrong shape, as a damaged checkpoint restores it', () => {
  it.each(['aquila', 'laq'])('stops the %s compressor, naming the key, instead of quantising around it', (name) => {
    const compressor = resolveNamed(container, 'compressor', name).create({}, factoryContext);
    const memory = freshMemory();
    memory.set('lastUpload', Float32Array.of(1, 2, 3));
    const message = refusal(() => compressor.encode(Float32Array.of(1, 2, 3, 4), codecContext(memory))).message;
    expect(message).toMatch(/^memory "lastUpload" holds 3 values, not 4, /);
    expect(message).toMatch(DAMAGED);
  });

  /** The lazy aggregator's round 1, in which client 1 skips, over the server memory `server` holds. */
  function aggregateSkip(server: MemoryStore, global: Float32Array): unknown {
    return new AquilaAggregator('lazy').aggregate({
      round: 1,
      global,
      received: [],
      missing: [{ clientId: 1, slot: 0, numSamples: 10, reason: 'skipped' }],
      clientIds: [0, 1],
      slotsOf: () => 1,
      backend,
      memoryOf: (clientId, slot = 0) => server.of(slotComponent('aggregator', slot), clientId),
    });
  }

  it('stops the lazy aggregator, naming the key, instead of re-applying a short upload', () => {
    const server = new MemoryStore();
    const memory = server.of(slotComponent('aggregator', 0), 1);
    memory.set('latestUpload', Float32Array.of(1, 2, 3));
    memory.set('latestUploadRound', 0);
    const message = refusal(() => aggregateSkip(server, Float32Array.of(0, 0, 0, 0))).message;
    expect(message).toMatch(/^memory "latestUpload" holds 3 values, not 4, /);
  });

  it('stops the lazy aggregator on an upload round that is not a whole number, instead of judging its age by it', () => {
    const server = new MemoryStore();
    const memory = server.of(slotComponent('aggregator', 0), 1);
    memory.set('latestUpload', Float32Array.of(1, 2));
    memory.set('latestUploadRound', 0.5);
    const message = refusal(() => aggregateSkip(server, Float32Array.of(0, 0))).message;
    expect(message).toMatch(/^memory "latestUploadRound" holds 0.5, not a whole number, /);
    expect(message).toMatch(DAMAGED);
  });

  it.each([
    ['staleness', 1.5, /^memory "staleness" holds 1.5, not a whole number, /],
    ['lastErrorNorm2', Float32Array.of(0.25), /^memory "lastErrorNorm2" holds 1 value, not a finite number, /],
  ])('stops the aquila skip rule on a %s it never writes', (key, value, expected) => {
    const compressor = resolveNamed(container, 'compressor', 'aquila').create({}, factoryContext);
    const selector = resolveNamed(container, 'selector', 'aquila').create({}, factoryContext);
    const memory = freshMemory('selector');
    memory.set(key, value);
    const upload = uploadContext(memory, 1, [1, 0.5], [1, 1], [0, 0]);
    const prepared = compressor.prepare?.(upload.update, codecContext(freshMemory(), 1));
    const message = refusal(() => selector.shouldUpload({ ...upload, ...(prepared ? { prepared } : {}) })).message;
    expect(message).toMatch(expected);
    expect(message).toMatch(DAMAGED);
  });

  it('stops the LAQ skip rule on observed global steps that are not [round, step] pairs', () => {
    const memory = freshMemory('selector');
    memory.set('observedGlobalSteps', Float32Array.of(2, 0.5, 1));
    const message = refusal(() => observeGlobalStep(memory, 3, 0.25, 10)).message;
    expect(message).toMatch(/^memory "observedGlobalSteps" holds 3 values, not \[round, step\] pairs, /);
    expect(message).toMatch(DAMAGED);
  });
});
