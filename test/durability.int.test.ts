/**
 * Durability of acknowledged check-ins: check-ins stream in from 16 concurrent clients, the server is killed with
 * SIGKILL mid-stream, restarted on the same data, and every check-in that had been acknowledged (2xx) must be there.
 * What "ack" guarantees: the answer is sent only after the transaction holding the row committed (PostgreSQL:
 * WAL flushed to disk, synchronous_commit=on; PGlite: written to its data directory before commit returns).
 */
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { api, freshData, type ServerData, startServer } from './server-process.ts';

const pgBase = process.env.TEST_DATABASE_URL || undefined;
const kind = pgBase ? 'postgres' : 'pglite';
let data: ServerData | undefined;

afterAll(async () => {
  await data?.drop();
});

async function storedIds(d: ServerData, ids: string[]): Promise<Set<string>> {
  if (d.kind === 'postgres') {
    const c = new pg.Client({ connectionString: d.databaseUrl });
    await c.connect();
    const r = await c.query<{ id: string }>('select id::text as id from checkins where id = any($1::uuid[])', [ids]);
    await c.end();
    return new Set(r.rows.map((x) => x.id));
  }
  const lite = await PGlite.create(`${d.dataDir}/pglite`);
  const r = await lite.query<{ id: string }>('select id::text as id from checkins where id = any($1::uuid[])', [ids]);
  await lite.close();
  return new Set(r.rows.map((x) => x.id));
}

describe(`durability on ${kind}`, () => {
  it('keeps every acknowledged check-in after a kill -9 mid-stream', async () => {
    data = await freshData(kind, pgBase);
    const server = await startServer(data);
    const admin = await api<{ token: string }>(server.url, 'POST', '/api/v1/auth/staff/login', {
      username: 'admin',
      password: data.adminPassword,
    });
    const venue = await api<{ id: string }>(
      server.url,
      'POST',
      '/api/v1/venues',
      { name: 'Bến xe Biên Hòa', category: 'station_port_airport', unitCode: '25993', address: '1 Phạm Văn Thuận' },
      admin.token,
    );

    const acked: string[] = [];
    let sent = 0;
    let failedAfterKill = 0;
    let stop = false;
    const client = async (c: number) => {
      for (let i = 0; !stop && i < 100_000; i++) {
        sent++;
        const nationalId = `0759${String(c).padStart(2, '0')}${String(i).padStart(6, '0')}`;
        try {
          const res = await fetch(`${server.url}/api/v1/checkins`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${admin.token}`,
              'idempotency-key': randomUUID(),
            },
            body: JSON.stringify({ venueId: venue.id, nationalId, name: `Hành khách ${c}-${i}` }),
          });
          if (res.status === 201) acked.push(((await res.json()) as { id: string }).id);
          else await res.text();
        } catch {
          failedAfterKill++;
          return;
        }
      }
    };
    const clients = Array.from({ length: 16 }, (_, c) => client(c));
    // let a few hundred check-ins through, then pull the plug while requests are in flight
    while (acked.length < 300) await new Promise((r) => setTimeout(r, 20));
    await server.kill9();
    stop = true;
    await Promise.all(clients);
    expect(failedAfterKill).toBeGreaterThan(0);

    // restart on the same data: the server must come back (recovery) and serve
    const again = await startServer(data);
    const ready = await fetch(`${again.url}/readyz`);
    expect(ready.status).toBe(200);
    await again.stop();

    const stored = await storedIds(data, acked);
    const missing = acked.filter((id) => !stored.has(id));
    console.log(`${kind}: sent ${sent}, acknowledged ${acked.length}, missing after kill -9: ${missing.length}`);
    expect(missing).toEqual([]);
  }, 240_000);
});
