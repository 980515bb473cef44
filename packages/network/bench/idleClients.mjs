// A load generator for the connections-held measurement (see connectionsHeld.mjs), forked with IPC.
// It speaks the raw protocol with `ws` and core's codec, not joinFederation: an idle client needs
// no model, data or tfjs, so one process can hold a thousand of them. On `{ open: { url,
// credentials } }` it opens one connection per credential, sends its join and reports
// `{ welcomed }` once every connection got its welcome; on `{ close: true }` it closes them all
// with 1000 and reports `{ closed }`. Anything else — a refusal, a drop, an error — is reported as
// `{ failed }`.
import { corePlugin, decodeMessage, encodeMessage } from '@fedtune/core';
import { WebSocket } from 'ws';

/**
 * Handshakes in flight at once: above the server's listen backlog (511), SYNs would be dropped and
 * retried a second later, which would time the kernel's retry rather than the server.
 */
const HANDSHAKES_IN_FLIGHT = 128;

const sockets = [];

function fail(message) {
  process.send({ failed: message });
}

/** Opens one connection for `credential` and settles once its welcome arrives. */
function joinAs(url, credential) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    sockets.push(socket);
    socket.on('open', () => socket.send(encodeMessage({ type: 'join', coreVersion: corePlugin.version, clients: [credential] })));
    socket.on('message', (data) => {
      const message = decodeMessage(new Uint8Array(data));
      if (message.type === 'welcome') resolve();
      else reject(new Error(`client ${credential.clientId} got ${message.type}${message.type === 'refused' ? ` (${message.reason}: ${message.message})` : ''}`));
    });
    socket.on('error', reject);
    socket.on('close', (code) => reject(new Error(`client ${credential.clientId}'s connection closed (${code}) before its welcome`)));
  });
}

async function open(url, credentials) {
  let next = 0;
  const worker = async () => {
    while (next < credentials.length) await joinAs(url, credentials[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(HANDSHAKES_IN_FLIGHT, credentials.length) }, worker));
  // Welcomed: from now on a close is the bench's own, not a failure.
  for (const socket of sockets) socket.removeAllListeners('close');
  process.send({ welcomed: credentials.length });
}

async function closeAll() {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise((resolve) => {
          socket.once('close', resolve);
          socket.close(1000, 'bench done');
        }),
    ),
  );
  process.send({ closed: sockets.length });
  process.disconnect();
}

process.on('message', (message) => {
  if (message.open !== undefined) open(message.open.url, message.open.credentials).catch((error) => fail(error.message));
  else if (message.close === true) closeAll().catch((error) => fail(error.message));
});
process.send({ ready: true });
