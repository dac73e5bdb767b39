// GET /api/builds/:buildId/events — the build's live state as Server-Sent Events (any signed-in role).
import { handleBuildEvents } from '@/server/api/build-streams';

export const dynamic = 'force-dynamic';

export async function GET(req: Request, { params }: { params: Promise<{ buildId: string }> }) {
  return handleBuildEvents(req, (await params).buildId);
}
