// GET|POST /api/auth/* — better-auth (sign-in, sign-out, get-session).
import { handleAuthRequest } from '@/server/api/auth-handler';

export { handleAuthRequest as GET, handleAuthRequest as POST };
