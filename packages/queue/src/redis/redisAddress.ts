import { ConfigError } from '@fedtune/core';

/** Where a Redis server is and how to log in, read from a `redis://` or `rediss://` URL. */
export interface RedisAddress {
  host: string;
  port: number;
  /** The logical database (`/DB` in the URL); 0 when absent. */
  db: number;
  username?: string;
  password?: string;
  /** `rediss://`: the connection is TLS, checked against the system's CAs (and `NODE_EXTRA_CA_CERTS`). */
  tls: boolean;
  /** The URL with its password masked, for messages and logs. */
  display: string;
}

const DEFAULT_PORT = 6379;
/** Redis's default configuration has 16 databases (0–15); a server may have more. */
const MAX_DB = 1_000_000;

/**
 * Reads `redis://[USER[:PASSWORD]@]HOST[:PORT][/DB]` or its TLS form `rediss://…`.
 * @throws ConfigError naming what is wrong and the form expected; the message never shows the password.
 */
export function parseRedisUrl(text: string): RedisAddress {
  const form = 'give redis://[user:password@]host[:port][/db], or rediss://… for TLS';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`--queue ${maskPassword(text)} is not a URL; ${form}.`);
  }
  const tls = url.protocol === 'rediss:';
  if (!tls && url.protocol !== 'redis:') {
    throw new ConfigError(`--queue ${maskPassword(text)} has scheme ${url.protocol.slice(0, -1)}; ${form}.`);
  }
  if (url.hostname === '') throw new ConfigError(`--queue ${maskPassword(text)} names no host; ${form}.`);
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(`--queue ${maskPassword(text)} has a query or fragment, which fedtune does not read; ${form}.`);
  }
  const path = url.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!/^\d*$/.test(path) || !Number.isSafeInteger(db) || db > MAX_DB) {
    throw new ConfigError(`--queue ${maskPassword(text)} has database "${path}", not a number; ${form}.`);
  }
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  // WHATWG URLs keep IPv6 hosts in brackets; sockets take them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port: url.port === '' ? DEFAULT_PORT : Number(url.port),
    db,
    ...(username === '' ? {} : { username }),
    ...(password === '' ? {} : { password }),
    tls,
    display: maskPassword(text),
  };
}

/** `text` with the password of a URL's user part replaced by `***`. */
export function maskPassword(text: string): string {
  return text.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}
