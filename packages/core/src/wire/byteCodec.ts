import { PayloadError } from '../errors.js';

/**
 * Little-endian writer for payload headers. Payloads start with a 4-byte tag and a version byte so a
 * decoder fed the wrong compressor's bytes fails with a clear message instead of garbage.
 */
export class ByteWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  /** Appends the 4-character ASCII tag and a format version. */
  header(tag: string, version: number): this {
    if (tag.length !== 4) throw new RangeError(`payload tag must be 4 characters, got "${tag}"`);
    const bytes = new Uint8Array(5);
    for (let i = 0; i < 4; i++) bytes[i] = tag.charCodeAt(i);
    bytes[4] = version;
    return this.bytes(bytes);
  }

  uint8(value: number): this {
    return this.bytes(Uint8Array.of(value));
  }

  uint16(value: number): this {
    const bytes = new Uint8Array(2);
    new DataView(bytes.buffer).setUint16(0, value, true);
    return this.bytes(bytes);
  }

  uint32(value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value, true);
    return this.bytes(bytes);
  }

  float32(value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.bytes(bytes);
  }

  float64(value: number): this {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    return this.bytes(bytes);
  }

  /** Appends raw bytes (not copied until {@link ByteWriter.finish}). */
  bytes(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.length += bytes.byteLength;
    return this;
  }

  /** Appends a float32 vector in little-endian order. */
  float32Array(values: Float32Array): this {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
    return this.bytes(bytes);
  }

  /** The payload as one contiguous buffer. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return out;
  }
}

/** Reader matching {@link ByteWriter}; every read is bounds-checked. */
export class ByteReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(
    private readonly payload: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  }

  /** Checks the tag and version written by {@link ByteWriter.header}. */
  header(tag: string, version: number): void {
    const found = String.fromCharCode(...this.bytes(4));
    if (found !== tag) {
      throw new PayloadError(
        `${this.what}: payload tag is "${found}", expected "${tag}" — the sender used another compressor than the receiver`,
      );
    }
    const foundVersion = this.uint8();
    if (foundVersion !== version) {
      throw new PayloadError(`${this.what}: payload version ${foundVersion}, this decoder reads version ${version}`);
    }
  }

  uint8(): number {
    this.need(1);
    return this.view.getUint8(this.offset++);
  }

  uint16(): number {
    this.need(2);
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }

  uint32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  float32(): number {
    this.need(4);
    const value = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return value;
  }

  float64(): number {
    this.need(8);
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }

  /** Bytes not read yet: a decoder checks a count against it before allocating for that count. */
  get remaining(): number {
    return this.payload.byteLength - this.offset;
  }

  /** The next `count` bytes (a view, not a copy). */
  bytes(count: number): Uint8Array {
    this.need(count);
    const out = this.payload.subarray(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }

  /** The next `count` little-endian float32 values. */
  float32Array(count: number): Float32Array {
    this.need(count * 4);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.view.getFloat32(this.offset + i * 4, true);
    this.offset += count * 4;
    return out;
  }

  /** Fails unless every byte was consumed: trailing bytes mean sender and receiver disagree. */
  end(): void {
    const left = this.payload.byteLength - this.offset;
    if (left !== 0) throw new PayloadError(`${this.what}: ${left} unexpected trailing bytes in payload`);
  }

  private need(count: number): void {
    if (this.offset + count > this.payload.byteLength) {
      throw new PayloadError(
        `${this.what}: payload truncated — needs ${this.offset + count} bytes, has ${this.payload.byteLength}`,
      );
    }
  }
}
