// GET|POST /api/trpc/* — the tRPC fetch adapter behind the request guard, nothing else.
import { handleTrpcRequest } from '@/server/api/trpc-handler';

export { handleTrpcRequest as GET, handleTrpcRequest as POST };
