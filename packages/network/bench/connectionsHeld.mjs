// Connections held: one FederationServer process (holdingServer.mjs) and load-generating processes
// (idleClients.mjs) that open N authenticated connections to it. Reports the time from the signal
// to open until every connection was welcomed, and the server's memory before and after, per
// connection.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Load-generating processes; each holds N / this many connections. */
export const CONNECTING_PROCESSES = 2;

const script = (name) => fileURLToPath(new URL(`./${name}`, import.meta.url));

/** Forks `name` and hands back the child with a way to await its next message that has `key` (a `failed` one rejects). */
function forkChild(name, args, execArgv = []) {
  const child = fork(script(name), args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = [];
  let exited;
  child.on('message', (message) => {
    if (message.failed !== undefined) {
      for (const { reject } of waiting.splice(0)) reject(new Error(`${name}: ${message.failed}`));
      return;
    }
    const index = waiting.findIndex(({ key }) => key in message);
    if (index >= 0) waiting.splice(index, 1)[0].resolve(message);
  });
  child.on('exit', (code) => {
    exited = new Error(`${name} exited with ${code} while the bench waited on it`);
    for (const { reject } of waiting.splice(0)) reject(exited);
  });
  const next = (key) =>
    new Promise((resolve, reject) => {
      if (exited !== undefined) reject(exited);
      else waiting.push({ key, resolve, reject });
    });
  return { child, next };
}

/** Each memory figure's growth from `before` to `after`, per connection. */
function perConnection(before, after, connections) {
  return Object.fromEntries(Object.keys(before).map((field) => [field, (after[field] - before[field]) / connections]));
}

/** Holds `connections` idle authenticated connections on one server and measures what they cost it. */
export async function measureConnectionsHeld(connections) {
  const server = forkChild('holdingServer.mjs', [String(connections)], ['--expose-gc']);
  const { url, credentials, memory: before } = (await server.next('listening')).listening;
  const share = Math.ceil(credentials.length / CONNECTING_PROCESSES);
  const connectors = Array.from({ length: CONNECTING_PROCESSES }, () => forkChild('idleClients.mjs', []));
  await Promise.all(connectors.map((connector) => connector.next('ready')));

  const began = performance.now();
  const welcomed = connectors.map((connector, index) => {
    const done = connector.next('welcomed');
    connector.child.send({ open: { url, credentials: credentials.slice(index * share, (index + 1) * share) } });
    return done;
  });
  const counts = (await Promise.all(welcomed)).map((message) => message.welcomed);
  const acceptAllMs = performance.now() - began;
  const measured = server.next('memory');
  server.child.send({ measure: true });
  const { memory: after, refusals } = await measured;

  await Promise.all(
    connectors.map((connector) => {
      const closed = connector.next('closed');
      connector.child.send({ close: true });
      return closed;
    }),
  );
  const stopped = server.next('stopped');
  server.child.send({ stop: true });
  await stopped;
  return {
    connections,
    welcomed: counts.reduce((total, count) => total + count, 0),
    refusals,
    acceptAllMs,
    serverMemoryBefore: before,
    serverMemoryAfter: after,
    serverBytesPerConnection: perConnection(before, after, connections),
  };
}
