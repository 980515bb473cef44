/**
 * What a {@link FrameConnection} needs of a WebSocket: the handler properties of the WHATWG
 * interface, which browsers' native `WebSocket` has and the `ws` package's implements, so one
 * client plays a federation in both.
 */
export interface MessageSocket {
  /** Set to `arraybuffer`: binary messages then arrive as an ArrayBuffer, text ones as a string. */
  binaryType: string;
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  /** `ws` gives the cause in `error`; browsers say nothing. */
  onerror: ((event: { error?: unknown }) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number): void;
}

/** `readyState` of an open socket (the WHATWG constant). */
export const SOCKET_OPEN = 1;

/** Opens a socket to a `ws(s)://` URL, on the platform the client runs on. */
export type SocketOpener = (url: string) => MessageSocket;

/** Why the socket could not open, in words with what to check; `cause` is what `onerror` carried. */
export type DescribeUnreachable = (url: string, cause: unknown) => string;
