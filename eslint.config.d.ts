// Types of what eslint.config.js exports besides the config (allowJs is off).
import type { Linter } from 'eslint';

export interface ImportEntry {
  path: string;
  why?: string;
  typeOnly?: boolean;
}
export interface ImportLayer {
  folder: string;
  label?: string;
  mayImport: (string | ImportEntry)[];
  note?: string;
}
export const IMPORT_LAYERS: ImportLayer[];
export const IMPORT_FREE: string[];
export const IMPORT_TABLE_START: string;
export const IMPORT_TABLE_END: string;
export function renderImportTable(): string;
declare const config: Linter.Config[];
export default config;
