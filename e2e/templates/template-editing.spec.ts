import { admin, editorText, expect, screenshots, setEditorText, signIn, test } from '../fixtures';

const NAME = 'e2e-edge-access';

const builder = (extra = '') => `    {
      "type": "ucloud-uhost",${extra}
      "region": "cn-bj2",
      "availability_zone": "cn-bj2-02",
      "instance_type": "n-basic-2",
      "source_image_id": "uimage-vmy3ld",
      "ssh_username": "root",
      "image_name": "edge-{{timestamp}}"
    }`;
const template = (builders: string[]) => `{
  "variables": { "service_version": "1.0.0" },
  "builders": [
${builders.join(',\n')}
  ],
  "provisioners": [
    { "type": "shell", "inline": ["mkdir -p /opt/rome"] }
  ]
}`;

test.describe.serial('templates: create, validate, version, diff, conflicts, roles', () => {
  let templateUrl = '';
  let viewerPassword = '';

  test('the printed admin signs in and sees the dashboard', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    // Among the recent template changes (the latest-image table may link it too).
    await expect(page.getByRole('link', { name: 'rome-access', exact: true }).first()).toBeVisible();
    await screenshots(page, 'dashboard');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
    // Both examples are listed (specs that ran before may have added templates of their own).
    const table = page.getByRole('table', { name: 'Templates' });
    await expect(table.getByRole('link', { name: 'rome-access', exact: true })).toBeVisible();
    await expect(table.getByRole('link', { name: 'rome-forwarding', exact: true })).toBeVisible();
    await screenshots(page, 'templates');
  });

  test('creates a template, sees JSON and duplicate-name errors inline, fixes them and saves v2', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto('/templates/new');
    await page.getByLabel('Name').fill(NAME);
    await page.getByLabel('Description').fill('Edge access node for the e2e test');
    await setEditorText(page, template([builder()]));
    await expect(page.getByText('No problems found.')).toBeVisible();
    await screenshots(page, 'template-new');
    await page.getByRole('button', { name: 'Create template' }).click();
    await expect(page).toHaveURL(/\/templates\/[0-9a-f-]{36}$/);
    templateUrl = new URL(page.url()).pathname;
    await expect(page.getByText('Editing from version 1')).toBeVisible();

    // A JSON syntax error: shown in the problem list with its line, and underlined in the editor.
    await setEditorText(page, template([builder()]).replace('"region": "cn-bj2",', '"region": "cn-bj2"'));
    const problems = page.getByRole('list', { name: 'Problems' });
    await expect(problems).toContainText('JSON syntax error at line 7');
    await expect(page.locator('.cm-lintRange-error').first()).toBeVisible();
    await screenshots(page, 'template-json-error');

    // A second ucloud-uhost builder without a name: field problem #4, with the fix.
    await setEditorText(page, template([builder(), builder()]));
    await expect(problems).toContainText('builders[0] and builders[1] both have the name “ucloud-uhost”');
    await expect(problems).toContainText('"name": "ucloud-uhost-2"');
    await expect(page.getByRole('button', { name: /Save invalid draft as version 2/ })).toBeVisible();
    await screenshots(page, 'template-duplicate-builders');

    // Fix it with unique names and save version 2.
    await setEditorText(page, template([builder(), builder('\n      "name": "ucloud-hk",')]));
    await expect(page.getByText('No problems found.')).toBeVisible();
    await page.getByLabel('Commit message').fill('Add a Hong Kong builder');
    await page.getByRole('button', { name: 'Save as version 2' }).click();
    await expect(page.getByText('Saved as version 2.')).toBeVisible();
    await expect(page.getByText('Editing from version 2')).toBeVisible();
  });

  test('shows the history and the side-by-side diff of v1 and v2', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto(templateUrl);
    await page.getByRole('link', { name: 'History and diff' }).click();
    const rows = page.getByRole('table', { name: 'Version history' }).getByRole('row');
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(1)).toContainText('Add a Hong Kong builder');
    await screenshots(page, 'template-history');
    await page.getByRole('link', { name: 'Compare v1 with v2' }).click();
    await expect(page.getByRole('heading', { name: `${NAME}: v1 → v2` })).toBeVisible();
    const diff = page.getByTestId('text-diff');
    await expect(diff.getByRole('textbox', { name: /^v2 ·/ })).toContainText('ucloud-hk');
    await expect(diff.getByRole('textbox', { name: /^v1 ·/ })).not.toContainText('ucloud-hk');
    await expect(diff.locator('.cm-changedLine').first()).toBeVisible();
    await screenshots(page, 'template-diff');
  });

  test('a stale save is refused with what changed, never overwriting', async ({ page, browser }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto(templateUrl);
    await expect(page.getByText('Editing from version 2')).toBeVisible();

    // Someone else saves version 3 first, in another browser.
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await signIn(otherPage, email, password);
    await otherPage.goto(templateUrl);
    const theirs = (await editorText(otherPage)).replace('"1.0.0"', '"1.1.0"');
    await setEditorText(otherPage, theirs);
    await otherPage.getByLabel('Commit message').fill('Bump service to 1.1.0');
    await otherPage.getByRole('button', { name: 'Save as version 3' }).click();
    await expect(otherPage.getByText('Saved as version 3.')).toBeVisible();
    await other.close();

    // This editor still starts from version 2: its save must be refused.
    const mine = (await editorText(page)).replace('"mkdir -p /opt/rome"', '"mkdir -p /opt/rome /etc/rome"');
    await setEditorText(page, mine);
    await page.getByLabel('Commit message').fill('Create /etc/rome');
    await page.getByRole('button', { name: 'Save as version 3' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Not saved: someone saved a newer version' })).toContainText(
      'saved version 3 (“Bump service to 1.1.0”) after you opened version 2',
    );
    await expect(page.getByTestId('text-diff')).toBeVisible();
    await screenshots(page, 'template-conflict');

    // After seeing both, the user knowingly puts their edits on top of version 3, after being
    // told which change of theirs that reverts.
    await page.getByRole('button', { name: 'Keep my edits on top of version 3' }).click();
    const keep = page.getByRole('dialog', { name: 'Replace version 3 with your edits?' });
    await expect(keep.getByRole('list', { name: 'Changes of theirs that are reverted' })).toContainText(
      'variables.service_version: "1.1.0" → "1.0.0"',
    );
    await keep.getByRole('button', { name: 'Keep my edits and revert 1 change' }).click();
    await expect(page.getByText('Editing from version 3')).toBeVisible();
    await page.getByRole('button', { name: 'Save as version 4' }).click();
    await expect(page.getByText('Saved as version 4.')).toBeVisible();
  });

  test('an admin adds a viewer in Settings and the password is shown once', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto('/settings');
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add user' });
    await dialog.getByLabel('Name').fill('Vera Viewer');
    await dialog.getByLabel('E-mail').fill('vera@rome.test');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    viewerPassword = (await page.getByTestId('one-time-password').textContent()) ?? '';
    expect(viewerPassword).toMatch(/^[A-Za-z0-9]{20}$/);
    await expect(page.getByRole('table', { name: 'Users' })).toContainText('vera@rome.test');
    await screenshots(page, 'settings-users');
    await page.goto('/settings/audit');
    await expect(page.getByRole('table', { name: 'Audit log' })).toContainText('Template version saved');
    await screenshots(page, 'settings-audit');
  });

  test('a viewer sees no Save button, and the server refuses the mutation anyway', async ({ page }) => {
    await signIn(page, 'vera@rome.test', viewerPassword);
    await page.goto(templateUrl);
    await expect(page.getByText('Editing needs the builder or admin role')).toBeVisible();
    await expect(page.getByRole('button', { name: /^Save/ })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'New template' })).toHaveCount(0);
    await screenshots(page, 'template-viewer');

    const templateId = templateUrl.split('/').pop()!;
    const res = await page.request.post('/api/trpc/template.save', {
      data: { json: { templateId, baseVersion: 4, body: template([builder()]), message: 'sneaky', asDraft: false } },
    });
    expect(res.status()).toBe(403);
    expect(await res.text()).toContain('FORBIDDEN');
    await page.reload();
    await expect(page.getByText('Editing from version 4')).toBeVisible();
  });

  test('the language switch is remembered per user', async ({ page }) => {
    await signIn(page, 'vera@rome.test', viewerPassword);
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByLabel('Language').selectOption('zh-CN');
    await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '模板' })).toBeVisible();
    await screenshots(page, 'dashboard-zh');
    // A fresh browser (no cookies) gets Chinese after sign-in, from the account.
    await page.context().clearCookies();
    await page.goto('/sign-in');
    await page.getByLabel('E-mail').fill('vera@rome.test');
    await page.getByLabel('Password').fill(viewerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '模板' })).toBeVisible();
  });

  test('without a session every page sends you to sign-in and the API says UNAUTHORIZED', async ({ page }) => {
    await page.goto(templateUrl);
    await expect(page).toHaveURL(/\/sign-in/);
    await screenshots(page, 'sign-in');
    const res = await page.request.post('/api/trpc/template.list', { data: { json: null } });
    expect(res.status()).toBe(401);
  });
});
