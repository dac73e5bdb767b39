import { admin, expect, screenshots, setEditorText, signIn, test } from '../fixtures';
import type { Page } from '@playwright/test';

// The editor's habits on the seeded access template: leaving by an in-app link asks with the
// console's dialog, Ctrl+S saves the latest text from anywhere, the badge tells what is on screen,
// and the diff's folded-lines marker is drawn without a font glyph.

async function openSeededTemplate(page: Page) {
  const { email, password } = admin();
  await signIn(page, email, password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('table', { name: 'Templates' }).getByRole('link', { name: 'rome-access' }).click();
  await expect(page).toHaveURL(/\/templates\/[0-9a-f-]{36}$/);
  await expect(page.getByText(/Editing from version \d+/)).toBeVisible();
  return new URL(page.url()).pathname;
}

/**
 * The whole document: CodeMirror renders only the lines in view, so the fixtures' editorText
 * (which reads the rendered lines) would miss the end of the 110-line seeded template.
 */
async function editorText(page: Page) {
  return page.getByRole('textbox', { name: /Template body/ }).evaluate((el) => {
    const view = (el as HTMLElement & { cmTile?: { root?: { view?: { state: { doc: { toString(): string } } } } } }).cmTile?.root?.view;
    if (!view) throw new Error('no CodeMirror view on the editor');
    return view.state.doc.toString();
  });
}

/** The seeded body with a harmless edit: the service version's default changed. */
function edited(text: string, marker: string) {
  const next = text.replace(/("service_version"\s*:\s*)"[^"]*"/, `$1"${marker}"`);
  expect(next).not.toBe(text);
  return next;
}

test.describe.serial('templates: editor habits', () => {
  let templateUrl = '';

  test('an in-app link with unsaved edits asks with the console dialog; Stay keeps them, Leave goes', async ({ page }) => {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.dismiss();
    });
    templateUrl = await openSeededTemplate(page);
    const original = await editorText(page);
    const mine = edited(original, '9.9.9-stay');
    await setEditorText(page, mine);
    await expect(page.getByText('unsaved · no problems')).toBeVisible();

    const sidebar = page.getByRole('navigation', { name: 'Main' });
    await sidebar.getByRole('link', { name: 'Dashboard' }).click();
    const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
    await expect(leave).toBeVisible();
    await expect(leave).toContainText('not saved');
    await screenshots(page, 'editor-leave-dialog');
    await leave.getByRole('button', { name: 'Stay and keep editing' }).click();
    await expect(leave).toBeHidden();
    expect(new URL(page.url()).pathname).toBe(templateUrl);
    expect(await editorText(page)).toBe(mine);

    // The editor's own "History and diff" link is an in-app link too.
    await page.getByRole('link', { name: 'History and diff' }).click();
    await expect(leave).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(leave).toBeHidden();
    expect(await editorText(page)).toBe(mine);

    await sidebar.getByRole('link', { name: 'Dashboard' }).click();
    await leave.getByRole('button', { name: 'Leave and discard edits' }).click();
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    expect(dialogs).toEqual([]);

    // Nothing was saved: the editor shows the stored text again and links go without asking.
    await page.goto(templateUrl);
    await expect(page.getByText(/Editing from version \d+/)).toBeVisible();
    expect(await editorText(page)).toBe(original);
    await page.getByRole('link', { name: 'History and diff' }).click();
    await expect(page.getByRole('table', { name: 'Version history' })).toBeVisible();
  });

  test('the badge describes the text on screen, with the live problem count', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto(templateUrl);
    await expect(page.getByText('valid', { exact: true })).toBeVisible();
    const original = await editorText(page);

    // A broken template: the badge counts the live check's problems, as the problem panel does.
    await setEditorText(page, original.replace(/^\{/, '{,'));
    const badge = page.getByText(/^unsaved · \d+ problems?$/);
    await expect(badge).toBeVisible();
    const count = (await badge.textContent())?.replace('unsaved · ', '') ?? '';
    expect(Number(count.match(/\d+/)?.[0])).toBeGreaterThan(0);
    await expect(page.getByRole('heading', { name: /^Problems/ })).toContainText(count);
    await expect(page.getByText('valid', { exact: true })).toBeHidden();
    await screenshots(page, 'editor-badge-problems');

    await setEditorText(page, edited(original, '9.9.9-badge'));
    await expect(page.getByText('unsaved · no problems', { exact: true })).toBeVisible();

    // Back to the stored text: the badge is the stored version's status again.
    await setEditorText(page, original);
    await expect(page.getByText('valid', { exact: true })).toBeVisible();
    await expect(page.getByText(/^unsaved/)).toBeHidden();
  });

  test('Ctrl+S right after typing saves the latest text, from CodeMirror and from the message field', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto(templateUrl);
    const header = page.getByText(/Editing from version \d+/);
    await expect(header).toBeVisible();
    const startVersion = Number((await header.textContent())?.match(/\d+/)?.[0]);
    const original = await editorText(page);

    // In CodeMirror: the body lacks its closing brace until the last keystroke, then Ctrl+S at once.
    await page.getByLabel('Commit message').fill('Typed and saved at once');
    const full = edited(original, '9.9.9-keys').trimEnd();
    expect(full.endsWith('}')).toBe(true);
    await setEditorText(page, full.slice(0, -1));
    await page.keyboard.type('}');
    await page.keyboard.press('Control+s');
    await expect(page.getByText(`Saved as version ${startVersion + 1}.`)).toBeVisible();
    await expect(page.getByText(`Editing from version ${startVersion + 1}`)).toBeVisible();
    await expect(page.getByText('valid', { exact: true })).toBeVisible();

    // In the message field: type the message and press Ctrl+S without waiting.
    const second = edited(full, '9.9.10-keys');
    await setEditorText(page, second);
    await page.getByLabel('Commit message').click();
    await page.keyboard.type('Bump from the message field');
    await page.keyboard.press('Control+s');
    await expect(page.getByText(`Saved as version ${startVersion + 2}.`)).toBeVisible();

    // What was stored is exactly what was on screen, with the whole message.
    await page.reload();
    await expect(page.getByText(`Editing from version ${startVersion + 2}`)).toBeVisible();
    expect(await editorText(page)).toBe(second);
    await page.getByRole('link', { name: 'History and diff' }).click();
    const rows = page.getByRole('table', { name: 'Version history' }).getByRole('row');
    await expect(rows.nth(1)).toContainText('Bump from the message field');
    await expect(rows.nth(2)).toContainText('Typed and saved at once');
  });

  test('a diff with folded lines draws its marker without a font glyph', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto(`${templateUrl}/diff?from=1&to=2`);
    const diff = page.getByTestId('text-diff');
    const folded = diff.locator('.cm-collapsedLines').first();
    await expect(folded).toBeVisible();
    await expect(folded).toContainText('unchanged lines');
    const marker = await folded.evaluate((el) => {
      const before = getComputedStyle(el, '::before');
      const after = getComputedStyle(el, '::after');
      return { before: before.content, after: after.content, image: before.backgroundImage, afterImage: after.backgroundImage, text: el.textContent };
    });
    expect(marker.before).toBe('""');
    expect(marker.after).toBe('""');
    expect(marker.image).toContain('data:image/svg+xml');
    expect(marker.afterImage).toContain('data:image/svg+xml');
    expect(marker.text).not.toContain('⦚');
    await folded.scrollIntoViewIfNeeded();
    await screenshots(page, 'editor-diff-folded');
  });

  test('restoring a version asks with the console dialog, not window.confirm', async ({ page }) => {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.dismiss();
    });
    await openSeededTemplate(page);
    await page.goto(`${templateUrl}/history`);
    const rows = page.getByRole('table', { name: 'Version history' }).getByRole('row');
    const before = await rows.count();
    expect(before).toBeGreaterThan(2);
    await rows.last().getByRole('button', { name: 'Restore' }).click();
    const confirm = page.getByRole('dialog', { name: 'Restore' });
    await expect(confirm).toContainText('Restore version 1?');
    await screenshots(page, 'history-restore-dialog');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toBeHidden();
    await expect(rows).toHaveCount(before);

    await rows.last().getByRole('button', { name: 'Restore' }).click();
    await confirm.getByRole('button', { name: 'Restore' }).click();
    await expect(page).toHaveURL(new RegExp(`${templateUrl}$`));
    await expect(page.getByText(`Editing from version ${before}`)).toBeVisible();
    expect(dialogs).toEqual([]);
  });
});
