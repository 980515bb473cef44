import WebSocket from 'ws';
import { ConfigError } from '@fedtune/core';
import { checkServerUrl, type ConnectionOpener } from './connection.js';
import type { MessageSocket } from './messageSocket.js';

/**
 * How a Node client reaches a server: a `ws` socket, trusting `ca` (PEM) besides the public
 * authorities for a `wss` server with a self-signed certificate.
 * @throws ConfigError for a URL that is not ws(s), or a `ca` with a plain `ws` URL.
 */
export function nodeConnectionOpener(url: string, ca: string | undefined): ConnectionOpener {
  if (ca !== undefined && checkServerUrl(url).protocol === 'ws:') {
    throw new ConfigError(`a CA certificate only applies to a TLS server; use wss:// instead of ws:// in "${url}", or drop the certificate`);
  }
  return {
    // `ws` implements the WHATWG handler properties MessageSocket names; its event types are richer.
    socket: (target) => new WebSocket(target, ca === undefined ? {} : { ca }) as unknown as MessageSocket,
    unreachable: (_target, cause) => {
      const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? '';
      const detail = cause instanceof Error ? `${cause.message}; ` : '';
      const hint = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
        ? "the server's TLS certificate is not trusted; pass the server's certificate (or its CA) with --ca"
        : 'check the address and that `fedtune serve` is running there';
      return `${detail}${hint}`;
    },
  };
}
