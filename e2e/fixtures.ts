import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test as base, type Page } from '@playwright/test';

export const SCREENSHOTS = path.resolve(import.meta.dirname, 'screenshots');

export function admin() {
  const email = process.env.E2E_ADMIN_EMAIL;
  const password = process.env.E2E_ADMIN_PASSWORD;
  if (!email || !password) throw new Error('global-setup did not read the admin credentials');
  return { email, password };
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

/** Saves the current page at desktop (1440) and phone (390) widths, for people to look at. */
export async function screenshots(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const original = page.viewportSize();
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}

/** Replaces the whole CodeMirror document (insertText avoids auto-closed brackets). */
export async function setEditorText(page: Page, text: string, label = /Template body/) {
  const editor = page.getByRole('textbox', { name: label });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

export async function editorText(page: Page, label = /Template body/) {
  return page.getByRole('textbox', { name: label }).evaluate((el) => {
    // CodeMirror renders one .cm-line per line; innerText would add gutter noise.
    return Array.from(el.querySelectorAll('.cm-line'), (l) => l.textContent ?? '').join('\n');
  });
}

export const test = base;
export { expect };

/**
 * Calls a tRPC mutation from inside the signed-in page (same origin, the page's cookie and
 * Origin header), for seeding data a spec needs without clicking through other pages.
 */
export async function trpcMutation(page: Page, path: string, input: unknown): Promise<unknown> {
  return page.evaluate(
    async ({ path, input }) => {
      const res = await fetch(`/api/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ json: input }) });
      const body = await res.json();
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(body)}`);
      return body;
    },
    { path, input },
  );
}
