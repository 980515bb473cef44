import type { RefusalReason } from '@fedtune/core';
import type { JoinRateLimiter } from '../rateLimit/joinRateLimiter.js';
import { ClientConnection } from './clientConnection.js';
import type { ConnectionRegistry } from './connectionRegistry.js';
import { CLOSE_CODES, type FrameHandlers, type FrameSocket, type ReceivedFrame } from './frameSocket.js';
import { judgeJoin, type JoinRules } from './joinVerdict.js';

/** What the server answers joins with and how it admits them. */
export interface HandshakeSettings {
  rules: Omit<JoinRules, 'isHeld'>;
  registry: ConnectionRegistry;
  rateLimiter: JoinRateLimiter;
  /** How long a new connection may take to send its `join`. */
  joinTimeoutMs: number;
  /** What every welcome carries besides the accepted ids. */
  welcome: { experimentJson: string; fingerprint: string };
  log(line: string): void;
  /** A welcomed connection, now registered: the server catches it up (the run in progress). */
  joined(connection: ClientConnection): void;
  /** A registered connection closed or was dropped. */
  left(connection: ClientConnection): void;
}

/** Frames after a refusal, while the socket closes, are not read. */
const IGNORING: FrameHandlers = { frame: () => {}, failed: () => {}, closed: () => {} };

/**
 * Runs the join handshake on a new connection: rate limit by remote address, then a `join` as the
 * first frame within `joinTimeoutMs`, judged by {@link judgeJoin}. A refused connection gets a
 * `refused` frame and is closed; nothing of the model or the experiment is ever sent to it.
 */
export function runJoinHandshake(socket: FrameSocket, settings: HandshakeSettings): void {
  const decision = settings.rateLimiter.attempt(socket.address);
  if (!decision.allowed) {
    const wait = Math.ceil(decision.retryAfterMs / 1000);
    refuse(socket, settings, 'rate-limited', `too many join attempts from ${socket.address}; try again in ${wait} s`);
    return;
  }
  const timer = setTimeout(
    () => refuse(socket, settings, 'malformed', `no join frame within ${settings.joinTimeoutMs / 1000} s of connecting`),
    settings.joinTimeoutMs,
  );
  socket.handle({
    frame: (frame) => {
      clearTimeout(timer);
      admit(socket, frame, settings);
    },
    failed: (error) => {
      clearTimeout(timer);
      settings.log(`connection from ${socket.address} failed before joining: ${error.message}`);
    },
    closed: () => clearTimeout(timer),
  });
}

function admit(socket: FrameSocket, frame: ReceivedFrame, settings: HandshakeSettings): void {
  if (!frame.ok) return refuse(socket, settings, 'malformed', `the first frame is not a protocol frame: ${frame.problem}`);
  if (frame.message.type !== 'join') {
    return refuse(socket, settings, 'malformed', `the first frame must be a join, not a ${frame.message.type}`);
  }
  const { registry } = settings;
  const verdict = judgeJoin(frame.message, { ...settings.rules, isHeld: (id) => registry.holderOf(id) !== undefined });
  if ('refused' in verdict) return refuse(socket, settings, verdict.refused, verdict.message);
  const connection = new ClientConnection(socket, verdict.accepted, {
    log: settings.log,
    gone: (gone) => {
      registry.remove(gone);
      settings.left(gone);
    },
  });
  // The welcome goes out before the connection is registered: a run that starts now sends its runStart after it.
  connection.send({ type: 'welcome', ...settings.welcome, clientIds: verdict.accepted });
  registry.add(connection);
  settings.joined(connection);
}

function refuse(socket: FrameSocket, settings: HandshakeSettings, reason: RefusalReason, message: string): void {
  socket.handle(IGNORING);
  settings.log(`join from ${socket.address} refused (${reason}): ${message}`);
  socket.send({ type: 'refused', reason, message });
  socket.close(CLOSE_CODES.policyViolation, 'refused');
}
