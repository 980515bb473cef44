import { PayloadError } from '../../errors.js';
import { ByteReader } from '../byteCodec.js';
import { lengthProblem } from './fieldRules.js';

/** Strict UTF-8: invalid bytes throw instead of becoming U+FFFD, and a leading BOM is kept, not eaten. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads one frame's fields. Every problem — truncation, a count or length the frame cannot hold,
 * invalid UTF-8, an unknown enum code — is a `PayloadError` naming the frame and the field.
 */
export class FrameReader {
  private readonly reader: ByteReader;

  /** @param what the frame, for errors ("fedtune assign frame"). */
  constructor(frame: Uint8Array, private readonly what: string) {
    this.reader = new ByteReader(frame, what);
  }

  uint8(): number {
    return this.reader.uint8();
  }

  uint32(): number {
    return this.reader.uint32();
  }

  float64(): number {
    return this.reader.float64();
  }

  /** The next `count` bytes (a view into the frame). */
  bytes(count: number): Uint8Array {
    return this.reader.bytes(count);
  }

  /** The entry of `list` the next byte names. */
  code<Value>(field: string, list: readonly Value[]): Value {
    const index = this.reader.uint8();
    const value = list[index];
    if (value === undefined) this.fail(`unknown ${field} code ${index} (this version knows 0..${list.length - 1})`);
    return value;
  }

  /**
   * A uint32 count of entries that take at least `bytesEach` bytes, checked against what is left of
   * the frame before anyone allocates for it.
   */
  count(field: string, bytesEach: number): number {
    const count = this.reader.uint32();
    const left = this.reader.remaining;
    if (count * bytesEach > left) {
      this.fail(`${field} count ${count} needs at least ${count * bytesEach} bytes, the frame has ${left} left`);
    }
    return count;
  }

  /** A uint32 byte count, then the bytes (a view into the frame). */
  sized(field: string, maxBytes = Number.POSITIVE_INFINITY): Uint8Array {
    const length = this.reader.uint32();
    this.check(lengthProblem(field, length, maxBytes));
    const left = this.reader.remaining;
    if (length > left) this.fail(`${field} claims ${length} bytes, the frame has ${left} left`);
    return this.reader.bytes(length);
  }

  /** UTF-8 text of at most `maxBytes` bytes, length first. */
  text(field: string, maxBytes?: number): string {
    const bytes = this.sized(field, maxBytes);
    try {
      return utf8.decode(bytes);
    } catch {
      return this.fail(`${field} is not valid UTF-8`);
    }
  }

  /** Throws when a field rule found a problem. */
  check(problem: string | undefined): void {
    if (problem !== undefined) this.fail(problem);
  }

  /** Fails unless the whole frame was read. */
  end(): void {
    this.reader.end();
  }

  /** Throws the frame's `PayloadError` for `problem`. */
  fail(problem: string): never {
    throw new PayloadError(`${this.what}: ${problem}`);
  }
}
