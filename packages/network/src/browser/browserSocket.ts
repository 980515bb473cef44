import { ConfigError } from '@fedtune/core';
import type { ConnectionOpener } from '../client/connection.js';
import type { MessageSocket } from '../client/messageSocket.js';

/** The browser's native WebSocket, as {@link MessageSocket} names what the client uses of it. */
type NativeWebSocket = new (url: string) => MessageSocket;

/**
 * How a browser tab reaches the server: its native WebSocket. A browser says nothing about why a
 * connection failed, so the hint names what to check.
 * @throws ConfigError where the global WebSocket is missing.
 */
export function browserConnectionOpener(): ConnectionOpener {
  const WebSocketClass = (globalThis as { WebSocket?: NativeWebSocket }).WebSocket;
  if (WebSocketClass === undefined) throw new ConfigError('this environment has no WebSocket; join from a browser, or from Node with fedtune join');
  return {
    socket: (url) => new WebSocketClass(url),
    unreachable: () => 'check that `fedtune serve` is still running and that this page was loaded from it',
  };
}
