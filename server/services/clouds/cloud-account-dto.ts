import { tables } from '@/db';

// Everything about an account that may leave the server: never the sealed columns.
export const cloudAccountColumns = {
  id: tables.cloudAccounts.id,
  name: tables.cloudAccounts.name,
  cloud: tables.cloudAccounts.cloud,
  environment: tables.cloudAccounts.environment,
  keyHint: tables.cloudAccounts.keyHint,
  projectId: tables.cloudAccounts.projectId,
  endpoint: tables.cloudAccounts.endpoint,
  imagePageSize: tables.cloudAccounts.imagePageSize,
  syncConcurrency: tables.cloudAccounts.syncConcurrency,
  syncIntervalMinutes: tables.cloudAccounts.syncIntervalMinutes,
  maxConcurrentRuns: tables.cloudAccounts.maxConcurrentRuns,
  enabled: tables.cloudAccounts.enabled,
  sandbox: tables.cloudAccounts.sandbox,
  lastTestAt: tables.cloudAccounts.lastTestAt,
  lastTestOk: tables.cloudAccounts.lastTestOk,
  lastTestError: tables.cloudAccounts.lastTestError,
  createdAt: tables.cloudAccounts.createdAt,
  updatedAt: tables.cloudAccounts.updatedAt,
};
