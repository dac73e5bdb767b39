import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIRequestContext, Page, Response } from '@playwright/test';
import { admin, expect, signIn, test } from '../fixtures';
import { E2E_PORT } from '../playwright.config';

// The console under test; the attacker's pages are served from another port of the same host,
// which the browser counts as the same *site*: SameSite=Lax cookies go along with its posts.
const CONSOLE = `http://127.0.0.1:${E2E_PORT}`;
const PREFERENCES = `${CONSOLE}/api/trpc/me.updatePreferences`;
const SYNC_NOW = `${CONSOLE}/api/trpc/inventory.syncNow`;

const autoSubmit = (enctype: string, action: string, fields: [string, string][]) => `<!doctype html>
<form method="post" enctype="${enctype}" action="${action}">
  ${fields.map(([name, value]) => `<input type="hidden" name='${name}' value='${value}'>`).join('\n  ')}
</form>
<script>document.forms[0].submit()</script>`;

const ATTACKS: Record<string, string> = {
  '/multipart-preferences': autoSubmit('multipart/form-data', PREFERENCES, [['locale', 'zh-CN']]),
  '/multipart-sync': autoSubmit('multipart/form-data', SYNC_NOW, [['region', 'cn-bj2']]),
  // The classic JSON-in-a-text/plain-form trick: the body reads {"json":{"locale":"zh-CN"},"x":"="}.
  '/text-preferences': autoSubmit('text/plain', PREFERENCES, [['{"json":{"locale":"zh-CN"},"x":"', '"}']]),
  '/text-sync': autoSubmit('text/plain', SYNC_NOW, [['{"json":{},"x":"', '"}']]),
  '/fetch': `<!doctype html><script>
    const send = (url, body) => fetch(url, { method: 'POST', credentials: 'include', mode: 'no-cors', body });
    Promise.allSettled([
      send(${JSON.stringify(PREFERENCES)}, JSON.stringify({ json: { locale: 'zh-CN' } })),
      send(${JSON.stringify(SYNC_NOW)}, JSON.stringify({ json: {} })),
    ]).then(() => { document.title = 'sent'; });
  </script>`,
};

interface AuditRow {
  id: string;
  action: string;
}

/** Calls a tRPC procedure the way the console's own client does (JSON); Playwright's request context carries the page's cookie. */
async function trpcCall<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const res = await request.post(`${CONSOLE}/api/trpc/${path}`, { data: { json: input } });
  expect(res.status(), `${path}: ${await res.text()}`).toBe(200);
  return ((await res.json()) as { result: { data: { json: T } } }).result.data.json;
}

async function auditActions(request: APIRequestContext): Promise<AuditRow[]> {
  const data = await trpcCall<AuditRow[] | { rows?: AuditRow[]; items?: AuditRow[] }>(request, 'audit.list', {});
  return Array.isArray(data) ? data : (data.rows ?? data.items ?? []);
}

async function myLocale(request: APIRequestContext): Promise<string | null> {
  return (await trpcCall<{ locale: string | null }>(request, 'me.get', null)).locale;
}

/** Opens an attacker page and returns the console's answers to the requests it made. */
async function attack(page: Page, origin: string, path: string, expected: number): Promise<Response[]> {
  const answers: Response[] = [];
  const onResponse = (r: Response) => {
    if (r.url().startsWith(`${CONSOLE}/api/trpc/`)) answers.push(r);
  };
  page.on('response', onResponse);
  try {
    await page.goto(`${origin}${path}`);
    await expect.poll(() => answers.length, { message: `answers to ${path}` }).toBe(expected);
  } finally {
    page.off('response', onResponse);
  }
  return answers;
}

test.describe.serial('security: cross-site writes', () => {
  let attacker: http.Server;
  let attackerOrigin = '';

  test.beforeAll(async () => {
    attacker = http.createServer((req, res) => {
      const page = ATTACKS[req.url ?? ''];
      res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page ?? 'not found');
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  });

  test.afterAll(async () => {
    attacker.closeAllConnections();
    await new Promise((resolve) => attacker.close(resolve));
  });

  test('a page on another loopback port cannot change preferences or queue syncs with the admin cookie', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    // The first visit adopts the browser's time zone (a legitimate write); let it land first.
    await page.waitForLoadState('networkidle');
    const localeBefore = await myLocale(page.request);
    const auditBefore = (await auditActions(page.request)).map((r) => r.id);

    for (const path of ['/multipart-preferences', '/multipart-sync', '/text-preferences', '/text-sync']) {
      const [answer] = await attack(page, attackerOrigin, path, 1);
      expect(answer!.status(), `${path} was answered ${answer!.status()}`).toBe(403);
      // The form navigated the tab to the console's answer: a JSON error that says why.
      await expect(page.locator('body')).toContainText('Refused');
    }
    const fetched = await attack(page, attackerOrigin, '/fetch', 2);
    expect(fetched.map((r) => r.status())).toEqual([403, 403]);
    await expect(page).toHaveTitle('sent');

    expect(await myLocale(page.request)).toBe(localeBefore);
    const added = (await auditActions(page.request)).filter((r) => !auditBefore.includes(r.id));
    expect(added.map((r) => r.action)).toEqual([]);

    // The admin's own session is untouched and the console still speaks English.
    await page.goto('/');
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  });

  test('the console itself still changes the language (a same-origin JSON mutation)', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    const menu = () => page.getByRole('button', { name: /Account menu|账号菜单/ });

    await menu().click();
    const mutation = page.waitForResponse((r) => r.url().includes('/api/trpc/me.updatePreferences'));
    await page.getByLabel('Language').selectOption('zh-CN');
    expect((await mutation).status()).toBe(200);
    await expect(page.getByRole('button', { name: '账号菜单' })).toBeVisible();
    expect(await myLocale(page.request)).toBe('zh-CN');

    // Back to English, for the specs that run after this one.
    // The menu stays open across the refresh that the change triggers.
    const chinese = page.getByLabel('语言');
    if (!(await chinese.isVisible())) await menu().click();
    await chinese.selectOption('en');
    await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible();
    expect(await myLocale(page.request)).toBe('en');
  });
});
