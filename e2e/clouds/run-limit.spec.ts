import { admin, expect, screenshots, signIn, test } from '../fixtures';

// "Build runs at once" of an account: the shared schema refuses what the server would, and a
// saved value is what the form shows next time.
test('an admin sets how many build runs of an account may run at once', async ({ page }) => {
  const { email, password } = admin();
  await signIn(page, email, password);
  await page.goto('/settings/clouds');
  const table = page.getByRole('table', { name: 'Cloud accounts' });
  const row = table.getByRole('row').filter({ hasText: 'sandbox-aws' });
  await row.getByRole('button', { name: 'Edit' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit sandbox-aws' });
  const field = dialog.getByLabel('Build runs at once');
  await expect(field).toHaveValue('25');

  await field.fill('0');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog.getByText('Enter a whole number from 1 to 500.')).toBeVisible();
  await screenshots(page, 'settings-clouds-run-limit-invalid');

  await field.fill('6');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();
  await row.getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByRole('dialog', { name: 'Edit sandbox-aws' }).getByLabel('Build runs at once')).toHaveValue('6');
  await screenshots(page, 'settings-clouds-run-limit');
});
