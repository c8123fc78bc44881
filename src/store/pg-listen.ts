/**
 * A PostgreSQL LISTEN that outlives the database: when the connection drops (a restart), it
 * connects and listens again every 500 ms until it can, then calls `onConnected` so the caller
 * catches up on what it missed while away.
 */
import pg from 'pg';

export interface Listener { close(): Promise<void> }

export function listen(
  url: string, channel: string, onNotify: (payload?: string) => void, onConnected: () => Promise<unknown>,
): Listener {
  let closed = false;
  let current: pg.Client | undefined;
  const start = async (): Promise<void> => {
    if (closed) return;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    const again = () => {
      if (current !== client || closed) return;
      current = undefined;
      setTimeout(() => void start().catch(() => undefined), 500).unref();
    };
    client.on('error', again);
    client.on('end', again);
    client.on('notification', (n) => onNotify(n.payload));
    current = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
      await onConnected();
    } catch {
      again();
    }
  };
  void start();
  return {
    close: async () => {
      closed = true;
      await current?.end().catch(() => undefined);
    },
  };
}
