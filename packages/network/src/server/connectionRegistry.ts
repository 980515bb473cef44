import type { ProtocolMessage } from '@fedtune/core';
import type { ClientConnection } from './clientConnection.js';

/** Which live connection speaks for which client id: one connection per id at a time. */
export class ConnectionRegistry {
  private readonly holders = new Map<number, ClientConnection>();
  private readonly live = new Set<ClientConnection>();
  private readonly listeners = new Set<() => void>();

  /** The live connection holding `clientId`, if any. */
  holderOf(clientId: number): ClientConnection | undefined {
    return this.holders.get(clientId);
  }

  /** How many client ids live connections hold. */
  get heldCount(): number {
    return this.holders.size;
  }

  /** Every live connection. */
  get connections(): readonly ClientConnection[] {
    return [...this.live];
  }

  /** Registers a connection under its client ids, which the handshake checked no one holds. */
  add(connection: ClientConnection): void {
    this.live.add(connection);
    for (const id of connection.clientIds) this.holders.set(id, connection);
    this.changed();
  }

  /** Frees the client ids of a connection that is gone. */
  remove(connection: ClientConnection): void {
    if (!this.live.delete(connection)) return;
    for (const id of connection.clientIds) {
      if (this.holders.get(id) === connection) this.holders.delete(id);
    }
    this.changed();
  }

  /** Sends `message` to every live connection. */
  broadcast(message: ProtocolMessage): void {
    for (const connection of this.live) connection.send(message);
  }

  /** Calls `listener` whenever a connection comes or goes; returns how to stop. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
