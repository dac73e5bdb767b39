import { readFileSync } from 'node:fs';
import { admin, expect, screenshots, setEditorText, signIn, test, trpcMutation } from '../fixtures';

const PREFERENCE_CHANGES = 27;

test.describe.serial('settings: the audit log', () => {
  test.beforeEach(async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
  });

  test('shows first-start seeding as System, with targets by name', async ({ page }) => {
    await page.goto('/settings/audit');
    const table = page.getByRole('table', { name: 'Audit log' });
    await expect(table).toBeVisible();
    await page.getByLabel('Who').selectOption({ label: 'System' });
    await expect(page).toHaveURL(/actor=system/);
    const rows = table.locator('tbody tr');
    // The five first-start entries, and whatever the console did since on its own (build sweeps of earlier specs).
    await expect(rows.filter({ hasText: 'User created' })).toHaveCount(1);
    await expect(rows.filter({ hasText: 'System' })).toHaveCount(await rows.count());
    await expect(rows.filter({ hasText: 'Template created' }).filter({ hasText: 'rome-access' })).toHaveCount(1);
    await expect(rows.filter({ hasText: 'Cloud account added' }).filter({ hasText: 'sandbox-aws' })).toHaveCount(1);
    await expect(rows.filter({ hasText: 'User created' }).filter({ hasText: admin().email })).toHaveCount(1);
    // Not blamed on the admin (who created templates of their own in earlier specs, never the seeded ones).
    await page.goto(`/settings/audit?actor=${encodeURIComponent(admin().email)}&action=template.create`);
    await expect(page.getByLabel('Who')).not.toHaveValue('system');
    await expect(table.locator('tbody tr').filter({ hasText: /rome-(access|forwarding)(?![\w-])/ })).toHaveCount(0);
  });

  test('filters by action, pages, searches and exports what it shows as CSV', async ({ page }) => {
    // A zone nobody else picks, so the search below finds exactly these (sign-in may record its own change).
    for (let i = 0; i < PREFERENCE_CHANGES; i++) await trpcMutation(page, 'me.updatePreferences', { locale: 'en', timeZone: 'Atlantic/Reykjavik' });
    await page.goto('/settings/audit');
    await page.getByLabel('Action').selectOption({ label: 'Preferences changed' });
    await page.getByLabel('Search').fill('Reykjavik');
    await page.getByLabel('Per page').selectOption('25');
    const table = page.getByRole('table', { name: 'Audit log' });
    await expect(page.getByText(`1–25 of ${PREFERENCE_CHANGES} entries`)).toBeVisible();
    await expect(table.locator('tbody tr')).toHaveCount(25);
    await expect(page.getByText('Page 1 of 2')).toBeVisible();

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('button', { name: 'Next' }).click();
    await expect(page.getByText(`26–${PREFERENCE_CHANGES} of ${PREFERENCE_CHANGES} entries`)).toBeVisible();
    await expect(table.locator('tbody tr')).toHaveCount(PREFERENCE_CHANGES - 25);
    // The URL holds the view: a reload shows the same page.
    await page.reload();
    await expect(page.getByText('Page 2 of 2')).toBeVisible();
    await expect(page.getByLabel('Action')).toHaveValue('me.update-preferences');
    await expect(page.getByLabel('Search')).toHaveValue('Reykjavik');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Search').fill('rome-forw');
    await expect(table.locator('tbody tr')).toHaveCount(1);
    await expect(table.locator('tbody tr')).toContainText('rome-forwarding');
    await expect(table.locator('tbody tr')).toContainText('System');
    await expect(page).toHaveURL(/q=rome-forw/);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^audit-\d{8}-\d{6}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('time_utc,actor,action,target_type,target_id,target_name,target_deleted,details');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z,system,template\.create,template,[0-9a-f-]{36},rome-forwarding,false,"\{""name"":""rome-forwarding""/);

    // The same export with the action filter holds every matching row, not only the page shown.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Action').selectOption({ label: 'Preferences changed' });
    await page.getByLabel('Search').fill('Reykjavik');
    await expect(page.getByText(`1–25 of ${PREFERENCE_CHANGES} entries`)).toBeVisible();
    const [all] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    const rows = readFileSync((await all.path())!, 'utf8').trimEnd().split('\r\n').slice(1);
    expect(rows).toHaveLength(PREFERENCE_CHANGES);
    expect(rows.every((r) => r.includes(`,${admin().email},me.update-preferences,user,`))).toBe(true);
    await trpcMutation(page, 'me.updatePreferences', { locale: 'en', timeZone: 'UTC' });
  });

  test('refuses the export to a signed-out browser', async ({ browser }) => {
    const anonymous = await browser.newContext();
    const res = await anonymous.request.get('/api/audit/export');
    expect(res.status()).toBe(401);
    expect(await res.text()).not.toContain('template.create');
    await anonymous.close();
  });

  test('screenshots in English and Chinese', async ({ page }) => {
    await page.goto('/settings/audit');
    await expect(page.getByRole('table', { name: 'Audit log' })).toBeVisible();
    await screenshots(page, 'audit-log-en');
    await trpcMutation(page, 'me.updatePreferences', { locale: 'zh-CN', timeZone: 'Asia/Shanghai' });
    try {
      await page.goto('/settings/audit');
      await expect(page.getByRole('table', { name: '审计日志' })).toBeVisible();
      await expect(page.getByRole('link', { name: '导出 CSV' })).toBeVisible();
      await screenshots(page, 'audit-log-zh');

      // What the console wrote itself reads in Chinese too: the seeded examples' commit
      // message and author, and the JSON parser's complaint in the editor.
      await page.goto('/templates');
      const seeded = page.getByRole('row').filter({ hasText: 'rome-access' });
      await expect(seeded).toContainText('示例模板');
      await expect(seeded).toContainText('系统');
      await page.goto('/templates/new');
      await setEditorText(page, '{\n  "builders": [],\n}', /的模板内容/);
      await expect(page.getByText('JSON 语法错误，位于第 2 行第 17 列：JSON 不允许在“}”之前有多余的逗号。')).toBeVisible();
      await expect(page.getByText('删除最后一项后面的逗号。')).toBeVisible();
    } finally {
      await trpcMutation(page, 'me.updatePreferences', { locale: 'en', timeZone: 'UTC' });
    }
  });
});
