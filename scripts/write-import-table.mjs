// Rewrites the "Who may import whom" table in docs/architecture.md from eslint.config.js,
// so the doc shows exactly the allow-lists the linter enforces.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IMPORT_TABLE_END, IMPORT_TABLE_START, renderImportTable } from '../eslint.config.js';

const file = path.join(import.meta.dirname, '..', 'docs', 'architecture.md');
const doc = readFileSync(file, 'utf8');
const start = doc.indexOf(IMPORT_TABLE_START);
const end = doc.indexOf(IMPORT_TABLE_END);
if (start < 0 || end < start) {
  console.error(`docs/architecture.md has no ${IMPORT_TABLE_START} … ${IMPORT_TABLE_END} block to fill.`);
  process.exit(1);
}
const next = `${doc.slice(0, start + IMPORT_TABLE_START.length)}\n${renderImportTable()}\n${doc.slice(end)}`;
if (next === doc) console.log('docs/architecture.md: the import table is up to date.');
else {
  writeFileSync(file, next);
  console.log('docs/architecture.md: import table rewritten.');
}
