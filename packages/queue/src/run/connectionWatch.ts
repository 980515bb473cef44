import type { Redis } from 'ioredis';

/** What {@link watchConnection} reports, and to whom. */
export interface ConnectionWatchOptions {
  /** Whether the server still holds the run's data; asked after every reconnection. */
  holdsRunData: () => Promise<boolean>;
  /** Called with the reason when Redis is lost. */
  onLost: (reason: string) => void;
  /**
   * The reason when the client ends, which a client with a bounded reconnection policy does when
   * Redis stayed away too long (its last error is appended); absent where ending is no loss.
   */
  endedReason?: string;
  /** Receives a note when the connection drops and when it is back. */
  log?: (line: string) => void;
}

/**
 * Watches one connected client that reconnects by itself, to tell a short outage from a lost
 * Redis. While the connection is down, commands wait. When it is back, the server must still hold
 * the run's data: one that restarted without persistence lost the queued jobs, so Redis is lost.
 * A client that gives up reconnecting ends, and with `endedReason` that is a loss too.
 * Returns how to stop watching.
 */
export function watchConnection(client: Redis, options: ConnectionWatchOptions): () => void {
  let lastError: string | undefined;
  let down = false;
  const onError = (error: Error) => {
    lastError = error.message;
  };
  const onClose = () => {
    if (!down) options.log?.('note: the connection to Redis dropped; reconnecting');
    down = true;
  };
  const onReady = () => {
    down = false;
    lastError = undefined;
    options.holdsRunData().then(
      (holds) => {
        if (holds) options.log?.('note: reconnected to Redis; the run goes on');
        else options.onLost("it came back without this run's data (restarted without persistence, or another server)");
      },
      // A check cut short by another drop is made again on the next reconnection.
      () => undefined,
    );
  };
  const onEnd = () => {
    if (options.endedReason !== undefined) options.onLost(`${options.endedReason}: ${lastError ?? 'the connection closed'}`);
  };
  client.on('error', onError);
  client.on('close', onClose);
  client.on('ready', onReady);
  client.on('end', onEnd);
  return () => {
    client.off('error', onError);
    client.off('close', onClose);
    client.off('ready', onReady);
    client.off('end', onEnd);
  };
}
