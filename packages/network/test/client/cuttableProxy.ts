import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on loopback in front of a server: clients connect to {@link url}, and the test cuts
 * every connection through it with {@link cut}, as a failing network would.
 */
export class CuttableProxy {
  private readonly pairs = new Set<readonly [Socket, Socket]>();
  private readonly server: Server;
  /** `ws://127.0.0.1:PORT` of the relay, once it listens. */
  url = '';

  private constructor(targetPort: number) {
    this.server = createServer((incoming) => {
      const pair = [incoming, connect(targetPort, '127.0.0.1')] as const;
      this.pairs.add(pair);
      incoming.pipe(pair[1]).pipe(incoming);
      const end = () => {
        this.pairs.delete(pair);
        for (const socket of pair) socket.destroy();
      };
      for (const socket of pair) socket.on('error', end).on('close', end);
    });
  }

  /** Relays a free loopback port to `targetPort`. */
  static async start(targetPort: number): Promise<CuttableProxy> {
    const proxy = new CuttableProxy(targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.url = `ws://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    return proxy;
  }

  /** Cuts every connection through the relay, both ways, without a closing handshake. */
  cut(): void {
    for (const pair of this.pairs) for (const socket of pair) socket.destroy();
  }

  /** Cuts every connection and stops relaying. */
  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
