import { WebSocket, type RawData } from 'ws';
import { rawDataBytes } from '../rawDataBytes.js';
import { decodeMessage, encodeMessage, isFedtuneError, type ProtocolMessage } from '@fedtune/core';
import type { WireCounter } from './wireCounter.js';

/** One frame from the other side: a protocol message, or why it is not one. */
export type ReceivedFrame = { ok: true; message: ProtocolMessage } | { ok: false; problem: string };

/** What a {@link FrameSocket} reports; the handshake hands the socket to its connection by swapping them. */
export interface FrameHandlers {
  frame(received: ReceivedFrame): void;
  /** The WebSocket failed under the protocol (a frame over `maxPayload`, a broken frame); `closed` follows. */
  failed(error: Error): void;
  closed(): void;
}

/** WebSocket close codes the server uses (RFC 6455, section 7.4.1). */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
} as const;

/**
 * A server's WebSocket that speaks protocol frames: it encodes what it sends, decodes what it
 * receives, and counts every frame's bytes both ways.
 */
export class FrameSocket {
  private handlers: FrameHandlers | undefined;
  /** Settles once the WebSocket is closed, however that came about. */
  readonly closed: Promise<void>;

  /** @param address the remote address, for rate limiting and logs. */
  constructor(
    private readonly socket: WebSocket,
    readonly address: string,
    private readonly counter: WireCounter,
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('error', (error) => this.handlers?.failed(error));
    socket.on('close', () => this.handlers?.closed());
  }

  /** Routes what arrives from now on to `handlers`. */
  handle(handlers: FrameHandlers): void {
    this.handlers = handlers;
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends `message` as one binary frame; a socket already closing sends nothing. */
  send(message: ProtocolMessage): void {
    if (!this.open) return;
    const frame = encodeMessage(message);
    this.counter.sent(frame.byteLength);
    this.socket.send(frame);
  }

  /** Starts the closing handshake; frames already sent go out first. */
  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  private receive(data: RawData, isBinary: boolean): void {
    const bytes = rawDataBytes(data);
    this.counter.received(bytes.byteLength);
    this.handlers?.frame(isBinary ? decoded(bytes) : { ok: false, problem: 'a text frame; the protocol speaks binary frames only' });
  }
}

function decoded(bytes: Uint8Array): ReceivedFrame {
  try {
    return { ok: true, message: decodeMessage(bytes) };
  } catch (error) {
    // The decoder refuses every malformed frame with a PayloadError; anything else is a bug to surface.
    if (isFedtuneError(error, 'PayloadError')) return { ok: false, problem: error.message };
    throw error;
  }
}
