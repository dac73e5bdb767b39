import type { Page } from '@playwright/test';
import { admin, expect, screenshots, signIn, test } from '../fixtures';

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test.describe.serial('settings: region build strategies and region groups', () => {
  let viewerPassword = '';

  test('an admin applies the suggestion for hk, edits a strategy and creates the group "Asia"', async ({ page }) => {
    test.setTimeout(240_000);
    const errors = collectErrors(page);
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto('/settings/regions');
    // The first-start sync fills the inventory; the regions appear once it listed them.
    const hk = page.getByTestId('strategy-ucloud-hk');
    await expect(async () => {
      await page.reload();
      await expect(hk).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 120_000, intervals: [1000, 2000, 5000] });

    await expect(page.getByRole('columnheader', { name: 'Build strategy' })).toBeVisible();
    await expect(hk).toContainText('Build here');
    await expect(hk).toContainText('AMD-only hosts');
    await expect(hk).toContainText('Suggested: copy from cn-sh2');
    await expect(page.getByTestId('strategy-ucloud-cn-gd')).toContainText('no cloud_ssd boot disk');
    await expect(page.getByTestId('strategy-ucloud-cn-bj2')).not.toContainText('Suggested');
    await screenshots(page, 'settings-regions-strategy');

    await hk.getByRole('button', { name: 'Apply' }).click();
    await expect(hk).toContainText('Copy from cn-sh2');
    await expect(hk).not.toContainText('Suggested');

    // The edit dialog lists only regions of the same cloud that build themselves, and says why a chain is refused.
    await page.getByTestId('strategy-ucloud-sg').getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Build strategy of sg' });
    await dialog.getByLabel(/Build in another region of UCloud/).check();
    const source = dialog.getByLabel('Build in', { exact: true });
    await expect(source.locator('option', { hasText: 'us-east-1' })).toHaveCount(0);
    await expect(source.locator('option', { hasText: /^hk/ })).toHaveCount(0);
    await expect(source.locator('option', { hasText: /^sg/ })).toHaveCount(0);
    await source.selectOption('cn-bj2');
    await screenshots(page, 'settings-regions-strategy-dialog');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('strategy-ucloud-sg')).toContainText('Copy from cn-bj2');
    // Back to "build here" with the keyboard.
    await page.getByTestId('strategy-ucloud-sg').getByRole('button', { name: 'Edit' }).click();
    await dialog.getByLabel('Build here').check();
    await dialog.getByRole('button', { name: 'Save' }).press('Enter');
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('strategy-ucloud-sg')).toContainText('Build here');

    // A group "Asia" with three regions, picked from the filterable checklist.
    await page.getByRole('button', { name: 'New group' }).click();
    const groupDialog = page.getByRole('dialog', { name: 'New region group' });
    await groupDialog.getByLabel('Name').fill('Asia');
    const filter = groupDialog.getByLabel('Filter regions');
    await filter.fill('hk');
    await groupDialog.getByRole('checkbox', { name: /^hk/ }).check();
    await filter.fill('sg');
    await groupDialog.getByRole('checkbox', { name: /^sg Singapore/ }).check();
    await filter.fill('ap-northeast-1');
    await groupDialog.getByRole('checkbox', { name: /^ap-northeast-1/ }).check();
    await filter.fill('');
    await expect(groupDialog.getByRole('status')).toHaveText('3 selected');
    await screenshots(page, 'settings-regions-group-dialog');
    await groupDialog.getByRole('button', { name: 'Save' }).click();
    await expect(groupDialog).toBeHidden();
    const groups = page.getByRole('table', { name: 'Region groups' });
    const asia = groups.getByRole('row').filter({ hasText: 'Asia' });
    await expect(asia.getByTestId('member-count')).toHaveText('3 regions');
    await expect(asia).toContainText('hk, sg, ap-northeast-1');

    // The same name again is refused in words.
    await page.getByRole('button', { name: 'New group' }).click();
    await groupDialog.getByLabel('Name').fill('Asia');
    await groupDialog.getByRole('button', { name: 'Save' }).click();
    await expect(groupDialog).toContainText('A region group with this name already exists.');
    await groupDialog.getByRole('button', { name: 'Cancel' }).click();
    await screenshots(page, 'settings-regions-groups');
    // The refused duplicate name is a 409 the browser logs; nothing else may fail.
    expect(errors.filter((e) => !e.includes('status of 409'))).toEqual([]);
  });

  test('a viewer reads strategies and groups but cannot edit them, and the server refuses it too', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto('/settings');
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add user' });
    await dialog.getByLabel('Name').fill('Rita Regions');
    await dialog.getByLabel('E-mail').fill('rita@rome.test');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    viewerPassword = (await page.getByTestId('one-time-password').textContent()) ?? '';
    await page.context().clearCookies();

    await signIn(page, 'rita@rome.test', viewerPassword);
    await page.goto('/settings/regions');
    await expect(page.getByTestId('strategy-ucloud-hk')).toContainText('Copy from cn-sh2');
    await expect(page.getByRole('table', { name: 'Region groups' }).getByRole('row').filter({ hasText: 'Asia' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Edit' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Apply' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'New group' })).toHaveCount(0);
    const res = await page.request.post('/api/trpc/regionStrategy.set', { data: { json: { cloud: 'ucloud', region: 'hk', mode: 'build' } } });
    expect(res.status()).toBe(403);
  });
});
