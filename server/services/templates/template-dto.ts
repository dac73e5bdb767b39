import { tables } from '@/db';

export const versionColumns = {
  version: tables.templateVersions.version,
  message: tables.templateVersions.message,
  valid: tables.templateVersions.valid,
  parentVersion: tables.templateVersions.parentVersion,
  createdAt: tables.templateVersions.createdAt,
  authorName: tables.users.name,
  authorEmail: tables.users.email,
};
