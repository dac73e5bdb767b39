import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIRequestContext, Page } from '@playwright/test';
import { admin, expect, screenshots, setEditorText, signIn, test, trpcMutation } from '../fixtures';
import { E2E_PORT } from '../playwright.config';

// The editor checks a template against the synced inventory as you type: the seeded access
// template's UCloud builder moved to cn-gd with a cloud_ssd boot disk (field problem #3) shows the
// problem with both fixes, and applying one from the issue list clears it.
const SANDBOX = `http://127.0.0.1:${E2E_PORT + 500}`;

async function openSeededTemplate(page: Page) {
  const { email, password } = admin();
  await signIn(page, email, password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('table', { name: 'Templates' }).getByRole('link', { name: 'rome-access' }).click();
  await expect(page).toHaveURL(/\/templates\/[0-9a-f-]{36}$/);
  await expect(page.getByText(/Editing from version \d+/)).toBeVisible();
}

/** The whole document (CodeMirror renders only the lines in view). */
async function fullText(page: Page) {
  return page.getByRole('textbox', { name: /Template body/ }).evaluate((el) => {
    const view = (el as HTMLElement & { cmTile?: { root?: { view?: { state: { doc: { toString(): string } } } } } }).cmTile?.root?.view;
    if (!view) throw new Error('no CodeMirror view on the editor');
    return view.state.doc.toString();
  });
}

type Builder = Record<string, unknown> & { name: string };

/** The seeded template with its UCloud builder in cn-gd-02 on a cloud_ssd boot disk, from a cn-gd base image. */
async function gdBody(request: APIRequestContext, text: string): Promise<string> {
  const gd = (await (await request.get(`${SANDBOX}/_sandbox/resources?base=only&region=cn-gd`)).json()) as { resources: { id: string; cloud: string; name: string }[] };
  const image = gd.resources.find((r) => r.cloud === 'ucloud' && r.name === 'Ubuntu 22.04 64位');
  expect(image, 'an Ubuntu 22.04 base image in cn-gd').toBeDefined();
  const template = JSON.parse(text) as { builders: Builder[] };
  const uc = template.builders.find((b) => b.type === 'ucloud-uhost')!;
  Object.assign(uc, { region: 'cn-gd', availability_zone: 'cn-gd-02', boot_disk_type: 'cloud_ssd', source_image_id: image!.id });
  return JSON.stringify(template, null, 2);
}
// The seeded version's files, as the editor sends them with its live check.
const SEED_FILES = {
  attachments: ['config/access.toml'],
  inputs: JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../db/seed-templates/rome-access/build-inputs.json'), 'utf8')) as unknown[],
};
interface ValidateAnswer { result: { data: { json: { ok: boolean; issues: { code: string; path: string }[] } } } }

test('cn-gd with cloud_ssd: the problem appears with both fixes, and applying one clears it', async ({ page, request }) => {
  await openSeededTemplate(page);
  const body = await gdBody(request, await fullText(page));

  // The console's first sync runs in the background after start: wait until it has seen cn-gd.
  await expect
    .poll(async () => ((await trpcMutation(page, 'template.validate', { body, ...SEED_FILES })) as ValidateAnswer).result.data.json.issues.map((i) => i.code), { timeout: 180_000, intervals: [1000, 2000, 5000] })
    .toEqual(['BOOT_DISK_TYPE_UNAVAILABLE']);

  await setEditorText(page, body);
  const problems = page.getByRole('list', { name: 'Problems' });
  const issue = problems.getByRole('listitem').filter({ hasText: 'has no cloud_ssd boot disk' }).first();
  await expect(issue).toContainText('zone cn-gd-02 of cn-gd');
  const fixes = issue.getByRole('list', { name: 'Fixes' });
  await expect(fixes.getByRole('listitem')).toHaveCount(2);
  await expect(fixes.getByRole('listitem').nth(0)).toContainText('Set “boot_disk_type” to local_ssd');
  await expect(fixes.getByRole('listitem').nth(1)).toContainText(/Build in \S+ \(zone \S+\).*copy the image to cn-gd with “image_copy_to_mappings”/);
  await expect(page.getByText('1 problem', { exact: true })).toBeVisible();
  // Jump to the problem, so the screenshots show its squiggle beside the list.
  await issue.getByTitle('Show in the editor').click();
  await expect(page.locator('.cm-lintRange-error').first()).toBeInViewport();
  await screenshots(page, 'editor-region-facts');

  await fixes.getByRole('button', { name: /^Apply: Set/ }).click();
  await expect(page.getByText('No problems found.')).toBeVisible();
  await expect(problems).toHaveCount(0);
  const fixed = JSON.parse(await fullText(page)) as { builders: Builder[] };
  expect(fixed.builders.find((b) => b.type === 'ucloud-uhost')).toMatchObject({ region: 'cn-gd', availability_zone: 'cn-gd-02', boot_disk_type: 'local_ssd' });
});

test('in Chinese, the problem and its fixes read in Chinese', async ({ page, request }) => {
  await openSeededTemplate(page);
  const original = await fullText(page);
  const body = await gdBody(request, original);
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByLabel('Language').selectOption('zh-CN');
  await expect(page.getByRole('button', { name: '账号菜单' })).toBeVisible();
  await setEditorText(page, body, /的模板内容/);
  const fixes = page.getByRole('list', { name: '修复方法' });
  await expect(fixes.getByRole('listitem').nth(0)).toContainText('将“boot_disk_type”设为 local_ssd');
  await expect(fixes.getByRole('listitem').nth(1)).toContainText('image_copy_to_mappings');
  await screenshots(page, 'editor-region-facts-zh');
  // Back to the stored text (nothing to leave unsaved) and to English for the other specs.
  await setEditorText(page, original, /的模板内容/);
  await page.getByRole('button', { name: '账号菜单' }).click();
  await page.getByLabel('语言').selectOption('en');
  await expect(page.getByRole('button', { name: 'Account menu' })).toBeVisible();
});
