import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { ConfigError } from '@fedtune/core';
import { WebSocketServer } from 'ws';

/** A certificate and its private key, PEM-encoded, for `wss://`. */
export interface TlsCredentials {
  cert: string | Buffer;
  key: string | Buffer;
}

/** Where and how the server listens. */
export interface ListenOptions {
  host: string;
  /** 0 takes any free port. */
  port: number;
  tls?: TlsCredentials | undefined;
  /** The largest frame either way; a larger one is refused before it is read. */
  maxPayload: number;
  /** Answers plain HTTP requests: the browser client's page and its files. */
  onRequest: (request: IncomingMessage, response: ServerResponse) => void;
}

/** A WebSocket server bound to its address. */
export interface Listening {
  /** Its `error` events (the HTTP server's, re-emitted) need a listener. */
  webSockets: WebSocketServer;
  /** The port bound (the one the system chose, for port 0). */
  port: number;
  /** `ws://HOST:PORT`, or `wss://` with TLS. */
  url: string;
  /** Stops accepting connections and closes the listening socket. */
  close(): Promise<void>;
}

/**
 * Binds a WebSocket server on a node:http(s) server; a plain HTTP request goes to `onRequest`.
 * @throws ConfigError when the address cannot be bound or the certificate and key cannot be used.
 */
export async function listen(options: ListenOptions): Promise<Listening> {
  const { host, port, tls, maxPayload, onRequest } = options;
  const http = tls === undefined ? createHttpServer() : createTlsServer(tls);
  http.on('request', onRequest);
  await new Promise<void>((resolve, reject) => {
    http.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, port)));
    http.listen(port, host, () => resolve());
  });
  // Made once bound: it re-emits the HTTP server's errors, and a failed bind is reported above.
  const webSockets = new WebSocketServer({ server: http, maxPayload });
  const bound = http.address();
  const boundPort = typeof bound === 'object' && bound !== null ? bound.port : port;
  const scheme = tls === undefined ? 'ws' : 'wss';
  return {
    webSockets,
    port: boundPort,
    url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    close: () => closeServer(webSockets, http),
  };
}

function createTlsServer(tls: TlsCredentials): Server {
  try {
    return createHttpsServer({ cert: tls.cert, key: tls.key });
  } catch (error) {
    throw new ConfigError(
      `the TLS certificate and key cannot be used (${(error as Error).message}); give a PEM certificate and the PEM private key it was made with`,
      { cause: error },
    );
  }
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host}:${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new ConfigError(`${where} is in use by another program; choose another port in --listen`, { cause: error });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ConfigError(`cannot listen on ${where}: ${host} is not an address of this machine; use 0.0.0.0 for every address`, { cause: error });
    case 'EACCES':
      return new ConfigError(`cannot listen on ${where}: ports below 1024 need privileges; choose a port of 1024 or above`, { cause: error });
    default:
      return error;
  }
}

async function closeServer(webSockets: WebSocketServer, http: Server): Promise<void> {
  await new Promise<void>((resolve) => webSockets.close(() => resolve()));
  await new Promise<void>((resolve) => {
    http.close(() => resolve());
    http.closeAllConnections();
  });
}
