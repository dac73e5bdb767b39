// The API layer never imports db/ itself: it gets the handle here and passes it back to
// services in the request context, so the import table stays mechanical.
export { getDatabase } from '@/db';
export type { Db } from '@/db';
