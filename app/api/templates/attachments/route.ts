// POST /api/templates/attachments — upload a file for a template version (builders, admins).
// GET  /api/templates/attachments?templateId&version&path — download a version's attachment (any role).
import { handleAttachmentDownload, handleAttachmentUpload } from '@/server/api/template-attachments';

export const dynamic = 'force-dynamic';
export { handleAttachmentUpload as POST, handleAttachmentDownload as GET };
