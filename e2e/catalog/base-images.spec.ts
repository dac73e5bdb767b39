import type { Page } from '@playwright/test';
import { admin, expect, screenshots, signIn, test } from '../fixtures';
import { E2E_PORT } from '../playwright.config';

// The console under test runs the embedded sandbox cloud here (global-setup sets SANDBOX_PORT),
// and on first start adds the accounts sandbox-ucloud and sandbox-aws and queues their first sync.
const SANDBOX = `http://127.0.0.1:${E2E_PORT + 500}`;
const SECRETS = ['sandbox-private-key', 'sandbox-secret-key'];
const KEY_IDS = ['sandbox-public-key', 'AKIASANDBOX000000000'];

interface SandboxList {
  count: number;
  resources: { id: string; cloud: string; region: string; name: string }[];
}

const en = (n: number) => n.toLocaleString('en-US');

/** Console errors of a page (hydration mismatches, React warnings, failed requests). */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test.describe.serial('catalog: cloud accounts, regions and base images', () => {
  let viewerPassword = '';

  test('Settings → Clouds lists the sandbox accounts by key hint, never a secret, and tests a connection', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto('/settings');
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Clouds' }).click();
    const table = page.getByRole('table', { name: 'Cloud accounts' });
    const ucloud = table.getByRole('row').filter({ hasText: 'sandbox-ucloud' });
    const aws = table.getByRole('row').filter({ hasText: 'sandbox-aws' });
    await expect(ucloud.getByTestId('key-hint')).toHaveText('••••-key');
    await expect(aws.getByTestId('key-hint')).toHaveText('••••0000');
    await expect(ucloud).toContainText('org-sandbox');
    // The environment badge and the endpoint's sandbox badge.
    await expect(ucloud.getByText('sandbox', { exact: true })).toHaveCount(2);
    // Neither the page nor its serialized props carry a secret or a whole key id.
    const html = await page.content();
    for (const s of [...SECRETS, ...KEY_IDS]) expect(html).not.toContain(s);

    await ucloud.getByRole('button', { name: 'Test connection' }).click();
    await expect(ucloud.getByTestId('test-result')).toContainText(/OK · \d+ regions/);
    await expect(ucloud.getByTestId('test-result')).toContainText(/ago|now/);

    // The add dialog: labels follow the cloud, secrets are password fields, errors come per field.
    await page.getByRole('button', { name: 'Add cloud account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add cloud account' });
    await expect(dialog.getByLabel('Public key')).toBeVisible();
    await expect(dialog.getByLabel('Private key')).toHaveAttribute('type', 'password');
    await expect(dialog.getByLabel('Project ID')).toBeVisible();
    await dialog.getByLabel('Cloud').selectOption('aws');
    await expect(dialog.getByLabel('Access key ID')).toBeVisible();
    await expect(dialog.getByLabel('Secret access key')).toHaveAttribute('type', 'password');
    await expect(dialog.getByLabel('Secret access key')).toHaveAttribute('autocomplete', 'off');
    await expect(dialog.getByLabel('Project ID')).toHaveCount(0);
    await expect(dialog).toContainText('AWS allows 5–1000');
    await dialog.getByLabel('Page size').fill('2');
    await dialog.getByRole('button', { name: 'Add account' }).click();
    await expect(dialog).toContainText('Enter a name of 1–60 characters.');
    await expect(dialog).toContainText('Enter the Access key ID.');
    await screenshots(page, 'settings-clouds-add');

    // A disabled account with wrong keys: listed by key hint, its test fails with the cloud's words.
    await dialog.getByLabel('Cloud').selectOption('ucloud');
    await dialog.getByLabel('Name').fill('e2e-wrong-keys');
    await dialog.getByLabel('Environment').fill('staging');
    await dialog.getByLabel('Project ID').fill('org-e2e');
    await dialog.getByLabel('Public key').fill('wrong-public-key-9876');
    await dialog.getByLabel('Private key').fill('wrong-private-key-1234');
    await dialog.getByLabel(/Endpoint override/).fill(`${SANDBOX}/ucloud`);
    await dialog.getByLabel('Page size').fill('50');
    await dialog.getByLabel(/^Enabled/).uncheck();
    await dialog.getByRole('button', { name: 'Add account' }).click();
    // Save tests the connection first and asks before saving an account that fails.
    await dialog.getByRole('button', { name: 'Save anyway' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: 'Added e2e-wrong-keys. It is disabled' })).toBeVisible();
    const wrong = table.getByRole('row').filter({ hasText: 'e2e-wrong-keys' });
    await expect(wrong.getByTestId('key-hint')).toHaveText('••••9876');
    await expect(wrong).toContainText('disabled');
    expect(await page.content()).not.toContain('wrong-private-key-1234');
    // The form was cleared after saving.
    await page.getByRole('button', { name: 'Add cloud account' }).click();
    await expect(dialog.getByLabel('Name')).toHaveValue('');
    await expect(dialog.getByLabel('Private key')).toHaveValue('');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();

    await wrong.getByRole('button', { name: 'Test connection' }).click();
    await expect(wrong.getByTestId('test-result')).toContainText('Failed');
    // The console's reason, then the cloud's own words.
    await expect(wrong.getByTestId('test-result').getByTestId('sync-error')).toContainText('The cloud refused the keys.');
    await expect(wrong.getByTestId('test-result').locator('p').last()).not.toBeEmpty();
    await screenshots(page, 'settings-clouds');

    // Editing: half a key pair is refused per field; other settings save.
    await wrong.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit e2e-wrong-keys' });
    await expect(edit).toContainText('Current key: ••••9876');
    await edit.getByLabel('Public key').fill('another-public-key');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(edit).toContainText('To replace the keys, fill in both the Public key and the Private key');
    await edit.getByLabel('Public key').fill('');
    await edit.getByLabel('Page size').fill('100');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(edit).toBeHidden();
    await expect(wrong.getByTestId('sync-settings')).toContainText('100 per page');

    await wrong.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete e2e-wrong-keys?' });
    await confirm.getByRole('button', { name: 'Delete cloud account' }).click();
    await expect(confirm).toBeHidden();
    await expect(wrong).toHaveCount(0);
    await expect(table.getByRole('row')).toHaveCount(3);
  });

  test('the catalog fills up to exactly the base images the sandbox offers', async ({ page, request }) => {
    test.setTimeout(300_000);
    const all = (await (await request.get(`${SANDBOX}/_sandbox/resources?base=only`)).json()) as SandboxList;
    expect(all.count).toBeGreaterThan(100);
    const errors = consoleErrors(page);
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }).click();
    await expect(page.getByRole('heading', { name: 'Base images' })).toBeVisible();
    const range = page.getByTestId('catalog-range');
    const syncAll = page.getByRole('button', { name: /^(Sync all|Syncing…)$/ });

    // The first syncs were queued at start-up; wait for them, then sync everything once more.
    await expect(range).toHaveText(`1–50 of ${en(all.count)}`, { timeout: 180_000 });
    await expect(syncAll).toHaveText('Sync all', { timeout: 120_000 });
    await syncAll.click();
    await expect(syncAll).toHaveText('Syncing…');
    await expect(syncAll).toHaveText('Sync all', { timeout: 120_000 });
    await expect(range).toHaveText(`1–50 of ${en(all.count)}`);
    await expect(page.getByTestId('sync-counts')).toContainText('0 failed');

    // Sorting: aria-sort follows, and the URL keeps it.
    const created = page.getByRole('columnheader', { name: 'Created' });
    await created.getByRole('button').click();
    await expect(created).toHaveAttribute('aria-sort', 'descending');
    await expect(page).toHaveURL(/sort=created&dir=desc/);
    await screenshots(page, 'catalog');
    expect(errors).toEqual([]);
  });

  test('filters by region and searches by image ID; the URL keeps the view; copy works by keyboard', async ({ page, request, context }) => {
    const gd = (await (await request.get(`${SANDBOX}/_sandbox/resources?base=only&region=cn-gd`)).json()) as SandboxList;
    expect(gd.count).toBeGreaterThan(0);
    const errors = consoleErrors(page);
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto('/catalog');
    const table = page.getByRole('table', { name: 'Base images' });
    const range = page.getByTestId('catalog-range');

    await page.getByLabel('Region').selectOption('cn-gd');
    await expect(page).toHaveURL(/region=cn-gd/);
    await expect(range).toHaveText(`1–${Math.min(50, gd.count)} of ${en(gd.count)}`);
    await expect(table.locator('tbody tr')).toHaveCount(Math.min(50, gd.count));
    // A reload (or a shared link) shows the same view.
    await page.reload();
    await expect(page.getByLabel('Region')).toHaveValue('cn-gd');
    await expect(range).toHaveText(`1–${Math.min(50, gd.count)} of ${en(gd.count)}`);
    await screenshots(page, 'catalog-region');

    const wanted = gd.resources[Math.floor(gd.resources.length / 2)]!.id;
    await page.getByLabel('Search').fill(wanted);
    await expect(page).toHaveURL(new RegExp(`q=${wanted}`));
    await expect(range).toHaveText('1–1 of 1');
    await expect(table.locator('tbody tr')).toHaveCount(1);
    await expect(table.getByTestId('image-id')).toHaveText(wanted);

    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const copy = table.getByRole('button', { name: `Copy image ID ${wanted}` });
    await copy.focus();
    await page.keyboard.press('Enter');
    await expect(copy).toContainText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(wanted);
    await expect(copy).toContainText('Copy', { timeout: 5_000 });
    await expect(copy).not.toContainText('Copied');

    // A link reproduces the view in a fresh page.
    const link = page.url();
    const other = await context.newPage();
    await other.goto(link);
    await expect(other.getByTestId('catalog-range')).toHaveText('1–1 of 1');
    await expect(other.getByLabel('Search')).toHaveValue(wanted);
    await other.close();

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect(page.getByLabel('Search')).toHaveValue('');
    await expect(page.getByLabel('Region')).toHaveValue('');
    // Back goes to the previous view.
    await page.goBack();
    await expect(page.getByLabel('Search')).toHaveValue(wanted);
    await expect(range).toHaveText('1–1 of 1');
    expect(errors).toEqual([]);
  });

  test('Settings → Regions shows zones, capabilities and the last sync of every region', async ({ page }) => {
    const errors = consoleErrors(page);
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto('/settings/regions');
    const table = page.getByRole('table', { name: 'Regions' });
    const gd = table.getByRole('row').filter({ hasText: 'South China (Guangzhou)' });
    await expect(gd).toContainText('cn-gd-02');
    await expect(gd).toContainText('no cloud_ssd');
    await expect(gd.getByTestId('last-sync')).toContainText('fresh');
    const bj = table.getByRole('row').filter({ hasText: 'North China (Beijing 2)' });
    await expect(bj).not.toContainText('no cloud_ssd');
    await expect(bj).toContainText('cloud_ssd');
    // Sync one region: its last sync time moves on, and it is still fresh.
    const when = gd.getByTestId('last-sync').locator('time');
    const before = await when.getAttribute('datetime');
    await gd.getByRole('button', { name: 'Sync now' }).click();
    await expect(when).not.toHaveAttribute('datetime', before!, { timeout: 60_000 });
    await expect(gd.getByTestId('last-sync')).toContainText('fresh', { timeout: 60_000 });
    await screenshots(page, 'settings-regions');
    expect(errors).toEqual([]);
  });

  test('a viewer reads the catalog but cannot sync, and the server refuses it too', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto('/settings');
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add user' });
    await dialog.getByLabel('Name').fill('Cathy Catalog');
    await dialog.getByLabel('E-mail').fill('cathy@rome.test');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    viewerPassword = (await page.getByTestId('one-time-password').textContent()) ?? '';
    await page.context().clearCookies();

    await signIn(page, 'cathy@rome.test', viewerPassword);
    await page.goto('/catalog');
    await expect(page.getByTestId('catalog-range')).toContainText(' of ');
    await expect(page.getByRole('button', { name: 'Sync all' })).toHaveCount(0);
    const res = await page.request.post('/api/trpc/inventory.syncNow', { data: { json: {} } });
    expect(res.status()).toBe(403);
    // Regions explain what each region can build, so readers see them too — without sync buttons.
    await page.getByRole('link', { name: 'Regions' }).click();
    await expect(page).toHaveURL(/\/settings\/regions$/);
    await expect(page.getByText('cn-gd').first()).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sync now' })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Clouds' })).toHaveCount(0);
  });

  test('in Chinese, the catalog and regions read naturally', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto('/catalog');
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByLabel('Language').selectOption('zh-CN');
    await expect(page.getByRole('heading', { name: '基础镜像' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('columnheader', { name: '镜像 ID' })).toBeVisible();
    await screenshots(page, 'catalog-zh');
    await page.goto('/settings/regions');
    await expect(page.getByRole('columnheader', { name: '可用区与能力' })).toBeVisible();
    await screenshots(page, 'settings-regions-zh');
    // Back to English for the other specs that sign in as this admin.
    await page.getByRole('button', { name: '账号菜单' }).click();
    await page.getByLabel('语言').selectOption('en');
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  });
});
