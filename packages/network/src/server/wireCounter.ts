/** Bytes of whole protocol frames that crossed the server's sockets, one way and the other. */
export interface WireBytes {
  /** Client → server. */
  uplink: number;
  /** Server → client. */
  downlink: number;
}

/**
 * Counts whole protocol frames both ways, over every connection of a server (handshakes included),
 * for the ledger's wire columns: each ledger row takes what crossed since the row before.
 */
export class WireCounter {
  private uplink = 0;
  private downlink = 0;

  received(bytes: number): void {
    this.uplink += bytes;
  }

  sent(bytes: number): void {
    this.downlink += bytes;
  }

  /** What crossed since the last call, counting from zero again. */
  take(): WireBytes {
    const taken = { uplink: this.uplink, downlink: this.downlink };
    this.uplink = 0;
    this.downlink = 0;
    return taken;
  }
}
