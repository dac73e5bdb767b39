import { admin, expect, screenshots, signIn, test } from '../fixtures';

// Two admins are needed: the one who demotes themselves here is not the printed admin.
test.describe.serial('settings: users, one-time passwords and self-demotion', () => {
  let secondAdminPassword = '';

  test('one-time passwords stay listed until dismissed, with a copy button', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto('/settings');
    const list = page.getByRole('region', { name: 'New passwords to pass on' });
    await expect(list).toHaveCount(0);

    for (const [name, mail, role] of [
      ['Olga Ops', 'olga@rome.test', 'Viewer'],
      ['Pavel Second', 'pavel@rome.test', 'Admin'],
    ] as const) {
      await page.getByRole('button', { name: 'Add user' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add user' });
      await dialog.getByLabel('Name').fill(name);
      await dialog.getByLabel('E-mail').fill(mail);
      await dialog.getByLabel('Role').selectOption({ label: role });
      await dialog.getByRole('button', { name: 'Create user' }).click();
      await expect(page.getByRole('table', { name: 'Users' })).toContainText(mail);
    }
    await expect(list.getByRole('listitem')).toHaveCount(2);
    const olga = list.getByRole('listitem', { name: 'olga@rome.test' });
    const pavel = list.getByRole('listitem', { name: 'pavel@rome.test' });
    await expect(olga).toContainText('new user');
    secondAdminPassword = (await pavel.getByTestId('one-time-password').textContent()) ?? '';
    expect(secondAdminPassword).toMatch(/^[A-Za-z0-9]{20}$/);

    // Copy puts exactly the password on the clipboard and says so.
    const olgaFirst = (await olga.getByTestId('one-time-password').textContent()) ?? '';
    await olga.getByRole('button', { name: 'Copy the password of olga@rome.test' }).click();
    await expect(olga.getByRole('status')).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(olgaFirst);

    // A reset replaces that user's entry (the old password no longer works) and keeps the others.
    // The console asks with its own dialog (never window.confirm).
    await page.getByRole('row', { name: /olga@rome\.test/ }).getByRole('button', { name: 'Reset password' }).click();
    const confirm = page.getByRole('dialog', { name: 'Reset password' });
    await expect(confirm).toContainText('Reset the password of olga@rome.test?');
    await confirm.getByRole('button', { name: 'Reset password' }).click();
    await expect(olga).toContainText('password reset');
    await expect(olga.getByTestId('one-time-password')).not.toHaveText(olgaFirst);
    await expect(list.getByRole('listitem')).toHaveCount(2);

    // Navigating away and back, refetching, and reloading the tab keep the list.
    const tabs = page.getByRole('navigation', { name: 'Settings' });
    await tabs.getByRole('link', { name: 'Audit log' }).click();
    await expect(page.getByRole('table', { name: 'Audit log' })).toBeVisible();
    await tabs.getByRole('link', { name: 'Users' }).click();
    await expect(list.getByRole('listitem')).toHaveCount(2);
    await page.reload();
    await expect(list.getByRole('listitem')).toHaveCount(2);
    await expect(pavel.getByTestId('one-time-password')).toHaveText(secondAdminPassword);
    await screenshots(page, 'settings-users-passwords');

    await olga.getByRole('button', { name: 'Dismiss the password of olga@rome.test' }).click();
    await expect(list.getByRole('listitem')).toHaveCount(1);
    await page.reload();
    await expect(list.getByRole('listitem')).toHaveCount(1);
    await expect(list).toContainText('pavel@rome.test');
  });

  test('the add-user dialog opens clean after an earlier error', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto('/settings');
    const dialog = page.getByRole('dialog', { name: 'Add user' });

    await page.getByRole('button', { name: 'Add user' }).click();
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await expect(dialog.getByText('Enter a name.')).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect(dialog.getByText('Enter a name.')).toHaveCount(0);
    await expect(dialog.getByLabel('Name')).toHaveValue('');

    // The server's refusal (the e-mail is taken) does not linger either.
    await dialog.getByLabel('Name').fill('Olga Again');
    await dialog.getByLabel('E-mail').fill('olga@rome.test');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await expect(dialog.getByRole('alert')).toContainText('already exists');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await page.getByRole('button', { name: 'Add user' }).click();
    await expect(dialog.getByRole('alert')).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  test('an admin changing their own role away from admin is asked first, and then loses admin access', async ({ page }) => {
    await signIn(page, 'pavel@rome.test', secondAdminPassword);
    await page.goto('/settings');
    const ownRole = page.getByLabel('Role of pavel@rome.test');
    await expect(ownRole).toHaveValue('admin');

    await ownRole.selectOption('builder');
    const confirm = page.getByRole('dialog', { name: 'Give up your admin role?' });
    await expect(confirm).toContainText('Your role becomes Builder and you lose admin access at once');
    await screenshots(page, 'settings-users-self-demotion');
    await confirm.getByRole('button', { name: 'Keep admin' }).click();
    await expect(confirm).toBeHidden();
    await expect(ownRole).toHaveValue('admin');

    // Another user's role changes without a question.
    await page.getByLabel('Role of olga@rome.test').selectOption('builder');
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByLabel('Role of olga@rome.test')).toHaveValue('builder');

    await ownRole.selectOption('builder');
    await confirm.getByRole('button', { name: 'Change my role to Builder' }).click();
    await expect(page.getByText('Only admins manage users, the audit log and cloud accounts.')).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Users' })).toHaveCount(0);
  });

  test('the first admin sees the demotion', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto('/settings');
    await expect(page.getByLabel('Role of pavel@rome.test')).toHaveValue('builder');
    await screenshots(page, 'settings-users-after-demotion');
  });
});
