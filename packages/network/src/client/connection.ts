import { ConfigError, decodeMessage, encodeMessage, isFedtuneError, PayloadError, type ErrorMessage, type ProtocolMessage } from '@fedtune/core';
import { ConnectionLost } from './connectionLost.js';
import { SOCKET_OPEN, type DescribeUnreachable, type MessageSocket, type SocketOpener } from './messageSocket.js';

/** WebSocket close code for a normal end (RFC 6455). */
const NORMAL_CLOSURE = 1000;

/** How {@link FrameConnection.open} reaches a server on the platform the client runs on. */
export interface ConnectionOpener {
  socket: SocketOpener;
  /** Why the server cannot be reached; by default, check the address and that the server runs. */
  unreachable?: DescribeUnreachable;
}

/**
 * One connection to a fedtune server, speaking whole protocol frames: what arrives is read in order
 * with {@link next}, what is sent is encoded by core's codec. Once the connection ends — the server
 * closed it, or this side gave up with {@link fail} — {@link next} rejects with why.
 */
export class FrameConnection {
  private readonly inbox: ProtocolMessage[] = [];
  private waiting: { resolve: (message: ProtocolMessage) => void; reject: (error: Error) => void } | undefined;
  /** Why the server side ended the connection; read after the frames that came before it. */
  private ended: Error | undefined;
  /** Why this side gave up; frames still in the inbox no longer matter. */
  private failure: Error | undefined;
  private finished = false;

  private constructor(
    private readonly socket: MessageSocket,
    private readonly url: string,
  ) {
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => this.onClose(event.code, event.reason);
    // After the open, an error is always followed by a close, which reports it.
    socket.onerror = () => {};
  }

  /**
   * Opens a connection to `url` (`ws://` or `wss://`).
   * @throws ConfigError for a URL that is not ws(s); ConnectionLost naming the server and why it
   *   cannot be reached.
   */
  static open(url: string, opener: ConnectionOpener): Promise<FrameConnection> {
    checkServerUrl(url);
    const unreachable = opener.unreachable ?? defaultUnreachable;
    return new Promise((resolve, reject) => {
      let socket: MessageSocket;
      try {
        socket = opener.socket(url);
      } catch (error) {
        reject(new ConnectionLost(`cannot connect to ${url}: ${unreachable(url, error)}`, { cause: error }));
        return;
      }
      socket.binaryType = 'arraybuffer';
      socket.onerror = (event) => {
        socket.onopen = null;
        socket.onclose = null;
        socket.close();
        reject(new ConnectionLost(`cannot connect to ${url}: ${unreachable(url, event.error)}`, { cause: event.error }));
      };
      // A browser reports a failed open by a close after the error; `ws` may close without one.
      socket.onclose = (event) => {
        socket.onerror = null;
        reject(new ConnectionLost(`cannot connect to ${url}: the connection closed (code ${event.code}); ${unreachable(url, undefined)}`));
      };
      socket.onopen = () => {
        socket.onopen = null;
        resolve(new FrameConnection(socket, url));
      };
    });
  }

  /** The next frame from the server, in arrival order. */
  next(): Promise<ProtocolMessage> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const message = this.inbox.shift();
    if (message !== undefined) return Promise.resolve(message);
    if (this.ended !== undefined) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  /**
   * Sends one frame; a connection that has ended drops it, since its end is reported already.
   * @returns the bytes of the whole frame.
   */
  send(message: ProtocolMessage): number {
    const frame = encodeMessage(message);
    if (this.socket.readyState === SOCKET_OPEN) this.socket.send(frame);
    return frame.byteLength;
  }

  /**
   * Closes the connection with nothing more to tell the server: after `finish`, or after the
   * server refused or reported an error and drops the connection itself.
   */
  close(): void {
    this.finished = true;
    this.socket.close(NORMAL_CLOSURE);
  }

  /**
   * Gives up: tells the server why with an `error` frame (when given), closes the connection and
   * makes {@link next} reject with `error`. Only the first failure counts.
   */
  fail(error: Error, frame?: ErrorMessage): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    if (frame !== undefined) this.send(frame);
    this.socket.close(NORMAL_CLOSURE);
    this.waiting?.reject(error);
    this.waiting = undefined;
  }

  private receive(data: unknown): void {
    let message: ProtocolMessage;
    try {
      if (!(data instanceof ArrayBuffer)) throw new PayloadError('the server sent a text message; every protocol frame is binary');
      message = decodeMessage(new Uint8Array(data));
    } catch (error) {
      const reason = isFedtuneError(error) ? error.message : String(error);
      const failure = new PayloadError(`the server at ${this.url} sent a malformed frame: ${reason}`, { cause: error });
      this.fail(failure, { type: 'error', code: 'malformed', message: reason });
      return;
    }
    if (this.waiting === undefined) {
      this.inbox.push(message);
      return;
    }
    const { resolve } = this.waiting;
    this.waiting = undefined;
    resolve(message);
  }

  private onClose(code: number, reason: string): void {
    if (this.finished || this.failure !== undefined) return;
    const why = reason === '' ? `code ${code}` : `code ${code}: ${reason}`;
    this.ended = new ConnectionLost(
      `the connection to ${this.url} closed before the federation finished (${why}); ` +
        'the server counts this client lost for the round; check that the server is still running and join again',
    );
    // Frames that came before the close are still read first.
    if (this.waiting !== undefined && this.inbox.length === 0) {
      this.waiting.reject(this.ended);
      this.waiting = undefined;
    }
  }
}

/** @throws ConfigError for a URL that is not `ws://` or `wss://`. */
export function checkServerUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`"${url}" is not a URL; give the server as ws://HOST:PORT or wss://HOST:PORT`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new ConfigError(`"${url}" is not a WebSocket URL; give the server as ws://HOST:PORT or wss://HOST:PORT`);
  }
  return parsed;
}

function defaultUnreachable(_url: string, cause: unknown): string {
  const detail = cause instanceof Error ? `${cause.message}; ` : '';
  return `${detail}check the address and that \`fedtune serve\` is running there`;
}
