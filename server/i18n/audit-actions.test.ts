import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '@/server/api/schemas/audit';
import en from './messages/en.json';
import zh from './messages/zh-CN.json';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((f) => f.isFile() && f.name.endsWith('.ts') && !f.name.endsWith('.test.ts'))
    .map((f) => path.join(f.parentPath, f.name));
}

// The audit log shows each action by its name in the user's language and offers it in the
// action filter: an action recorded in code but missing here would show as a raw code.
describe('audit actions', () => {
  const recorded = new Set<string>();
  for (const file of sources(path.resolve(import.meta.dirname, '..'))) {
    const text = readFileSync(file, 'utf8');
    // Any action literal in a file that writes the audit log (through recordAudit or directly).
    if (!/recordAudit\(|tables\.auditLog\)/.test(text)) continue;
    for (const m of text.matchAll(/(?:action|signIn[A-Za-z]*): '([a-z][a-z0-9_.-]*\.[a-z0-9_.-]+)'/g)) recorded.add(m[1]!);
  }

  it('finds the actions the services record', () => {
    expect(recorded).toContain('template.create');
    expect(recorded).toContain('user.create');
  });

  it('lists every recorded action, with a label in both languages', () => {
    expect([...recorded].filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a))).toEqual([]);
    for (const actions of [en.audit.actions, zh.audit.actions]) {
      expect(AUDIT_ACTIONS.filter((a) => !(a.replace(/\./g, '_') in actions))).toEqual([]);
    }
  });
});
