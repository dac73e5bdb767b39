// Lines the console itself adds to a run's log after its worker is gone (the reaper, the
// sweeper): numbered after the run's last line, so a reader resuming from a seq sees them.
import { eq, sql } from 'drizzle-orm';
import { tables, type Db } from '@/db';

export async function appendRunLog(db: Db, runId: string, lines: string[], step: string | null = null): Promise<void> {
  if (lines.length === 0) return;
  const l = tables.buildRunLogs;
  // Two writers at once (a sweep racing a late flush of a worker thought dead) would collide on
  // the (run, seq) key: read the last seq again and retry.
  for (let tries = 0; ; tries++) {
    const [row] = await db.select({ last: sql<number | null>`max(${l.seq})` }).from(l).where(eq(l.runId, runId));
    const last = Number(row?.last ?? 0);
    const at = new Date();
    const inserted = await db
      .insert(l)
      .values(lines.map((text, i) => ({ runId, seq: last + i + 1, at, stream: 'engine' as const, step, text })))
      .onConflictDoNothing()
      .returning({ seq: l.seq });
    if (inserted.length === lines.length || tries >= 3) return;
    lines = lines.slice(inserted.length);
  }
}
