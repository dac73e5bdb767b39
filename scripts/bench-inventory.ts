// npm run bench:inventory — a full base-image sync of every region of both sandbox clouds,
// with a 50 ms latency on every API call, at page size 20 and 100. Prints wall time, API
// calls, and the ratio of wall time to the slowest region's own sync.
import { openDatabase } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import { setDatabase, tables } from '@/db';
import { eq } from 'drizzle-orm';
import { startSandboxCloud } from '@/server/sandbox-cloud/server';
import { createCloudAccount } from '@/server/services/clouds/create-cloud-account';
import { syncAccountInventory } from '@/server/services/clouds/sync-account-inventory';
import type { RegionSyncResult } from '@/server/services/clouds/sync-region-inventory';
import { insertUser } from '@/server/services/users/insert-user';

const LATENCY_MS = 50;
const CASES = [
  { pageSize: 20, concurrency: 4 },
  { pageSize: 100, concurrency: 4 },
  { pageSize: 20, concurrency: 16 },
  { pageSize: 100, concurrency: 16 },
];

async function main() {
  const sandbox = await startSandboxCloud({ port: 0, sshPort: 20000 + Math.floor(Math.random() * 20000) });
  sandbox.world.faults.update({ latencyMs: LATENCY_MS });
  console.log(`inventory benchmark: ${sandbox.world.regions('ucloud').length} UCloud + ${sandbox.world.regions('aws').length} AWS regions, ${LATENCY_MS} ms per API call, vendor rate limits on\n`);
  console.log('page size  per-account concurrency  images  list calls (ucloud/aws)  wall ms  slowest region ms  wall/slowest');

  for (const c of CASES) {
    const database = await openDatabase({ pgliteDir: 'memory' });
    await migrateDatabase(database);
    setDatabase(database);
    const userId = await insertUser(database.db, { email: 'bench@rome.local', name: 'bench', role: 'admin', password: 'bench-password-123' });
    const actor = { id: userId, email: 'bench@rome.local', name: 'bench', role: 'admin' as const };
    const common = { environment: 'bench', syncConcurrency: c.concurrency, syncIntervalMinutes: 0, enabled: true, imagePageSize: c.pageSize };
    const u = await createCloudAccount(database.db, actor, { ...common, name: 'u', cloud: 'ucloud', keyId: 'sandbox-public-key', secret: 'sandbox-private-key', projectId: 'org-sandbox', endpoint: `${sandbox.url}/ucloud` }, { sync: false });
    const a = await createCloudAccount(database.db, actor, { ...common, name: 'a', cloud: 'aws', keyId: 'AKIASANDBOX000000000', secret: 'sandbox-secret-key', endpoint: `${sandbox.url}/ec2` }, { sync: false });

    // Both accounts at once, as two workers would run them.
    const started = performance.now();
    const [ur, ar] = await Promise.all([
      syncAccountInventory(database.db, { accountId: u.id, regions: 'all', trigger: 'manual' }),
      syncAccountInventory(database.db, { accountId: a.id, regions: 'all', trigger: 'manual' }),
    ]);
    const wall = performance.now() - started;
    const ok = (rs: typeof ur.results) => rs.filter((r): r is RegionSyncResult => !('error' in r));
    const failed = [...ur.results, ...ar.results].filter((r) => 'error' in r);
    if (failed.length) throw new Error(`failed regions: ${JSON.stringify(failed)}`);
    const all = [...ok(ur.results), ...ok(ar.results)];
    const calls = (rs: RegionSyncResult[]) => rs.reduce((n, r) => n + r.apiCalls, 0);
    const images = all.reduce((n, r) => n + r.imagesSeen, 0);
    const slowest = Math.max(...all.map((r) => r.durationMs));
    const stored = (await database.db.select().from(tables.baseImages).where(eq(tables.baseImages.status, 'available'))).length;
    if (stored !== images) throw new Error(`stored ${stored} images but saw ${images}`);
    console.log(
      `${String(c.pageSize).padStart(9)}  ${String(c.concurrency).padStart(23)}  ${String(images).padStart(6)}  ${`${calls(ok(ur.results))}/${calls(ok(ar.results))}`.padStart(23)}  ${wall.toFixed(0).padStart(7)}  ${String(slowest).padStart(17)}  ${(wall / slowest).toFixed(2).padStart(12)}`,
    );
    await database.close();
  }
  console.log('\nwall/slowest = wall time of the whole sync ÷ the slowest single region\'s own sync; 1.00 would mean every region ran fully in parallel.');
  await sandbox.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
