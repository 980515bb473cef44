import { DataError } from '../errors.js';
import { checkSourceName, type ByteSource } from './byteSource.js';

/**
 * A {@link ByteSource} that fetches each name under `baseUrl` over HTTP(S) with the global `fetch`
 * (a browser's, or Node's); `baseUrl` is the folder's URL, a trailing `/` added when missing.
 */
export function fetchByteSource(baseUrl: string | URL): ByteSource {
  const text = String(baseUrl);
  const base = new URL(text.endsWith('/') ? text : `${text}/`);
  const locate = (name: string) => {
    checkSourceName(name);
    return new URL(name.split('/').map(encodeURIComponent).join('/'), base).href;
  };
  return {
    locate,
    async read(name) {
      const url = locate(name);
      let response: Response;
      try {
        response = await fetch(url);
      } catch (error) {
        throw new DataError(`${url} cannot be fetched (${(error as Error).message}); check that the server is reachable.`, {
          cause: error,
        });
      }
      if (!response.ok) {
        throw new DataError(`${url} answered HTTP ${response.status}; check that the server serves ${name} under ${base.href}.`);
      }
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}
