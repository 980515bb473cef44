import { Writable } from 'node:stream';

/** A stream that keeps what is written to it, posing as a terminal (`isTTY`) or not. */
export class CapturedStream extends Writable {
  text = '';
  constructor(readonly isTTY?: boolean) {
    super();
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Any control character but the line feed: what bars, cursor moves and hostile labels are made of. */
export const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
