// @ts-check
/**
 * Damage to checkpoint.safetensors: its bytes (flipped, cut, padded), the 8-byte header length
 * (zero, past the end, 2^53), or the JSON header itself (tensor offsets, shapes and dtypes of the
 * wrong type or out of range, metadata changed) re-encoded so that the file still frames.
 */
import fc from 'fast-check';
import { applyByteDamage, byteDamage } from './byteDamage.mjs';
import { writeJson } from './jsonDocument.mjs';
import { applyJsonMutations, jsonMutation } from './jsonMutations.mjs';

/** One damage of a checkpoint file. */
export const checkpointDamage = fc.oneof(
  fc.record({ op: fc.constant('bytes'), damage: byteDamage }),
  fc.record({
    op: fc.constant('header-length'),
    length: fc.constantFrom(0, 1, 7, 2 ** 32, Number.MAX_SAFE_INTEGER, 'file length'),
  }),
  fc.record({ op: fc.constant('header'), mutations: fc.array(jsonMutation, { minLength: 1, maxLength: 2 }) }),
  fc.record({ op: fc.constant('empty') }),
);

/**
 * @param {Uint8Array} checkpoint the file's bytes
 * @param {any} damage a value of {@link checkpointDamage}
 * @returns {Buffer}
 */
export function damageCheckpoint(checkpoint, damage) {
  const bytes = Buffer.from(checkpoint);
  switch (damage.op) {
    case 'bytes':
      return applyByteDamage(bytes, damage.damage);
    case 'header-length': {
      const length = damage.length === 'file length' ? bytes.length : damage.length;
      const damaged = Buffer.from(bytes);
      damaged.writeBigUInt64LE(BigInt(length), 0);
      return damaged;
    }
    case 'header': {
      const headerLength = Number(bytes.readBigUInt64LE(0));
      const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
      const text = Buffer.from(writeJson(applyJsonMutations(header, damage.mutations)));
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(text.length));
      return Buffer.concat([length, text, bytes.subarray(8 + headerLength)]);
    }
    case 'empty':
      return Buffer.alloc(0);
    default:
      throw new Error(`unknown checkpoint damage ${damage.op}`);
  }
}
