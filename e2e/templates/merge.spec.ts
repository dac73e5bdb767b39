import { admin, expect, screenshots, setEditorText, signIn, test } from '../fixtures';
import type { Page } from '@playwright/test';

// A stale save on the seeded access template: another session saved first, and this session
// merges by content instead of overwriting, so the stored version holds both changes.

async function openSeededTemplate(page: Page) {
  const { email, password } = admin();
  await signIn(page, email, password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('table', { name: 'Templates' }).getByRole('link', { name: 'rome-access' }).click();
  await expect(page).toHaveURL(/\/templates\/[0-9a-f-]{36}$/);
  const header = page.getByText(/Editing from version \d+/);
  await expect(header).toBeVisible();
  return Number(/(\d+)/.exec((await header.textContent()) ?? '')?.[1]);
}

/** The whole document (CodeMirror renders only the lines in view). */
async function editorText(page: Page) {
  return page.getByRole('textbox', { name: /Template body/ }).evaluate((el) => {
    const view = (el as HTMLElement & { cmTile?: { root?: { view?: { state: { doc: { toString(): string } } } } } }).cmTile?.root?.view;
    if (!view) throw new Error('no CodeMirror view on the editor');
    return view.state.doc.toString();
  });
}

type Builder = { name: string; ssh_username?: string; instance_type?: string };
const builderOf = (text: string, name: string) => (JSON.parse(text) as { builders: Builder[] }).builders.find((b) => b.name === name);

/** Sets one field of one builder in the JSON text, the way a person edits it: in place. */
function setBuilderField(text: string, name: string, field: string, value: string) {
  const start = text.indexOf(`"name": "${name}"`);
  expect(start).toBeGreaterThan(0);
  const pattern = new RegExp(`("${field}"\\s*:\\s*)"[^"]*"`, 'g');
  pattern.lastIndex = start;
  const match = pattern.exec(text);
  if (match) return text.slice(0, match.index) + `${match[1]}"${value}"` + text.slice(match.index + match[0].length);
  throw new Error(`no ${field} after builder ${name}`);
}

test.describe.serial('templates: merge a stale save', () => {
  test('non-overlapping changes of two sessions merge, and the stored version holds both', async ({ page, browser }) => {
    const version = await openSeededTemplate(page);

    // Session B saves first, changing the AWS builder's SSH user.
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    expect(await openSeededTemplate(otherPage)).toBe(version);
    await setEditorText(otherPage, setBuilderField(await editorText(otherPage), 'aws-us-east-1', 'ssh_username', 'admin'));
    await otherPage.getByLabel('Commit message').fill('Use the admin user on AWS');
    await otherPage.getByRole('button', { name: `Save as version ${version + 1}` }).click();
    await expect(otherPage.getByText(`Saved as version ${version + 1}.`)).toBeVisible();
    await other.close();

    // Session A, still on the old version, changes the UCloud builder's SSH user and saves.
    await setEditorText(page, setBuilderField(await editorText(page), 'ucloud-cn-bj2', 'ssh_username', 'rome'));
    await page.getByLabel('Commit message').fill('Log in to UCloud as rome');
    await page.getByRole('button', { name: `Save as version ${version + 1}` }).click();

    const panel = page.getByRole('region', { name: 'Merge their version with your edits' });
    await expect(panel).toBeVisible();
    await expect(panel.getByRole('rowheader', { name: /builders\[aws-us-east-1\]\.ssh_username/ })).toContainText('theirs kept');
    await expect(panel.getByRole('rowheader', { name: /builders\[ucloud-cn-bj2\]\.ssh_username/ })).toContainText('yours kept');
    await screenshots(page, 'template-merge');

    await panel.getByRole('button', { name: 'Merge both (1 change of theirs kept)' }).click();
    await expect(panel).toBeHidden();
    // The merge now sits on top of their version: header and side panel say so.
    await expect(page.getByText(`Editing from version ${version + 1}`)).toBeVisible();
    await expect(page.getByText(`Latest: version ${version + 1} by`)).toBeVisible();
    await expect(page.getByText('unsaved · no problems')).toBeVisible();
    const merged = await editorText(page);
    expect(builderOf(merged, 'aws-us-east-1')?.ssh_username).toBe('admin');
    expect(builderOf(merged, 'ucloud-cn-bj2')?.ssh_username).toBe('rome');

    await page.getByRole('button', { name: `Save as version ${version + 2}` }).click();
    await expect(page.getByText(`Saved as version ${version + 2}.`)).toBeVisible();

    // The stored newest version, read fresh from the server, holds both changes.
    await page.reload();
    await expect(page.getByText(`Editing from version ${version + 2}`)).toBeVisible();
    const stored = await editorText(page);
    expect(builderOf(stored, 'aws-us-east-1')?.ssh_username).toBe('admin');
    expect(builderOf(stored, 'ucloud-cn-bj2')?.ssh_username).toBe('rome');
  });

  test('the same field changed differently is chosen per change; keep mine lists what it reverts', async ({ page, browser }) => {
    const version = await openSeededTemplate(page);

    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await openSeededTemplate(otherPage);
    await setEditorText(otherPage, setBuilderField(await editorText(otherPage), 'ucloud-cn-bj2', 'ssh_username', 'theirs-user'));
    await otherPage.getByLabel('Commit message').fill('Their user');
    await otherPage.getByRole('button', { name: `Save as version ${version + 1}` }).click();
    await expect(otherPage.getByText(`Saved as version ${version + 1}.`)).toBeVisible();
    await other.close();

    await setEditorText(page, setBuilderField(await editorText(page), 'ucloud-cn-bj2', 'ssh_username', 'my-user'));
    await page.getByLabel('Commit message').fill('My user');
    await page.getByRole('button', { name: `Save as version ${version + 1}` }).click();
    const panel = page.getByRole('region', { name: 'Merge their version with your edits' });
    await expect(panel).toContainText('1 change was made differently on both sides');
    const apply = panel.getByRole('button', { name: 'Apply merge' });
    await expect(apply).toBeDisabled();
    await screenshots(page, 'template-merge-conflict');

    // "Keep mine" first says which change of theirs it reverts; going back keeps the panel.
    await panel.getByRole('button', { name: `Keep my edits on top of version ${version + 1}` }).click();
    const dialog = page.getByRole('dialog', { name: `Replace version ${version + 1} with your edits?` });
    await expect(dialog.getByRole('list', { name: 'Changes of theirs that are reverted' })).toContainText(
      'builders[ucloud-cn-bj2].ssh_username: "theirs-user" → "my-user"',
    );
    await screenshots(page, 'template-merge-keep-mine');
    await dialog.getByRole('button', { name: 'Go back' }).click();
    await expect(dialog).toBeHidden();

    await panel.getByRole('radio', { name: 'Take yours for builders[ucloud-cn-bj2].ssh_username' }).check();
    await apply.click();
    await expect(panel).toBeHidden();
    await expect(page.getByText(`Editing from version ${version + 1}`)).toBeVisible();
    expect(builderOf(await editorText(page), 'ucloud-cn-bj2')?.ssh_username).toBe('my-user');
    await page.getByRole('button', { name: `Save as version ${version + 2}` }).click();
    await expect(page.getByText(`Saved as version ${version + 2}.`)).toBeVisible();
  });
});
