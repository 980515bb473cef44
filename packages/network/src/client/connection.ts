import {
  ConfigError,
  decodeMessage,
  encodeMessage,
  isFedtuneError,
  PayloadError,
  type ErrorMessage,
  type ProtocolMessage,
} from '@fedtune/core';
import WebSocket, { type RawData } from 'ws';
import { rawDataBytes } from '../rawDataBytes.js';
import { ConnectionLost } from './connectionLost.js';

/** How {@link FrameConnection.open} reaches a server. */
export interface ConnectionOptions {
  /** PEM certificate(s) to trust for a `wss` server whose certificate no public authority signed. */
  ca?: string;
}

/** WebSocket close code for a normal end (RFC 6455). */
const NORMAL_CLOSURE = 1000;

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
    private readonly socket: WebSocket,
    private readonly url: string,
  ) {
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', (code, reason) => this.onClose(code, reason.toString('utf8')));
    // After the open, an error is always followed by 'close', which reports it.
    socket.on('error', () => {});
  }

  /**
   * Opens a connection to `url` (`ws://` or `wss://`).
   * @throws ConfigError for a URL that is not ws(s), or a `ca` with a plain `ws` URL; FedtuneError
   *   naming the server and why it cannot be reached.
   */
  static open(url: string, options: ConnectionOptions = {}): Promise<FrameConnection> {
    checkServerUrl(url, options);
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { ...(options.ca === undefined ? {} : { ca: options.ca }) });
      const onError = (error: Error) => {
        socket.off('open', onOpen);
        socket.terminate();
        reject(unreachable(url, error));
      };
      const onOpen = () => {
        socket.off('error', onError);
        resolve(new FrameConnection(socket, url));
      };
      socket.once('error', onError);
      socket.once('open', onOpen);
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
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(frame);
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

  private receive(data: RawData, isBinary: boolean): void {
    let message: ProtocolMessage;
    try {
      if (!isBinary) throw new PayloadError('the server sent a text message; every protocol frame is binary');
      message = decodeMessage(rawDataBytes(data));
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

function checkServerUrl(url: string, options: ConnectionOptions): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new ConfigError(`"${url}" is not a URL; give the server as ws://HOST:PORT or wss://HOST:PORT`);
  }
  if (protocol !== 'ws:' && protocol !== 'wss:') {
    throw new ConfigError(`"${url}" is not a WebSocket URL; give the server as ws://HOST:PORT or wss://HOST:PORT`);
  }
  if (options.ca !== undefined && protocol === 'ws:') {
    throw new ConfigError(`a CA certificate only applies to a TLS server; use wss:// instead of ws:// in "${url}", or drop the certificate`);
  }
}

/** Why the server at `url` cannot be reached, with what to check. */
function unreachable(url: string, error: Error): ConnectionLost {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const hint = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
    ? "the server's TLS certificate is not trusted; pass the server's certificate (or its CA) with --ca"
    : 'check the address and that `fedtune serve` is running there';
  return new ConnectionLost(`cannot connect to ${url}: ${error.message}; ${hint}`, { cause: error });
}
