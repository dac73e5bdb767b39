// GET /api/build-runs/:runId/log/download — a run's whole log as a text file (any signed-in role).
import { handleRunLogDownload } from '@/server/api/build-streams';

export const dynamic = 'force-dynamic';

export async function GET(req: Request, { params }: { params: Promise<{ runId: string }> }) {
  return handleRunLogDownload(req, (await params).runId);
}
