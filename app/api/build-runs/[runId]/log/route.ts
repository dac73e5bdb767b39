// GET /api/build-runs/:runId/log?after=N — a run's log as Server-Sent Events, resumable (Last-Event-ID).
import { handleRunLogStream } from '@/server/api/build-streams';

export const dynamic = 'force-dynamic';

export async function GET(req: Request, { params }: { params: Promise<{ runId: string }> }) {
  return handleRunLogStream(req, (await params).runId);
}
