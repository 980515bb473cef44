import type { AddressInfo } from 'node:net';
import { decodeMessage, encodeMessage, type ProtocolMessage } from '@fedtune/core';
import WebSocket, { WebSocketServer, type RawData } from 'ws';

/** Values handed out in arrival order, each awaited by whoever asks first. */
class Mailbox<T> {
  private readonly items: T[] = [];
  private readonly takers: ((item: T) => void)[] = [];

  put(item: T): void {
    const taker = this.takers.shift();
    if (taker === undefined) this.items.push(item);
    else taker(item);
  }

  take(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.takers.push(resolve));
  }
}

/** One client connection as a scripted server sees it: decoded frames in, encoded frames out. */
export class Peer {
  private readonly inbox = new Mailbox<ProtocolMessage>();
  /** The close code, once the connection has closed. */
  readonly closed: Promise<number>;

  constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: RawData) => this.inbox.put(decodeMessage(new Uint8Array(data as Buffer))));
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  }

  /** The next frame the client sent. */
  next(): Promise<ProtocolMessage> {
    return this.inbox.take();
  }

  /** The next frame, which must be of `type`. */
  async expect<T extends ProtocolMessage['type']>(type: T): Promise<Extract<ProtocolMessage, { type: T }>> {
    const message = await this.next();
    if (message.type !== type) throw new Error(`expected a "${type}" frame from the client, got ${JSON.stringify(message)}`);
    return message as Extract<ProtocolMessage, { type: T }>;
  }

  send(message: ProtocolMessage): void {
    this.socket.send(encodeMessage(message));
  }

  /** Sends `data` as it is, framed or not. */
  sendRaw(data: string | Uint8Array): void {
    this.socket.send(data);
  }

  /** Drops the connection without a closing handshake, as a crashed server would. */
  drop(): void {
    this.socket.terminate();
  }
}

/** A WebSocket server on loopback whose every move a test scripts. */
export class FakeServer {
  private readonly peers = new Mailbox<Peer>();

  private constructor(private readonly server: WebSocketServer) {
    server.on('connection', (socket) => this.peers.put(new Peer(socket)));
  }

  static start(): Promise<FakeServer> {
    return new Promise((resolve, reject) => {
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      server.once('listening', () => resolve(new FakeServer(server)));
      server.once('error', reject);
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next client that connects. */
  nextPeer(): Promise<Peer> {
    return this.peers.take();
  }

  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
