import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

/** A loopback port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('fedtune join', () => {
  it.each([
    [['--client', '3-1', '--token', 's'], /--client 3-1: client id list "3-1": the range 3-1 runs backwards; write 1-3/],
    [['--client', 'a', '--token', 's'], /--client a: client id list "a": "a" is not a client id/],
    [['--client', '0-2', '--token', 's'], /--token is one client's secret, but --client lists 3 ids/],
    [['--client', '0'], /give the client its secret with --token SECRET, or several clients theirs with --tokens FILE/],
    [['--client', '0', '--tokens', 'no-such-tokens.json'], /tokens file not found: no-such-tokens\.json/],
    [['--client', '0', '--token', 's', '--ca', 'no-such-ca.pem'], /cannot read the --ca certificate no-such-ca\.pem/],
  ])('refuses %j with the problem and exit status 2', async (args, expected) => {
    const { code, stderr } = await runCli(['join', 'ws://127.0.0.1:1', ...args]);
    expect(stderr).toMatch(expected);
    expect(code).toBe(2);
  });

  it('refuses a URL that is not ws or wss (exit 2)', async () => {
    const { code, stderr } = await runCli(['join', 'http://127.0.0.1:1', '--client', '0', '--token', 's']);
    expect(stderr).toBe('error: "http://127.0.0.1:1" is not a WebSocket URL; give the server as ws://HOST:PORT or wss://HOST:PORT\n');
    expect(code).toBe(2);
  });

  it('names a server it cannot reach and exits 1', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}`;
    const { code, stderr } = await runCli(['join', url, '--client', '0', '--token', 's']);
    expect(stderr).toMatch(new RegExp(`^error: cannot connect to ${url}: .*ECONNREFUSED.*; check the address and that \`fedtune serve\` is running there\n$`));
    expect(code).toBe(1);
  });
});
