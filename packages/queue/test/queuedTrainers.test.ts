import { describe, expect, it } from 'vitest';
import { queuedTrainers } from '../src/index.js';

describe('queuedTrainers', () => {
  it.each([0, -5, 1.5, Number.NaN])('refuses reconnectMs %s, naming the option and what to give', (reconnectMs) => {
    expect(() => queuedTrainers('redis://127.0.0.1:6379', { reconnectMs })).toThrow(
      new RegExp(`^reconnectMs ${reconnectMs} is not a positive whole number of milliseconds; give 1 or more \\(default 30000\\)\\.$`),
    );
  });
});
