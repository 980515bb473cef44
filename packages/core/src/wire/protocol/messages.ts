/**
 * The messages of fedtune's network protocol: one binary WebSocket frame each. `docs/PROTOCOL.md`
 * gives the lifecycle and every byte layout.
 */

/** The protocol version this side writes. Any change to a layout, an enum or a flag bit raises it. */
export const PROTOCOL_VERSION = 1;

/** The versions this side reads; a frame of any other version is refused, naming these. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [PROTOCOL_VERSION];

/** The 4 ASCII bytes every frame starts with, so a stray connection's bytes fail at once. */
export const PROTOCOL_MAGIC = 'FTWP';

/** Why a server turns a connection away (`refused`); the wire code is the index in this list. */
export const REFUSAL_REASONS = [
  'bad-token',
  'unknown-client',
  'duplicate-client',
  'version-mismatch',
  'rate-limited',
  'server-full',
  'malformed',
] as const;

/** One of {@link REFUSAL_REASONS}. */
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** What a client did with its assignment; the wire code is the index in this list. */
export const UPLOAD_OUTCOMES = ['sent', 'skipped', 'diverged'] as const;

/** One of {@link UPLOAD_OUTCOMES}. */
export type UploadOutcome = (typeof UPLOAD_OUTCOMES)[number];

/** What an `error` frame reports; the wire code is the index in this list. */
export const PROTOCOL_ERROR_CODES = [
  /** The frame could not be decoded. */
  'malformed',
  /** A valid frame at the wrong time: another round or run, a second upload, an upload never assigned. */
  'out-of-order',
  /** A frame naming a client id this connection did not join as. */
  'wrong-client',
  /** The sender failed on its own side. */
  'internal',
] as const;

/** One of {@link PROTOCOL_ERROR_CODES}. */
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

/** One client id a connection speaks for, with its secret. */
export interface ClientCredential {
  clientId: number;
  /** The client's token, as `fedtune tokens` wrote it. */
  token: string;
}

/** Client → server, first frame of a connection: who it speaks for. */
export interface JoinMessage {
  type: 'join';
  /** The `@fedtune/core` version the client computes with. */
  coreVersion: string;
  /** At least one client id; one process may speak for several. */
  clients: readonly ClientCredential[];
}

/** Server → client: the join is accepted. */
export interface WelcomeMessage {
  type: 'welcome';
  /** The resolved experiment (with its `compare` entries) as JSON text. */
  experimentJson: string;
  /** The experiment's fingerprint, lowercase hex. */
  fingerprint: string;
  /** The client ids of the join the server accepted. */
  clientIds: readonly number[];
}

/** Server → client: the join is turned away; the server closes the connection after it. */
export interface RefusedMessage {
  type: 'refused';
  reason: RefusalReason;
  message: string;
}

/** Server → client: a run begins. */
export interface RunStartMessage {
  type: 'runStart';
  /** 0 for the main run, k for the k-th `compare` entry. */
  runIndex: number;
  label: string;
  /**
   * Present when the client's memory of this run (skip rules, error feedback) must be what it was
   * before this round: 0 for a run this server starts afresh, the checkpoint's round for a run it
   * went on with after `--resume`. Absent for a client that rejoins a server it played this run
   * with: it keeps the memory it has.
   */
  restoreRound?: number;
}

/** Server → client: train one slot of one client this round. */
export interface AssignMessage {
  type: 'assign';
  runIndex: number;
  round: number;
  clientId: number;
  slot: number;
  /** A calibration round: upload without asking the skip rule. */
  forced: boolean;
  /** The start vector exactly as core's float32 payload encodes it (the ledger's downlink bytes). */
  start: Uint8Array;
  /** The previous global as a float32 payload, for the skip rules that weigh it. */
  previousGlobal?: Uint8Array;
}

/** Client → server fields of every upload, whatever its outcome. */
interface UploadFields {
  type: 'upload';
  runIndex: number;
  round: number;
  clientId: number;
  slot: number;
  /** The client's mean local training loss; finite. */
  loss: number;
  /** Training samples the slot holds. */
  samples: number;
  /** Length of the client's update vector. */
  values: number;
}

/** Client → server: the answer to one `assign`. */
export type UploadMessage = UploadFields &
  (
    | { outcome: 'sent'; /** The compressor's payload, byte for byte. */ payload: Uint8Array }
    | { outcome: 'skipped' }
    | { outcome: 'diverged'; /** Why training diverged. */ reason: string }
  );

/** Server → client: every upload of the round is in (or counted lost). */
export interface RoundEndMessage {
  type: 'roundEnd';
  runIndex: number;
  round: number;
  /**
   * The server writes a checkpoint after this round: clients keep a copy of their memory of the
   * run as it is now, to restore when a resumed server goes on from that checkpoint.
   */
  checkpoint: boolean;
}

/** Server → client: the experiment is done; clients exit 0. */
export interface FinishMessage {
  type: 'finish';
}

/** Either way: the other side sent a malformed or out-of-order frame. */
export interface ErrorMessage {
  type: 'error';
  code: ProtocolErrorCode;
  message: string;
}

/** Every protocol message, told apart by `type`. */
export type ProtocolMessage =
  | JoinMessage
  | WelcomeMessage
  | RefusedMessage
  | RunStartMessage
  | AssignMessage
  | UploadMessage
  | RoundEndMessage
  | FinishMessage
  | ErrorMessage;

/** The name of a message type. */
export type ProtocolMessageType = ProtocolMessage['type'];

/** The byte after the version that names the message type. */
export const MESSAGE_TYPE_CODES: Readonly<Record<ProtocolMessageType, number>> = {
  join: 1,
  welcome: 2,
  refused: 3,
  runStart: 4,
  assign: 5,
  upload: 6,
  roundEnd: 7,
  finish: 8,
  error: 9,
};

/** Bits of the `assign` flags byte; the others must be 0. */
export const ASSIGN_FLAGS = {
  /** A calibration round: the client uploads without asking its skip rule. */
  forced: 0b01,
  /** The previous global's payload follows the start payload. */
  previousGlobal: 0b10,
} as const;

/** Bits of the `runStart` flags byte; the others must be 0. */
export const RUN_START_FLAGS = {
  /** The restore round follows: clients set their memory of the run to what it was before it. */
  restore: 0b01,
} as const;

/** Bits of the `roundEnd` flags byte; the others must be 0. */
export const ROUND_END_FLAGS = {
  /** A checkpoint is written after this round: clients keep a copy of their memory. */
  checkpoint: 0b01,
} as const;
