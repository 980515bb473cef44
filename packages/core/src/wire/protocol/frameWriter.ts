import { ByteWriter } from '../byteCodec.js';
import { lengthProblem, uint32Problem, wellFormedProblem } from './fieldRules.js';
import { PROTOCOL_MAGIC, PROTOCOL_VERSION } from './messages.js';

const utf8 = new TextEncoder();

/**
 * Writes one frame's fields, refusing (with a `RangeError` naming the field) any value the decoder
 * would refuse: a frame this side writes is one the other side reads.
 */
export class FrameWriter {
  private readonly writer = new ByteWriter();

  /** @param what the message, for errors ("assign message"). */
  constructor(private readonly what: string) {}

  /** Magic, protocol version and the message type code. */
  envelope(typeCode: number): this {
    this.writer.header(PROTOCOL_MAGIC, PROTOCOL_VERSION).uint8(typeCode);
    return this;
  }

  uint8(value: number): this {
    this.writer.uint8(value);
    return this;
  }

  uint32(field: string, value: number): this {
    this.check(uint32Problem(field, value));
    this.writer.uint32(value);
    return this;
  }

  float64(value: number): this {
    this.writer.float64(value);
    return this;
  }

  /** The position of `value` in `list`, as one byte. */
  code<Value>(field: string, list: readonly Value[], value: Value): this {
    const index = list.indexOf(value);
    this.check(index < 0 ? `${field} "${String(value)}" is none of ${list.join(', ')}` : undefined);
    return this.uint8(index);
  }

  /** A uint32 byte count, then the bytes. */
  sized(bytes: Uint8Array): this {
    this.writer.uint32(bytes.byteLength).bytes(bytes);
    return this;
  }

  /** `text` as UTF-8 of at most `maxBytes` bytes, length first. */
  text(field: string, text: string, maxBytes = Number.POSITIVE_INFINITY): this {
    this.check(wellFormedProblem(field, text));
    const bytes = utf8.encode(text);
    this.check(lengthProblem(field, bytes.byteLength, maxBytes));
    return this.sized(bytes);
  }

  /** Throws when a field rule found a problem. */
  check(problem: string | undefined): void {
    if (problem !== undefined) throw new RangeError(`${this.what}: ${problem}`);
  }

  finish(): Uint8Array {
    return this.writer.finish();
  }
}
