import {
  corePlugin,
  decodeMessage,
  encodeMessage,
  encodeFloat32Payload,
  type AssignMessage,
  type ProtocolMessage,
  type ProtocolMessageType,
  type UploadMessage,
} from '@fedtune/core';
import { WebSocket, type ClientOptions } from 'ws';

/** One frame as it arrived: decoded, with its size on the wire. */
export interface ArrivedFrame {
  message: ProtocolMessage;
  bytes: number;
}

type MessageOf<T extends ProtocolMessageType> = Extract<ProtocolMessage, { type: T }>;

/**
 * A raw protocol client a test scripts frame by frame: it records every frame both ways and lets
 * the test wait for the next one, so nothing in a test sleeps.
 */
export class ScriptedClient {
  /** Every frame received, in order. */
  readonly received: ArrivedFrame[] = [];
  /** Bytes of every frame sent. */
  sentBytes = 0;
  /** Settles with the close code once the connection is closed. */
  readonly closed: Promise<number>;
  private consumed = 0;
  private waiting: (() => void) | undefined;

  private constructor(private readonly socket: WebSocket) {
    this.closed = new Promise((resolve) =>
      socket.once('close', (code) => {
        resolve(code);
        this.waiting?.();
      }),
    );
    socket.on('error', () => {});
    socket.on('message', (data: Buffer) => {
      this.received.push({ message: decodeMessage(new Uint8Array(data)), bytes: data.byteLength });
      this.waiting?.();
    });
  }

  /** Opens a connection to `url`. */
  static async connect(url: string, options: ClientOptions = {}): Promise<ScriptedClient> {
    const socket = new WebSocket(url, options);
    // Listening from the start: a frame may come in the same packet as the handshake's answer.
    const client = new ScriptedClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** Connects and joins as `ids`, each with the token `tokenOf` gives. */
  static async joined(url: string, ids: number[], tokenOf: (id: number) => string, options: ClientOptions = {}): Promise<ScriptedClient> {
    const client = await ScriptedClient.connect(url, options);
    client.join(ids, tokenOf);
    return client;
  }

  /** Sends a join for `ids`; the core version defaults to this side's. */
  join(ids: number[], tokenOf: (id: number) => string, coreVersion = corePlugin.version): void {
    this.send({ type: 'join', coreVersion, clients: ids.map((clientId) => ({ clientId, token: tokenOf(clientId) })) });
  }

  send(message: ProtocolMessage): void {
    this.sendRaw(encodeMessage(message));
  }

  /** Sends bytes as one binary frame, whatever they are. */
  sendRaw(bytes: Uint8Array): void {
    this.sentBytes += bytes.byteLength;
    this.socket.send(bytes);
  }

  close(): void {
    this.socket.close();
  }

  /**
   * The next frame not yet taken; rejects when the connection closes first.
   * @param type when given, the frame must be of this type.
   */
  async next<T extends ProtocolMessageType>(type?: T): Promise<MessageOf<T>> {
    while (this.consumed >= this.received.length) {
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`the connection closed while waiting for ${type ?? 'a frame'}`);
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
    const { message } = this.received[this.consumed++] as ArrivedFrame;
    if (type !== undefined && message.type !== type) {
      throw new Error(`expected a ${type} frame, got ${JSON.stringify(message, (_, v: unknown) => (v instanceof Uint8Array ? `<${v.byteLength} bytes>` : v))}`);
    }
    return message as MessageOf<T>;
  }

  /** The next assign or finish, passing over roundEnd and runStart frames (and refusing any other). */
  async nextAssignOrFinish(): Promise<AssignMessage | MessageOf<'finish'>> {
    for (;;) {
      const message = await this.next();
      if (message.type === 'assign' || message.type === 'finish') return message;
      if (message.type !== 'roundEnd' && message.type !== 'runStart') throw new Error(`unexpected ${message.type} frame`);
    }
  }

  /** Types of every frame received so far. */
  get receivedTypes(): ProtocolMessageType[] {
    return this.received.map((frame) => frame.message.type);
  }
}

/** What a client says about its training in every upload a test writes. */
/** Loss and sample count of scripted uploads: each client of `smallExperiment` holds 40 training rows, which the server checks. */
export const REPORTED = { loss: 0.5, samples: 40 };

/** An honest `sent` upload answering `assign`: a zero update in the `none` compressor's format. */
export function zeroUpload(assign: AssignMessage): UploadMessage {
  const values = valuesIn(assign.start);
  return { ...addressOf(assign), type: 'upload', outcome: 'sent', ...REPORTED, values, payload: encodeFloat32Payload(new Float32Array(values)) };
}

/** A `skipped` upload answering `assign`. */
export function skippedUpload(assign: AssignMessage): UploadMessage {
  return { ...addressOf(assign), type: 'upload', outcome: 'skipped', ...REPORTED, values: valuesIn(assign.start) };
}

/** Values in a float32 payload: its 9-byte header, then 4 bytes each. */
export function valuesIn(payload: Uint8Array): number {
  return (payload.byteLength - 9) / 4;
}

function addressOf(assign: AssignMessage): Pick<AssignMessage, 'runIndex' | 'round' | 'clientId' | 'slot'> {
  const { runIndex, round, clientId, slot } = assign;
  return { runIndex, round, clientId, slot };
}

/** Answers every assignment with a zero update until `finish`; resolves with the assignments answered. */
export async function answerUntilFinish(client: ScriptedClient): Promise<AssignMessage[]> {
  const answered: AssignMessage[] = [];
  for (;;) {
    const message = await client.nextAssignOrFinish();
    if (message.type === 'finish') return answered;
    answered.push(message);
    client.send(zeroUpload(message));
  }
}
