// @ts-check
/**
 * Damage a file takes on disk or in transit: cut short, bytes flipped (invalid UTF-8 included),
 * something written before or after it.
 */
import fc from 'fast-check';

/** One damage of a file's bytes; offsets are taken modulo the file's length. */
export const byteDamage = fc.oneof(
  fc.record({ op: fc.constant('truncate'), at: fc.nat() }),
  fc.record({
    op: fc.constant('flip'),
    flips: fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ op: fc.constant('prefix'), text: fc.constantFrom('\uFEFF', '\uFEFF\uFEFF', ' \n', '\u0000', '//', ")]}'\n") }),
  fc.record({
    op: fc.constant('append'),
    text: fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('}', ',', '\u0000', '{}', '\n{"round":')),
  }),
);

/**
 * @param {Uint8Array} bytes
 * @param {any} damage a value of {@link byteDamage}
 * @returns {Buffer}
 */
export function applyByteDamage(bytes, damage) {
  const buffer = Buffer.from(bytes);
  switch (damage.op) {
    case 'truncate':
      return buffer.subarray(0, damage.at % (buffer.length + 1));
    case 'flip':
      if (buffer.length === 0) return buffer;
      for (const { at, xor } of damage.flips) {
        const index = at % buffer.length;
        buffer[index] = /** @type {number} */ (buffer[index]) ^ xor;
      }
      return buffer;
    case 'prefix':
      return Buffer.concat([Buffer.from(damage.text), buffer]);
    case 'append':
      return Buffer.concat([buffer, Buffer.from(damage.text)]);
    default:
      throw new Error(`unknown byte damage ${damage.op}`);
  }
}
