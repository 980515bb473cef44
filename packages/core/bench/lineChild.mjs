// A benchmark worker in a child process, driven one JSON line at a time: the parent writes a
// request line to its stdin and reads the reply line from its stdout. Children stay loaded between
// requests, so timed runs of two children can alternate without reloading a model.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Starts `command args…`; its stderr passes through. Returns `reply()` for the next stdout line
 * (parsed as JSON), `request(message)` to send a line and await the reply, and `close()` to end
 * its stdin and await its exit.
 */
export function startLineChild(command, args) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    // 'close', not 'exit': by then every line the child wrote has been read.
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const describe = ({ code, signal }) => `${command} ${args[0] ?? ''} exited (${signal ?? `code ${code}`})`;
  const reply = async () => {
    // A child that dies mid-request would otherwise leave the parent waiting on a line that never comes.
    const next = await Promise.race([lines.next(), exited.then((end) => ({ end }))]);
    if ('end' in next || next.done) throw new Error(`${describe(await exited)} before replying`);
    return JSON.parse(next.value);
  };
  return {
    reply,
    request(message) {
      child.stdin.write(`${JSON.stringify(message)}\n`);
      return reply();
    },
    async close() {
      child.stdin.end();
      const end = await exited;
      if (end.code !== 0) throw new Error(describe(end));
    },
  };
}
