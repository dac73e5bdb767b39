import { admin, expect, screenshots, signIn, test } from '../fixtures';
import { E2E_PORT } from '../playwright.config';

// The console under test runs the embedded sandbox cloud (global-setup sets SANDBOX_PORT).
const SANDBOX = `http://127.0.0.1:${E2E_PORT + 500}`;
const NAME = 'e2e-bad-keys';

test.describe.serial('clouds: failed syncs are recorded and shown', () => {
  test('an account with wrong keys: Save asks first, its failed syncs show the vendor’s message, and the catalog counts it', async ({ page, context }) => {
    test.setTimeout(180_000);
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto('/settings/clouds');
    const table = page.getByRole('table', { name: 'Cloud accounts' });
    // Sorted by cloud, then name: AWS before UCloud.
    await expect(table.locator('tbody tr').first()).toContainText('sandbox-aws');

    // "Save" tests the connection with what is typed, and asks before saving a failing account.
    await page.getByRole('button', { name: 'Add cloud account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add cloud account' });
    await dialog.getByLabel('Name').fill(NAME);
    await dialog.getByLabel('Environment').fill('staging');
    await dialog.getByLabel('Project ID').fill('org-sandbox');
    await dialog.getByLabel('Public key').fill('sandbox-public-key');
    await dialog.getByLabel('Private key').fill('not-the-private-key-4321');
    await dialog.getByLabel(/Endpoint override/).fill(`${SANDBOX}/ucloud`);
    await dialog.getByRole('button', { name: 'Add account' }).click();
    const warning = dialog.getByRole('status').filter({ hasText: 'The connection test failed' });
    await expect(warning).toBeVisible();
    await expect(warning).toContainText('The cloud refused the keys.');
    await expect(warning.getByTestId('sync-error')).toContainText('[171]');
    await expect(table.getByRole('row').filter({ hasText: NAME })).toHaveCount(0);
    await screenshots(page, 'settings-clouds-save-test-failed');
    await warning.getByRole('button', { name: 'Save anyway' }).click();
    await expect(dialog).toBeHidden();

    // Its first sync (queued on creation) fails at account level: recorded, with UCloud's words.
    const row = table.getByRole('row').filter({ hasText: NAME });
    await expect(row.getByTestId('sandbox-badge')).toBeVisible();
    const last = row.getByTestId('last-sync');
    await expect(last).toContainText('failed', { timeout: 60_000 });
    await expect(last).toContainText('The cloud refused the keys.');
    await expect(last.getByTestId('sync-error')).toContainText(/UCloud \w+ failed: \[171\]/);
    expect(await page.content()).not.toContain('not-the-private-key-4321');

    // Sync now again: not blocked by the failed row, and it fails the same way.
    const syncNow = row.getByRole('button', { name: 'Sync now' });
    await expect(syncNow).toBeEnabled();
    await syncNow.click();
    await expect(syncNow).toHaveText('Sync now', { timeout: 60_000 });
    await row.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('dialog', { name: `Sync history of ${NAME}` });
    const rows = history.getByRole('table', { name: 'History' }).getByTestId('sync-job');
    await expect(rows).toHaveCount(2, { timeout: 30_000 });
    await expect(rows.first()).toContainText('failed');
    await expect(rows.first()).toContainText('manual');
    await expect(rows.nth(1)).toContainText('new account');
    await expect(history.getByTestId('sync-error')).toHaveCount(2);
    await expect(history.getByTestId('sync-error').first()).toContainText('[171]');
    await screenshots(page, 'settings-clouds-sync-history');
    await history.getByRole('button', { name: 'Close' }).click();
    await expect(history).toBeHidden();

    // A second "Sync now" while one runs (another tab that had the button enabled) is told so, not queued again.
    const other = await context.newPage();
    await other.goto('/settings/clouds');
    const otherAws = other.getByRole('table', { name: 'Cloud accounts' }).getByRole('row').filter({ hasText: 'sandbox-aws' });
    const aws = table.getByRole('row').filter({ hasText: 'sandbox-aws' });
    await expect(aws.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 120_000 });
    await expect(otherAws.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 120_000 });
    await aws.getByRole('button', { name: 'Sync now' }).click();
    await otherAws.getByRole('button', { name: 'Sync now' }).click();
    await expect(otherAws.getByRole('status')).toContainText(/A sync of sandbox-aws is already (queued|running); it was not queued again\./);
    // A notice, not an error.
    await expect(otherAws.locator('.text-red-700')).toHaveCount(0);
    await other.close();
    await expect(aws.getByRole('button', { name: 'Syncing…' })).toBeDisabled();
    await expect(aws.getByRole('button', { name: 'Sync now' })).toBeEnabled({ timeout: 120_000 });
    await expect(aws.getByTestId('last-sync')).toContainText('succeeded');
    await expect(aws.getByTestId('last-sync')).toContainText(/\d+ API calls/);
    await screenshots(page, 'settings-clouds-sync-failed');

    // The catalog's "failed" badge counts the account whose sync never reached a region.
    await page.goto('/catalog');
    await expect(page.getByTestId('sync-counts')).toContainText('1 failed', { timeout: 30_000 });
    await screenshots(page, 'catalog-sync-failed');

    // Gone with its account: the badge is back to zero.
    await page.goto('/settings/clouds');
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: `Delete ${NAME}?` }).getByRole('button', { name: 'Delete cloud account' }).click();
    await expect(row).toHaveCount(0);
    await page.goto('/catalog');
    await expect(page.getByTestId('sync-counts')).toContainText('0 failed');
  });
});
