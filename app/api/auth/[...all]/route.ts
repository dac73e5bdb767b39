// GET|POST /api/auth/* — better-auth, narrowed to sign-in, sign-out and get-session.
import { handleAuthRequest } from '@/server/api/auth-handler';

// Only the Request: Next's second argument (route params) is not the handler's options.
const handler = (req: Request) => handleAuthRequest(req);

export { handler as GET, handler as POST };
