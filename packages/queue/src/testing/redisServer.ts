import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A redis-server of a test's own, on a free loopback port, without persistence. */
export interface TestRedis {
  url: string;
  port: number;
  /** Kills the server with SIGKILL (its memory, jobs included, is lost) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts a fresh, empty server on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** How a test's Redis is started. */
export interface TestRedisOptions {
  /** Require this password (`requirepass`); `url` then carries it. */
  password?: string;
  /** Serve TLS only, with this PEM certificate (for `localhost`) and key; `url` is then `rediss://localhost:PORT`. */
  tls?: { certFile: string; keyFile: string };
}

/** Starts `redis-server` (installed by scripts/install-system-deps.sh) and resolves once it accepts connections. */
export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const port = await freePort();
  const { password, tls } = options;
  const extra = [
    ...(password === undefined ? [] : ['--requirepass', password]),
    ...(tls === undefined ? [] : ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile, '--tls-auth-clients', 'no']),
  ];
  let server = await launch(port, extra);
  const login = password === undefined ? '' : `:${encodeURIComponent(password)}@`;
  return {
    url: tls === undefined ? `redis://${login}127.0.0.1:${port}` : `rediss://${login}localhost:${port}`,
    port,
    kill: () => stopProcess(server, 'SIGKILL'),
    async restart() {
      server = await launch(port, extra);
    },
    stop: () => stopProcess(server, 'SIGTERM'),
  };
}

function launch(port: number, extra: readonly string[]): Promise<ChildProcess> {
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve(server);
    });
    server.once('error', (error) =>
      reject(new Error(`redis-server did not start (${error.message}); install it with scripts/install-system-deps.sh`)),
    );
    server.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)));
  });
}

function stopProcess(server: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.once('exit', () => resolve());
    server.kill(signal);
  });
}

/** A port the system just handed out, so another process is unlikely to take it first. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
