import type { Page } from '@playwright/test';
import { admin, expect, screenshots, signIn, test } from '../fixtures';

const NEW_PASSWORD = 'copper lantern hums softly';

/** The admin adds a user in Settings and reads the one-time password shown for them. */
async function addUser(page: Page, name: string, email: string) {
  const { email: adminEmail, password } = admin();
  await signIn(page, adminEmail, password);
  await page.goto('/settings');
  await page.getByRole('button', { name: 'Add user' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add user' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('E-mail').fill(email);
  await dialog.getByRole('button', { name: 'Create user' }).click();
  const oneTime = (await page.getByTestId('one-time-password').textContent())?.trim() ?? '';
  expect(oneTime).toMatch(/^[A-Za-z0-9]{20}$/);
  await page.context().clearCookies();
  return oneTime;
}

test.describe('passwords', () => {
  test('the create-user dialog says why a typed password is refused', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto('/settings');
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add user' });
    await dialog.getByLabel('Name').fill('Weak Wendy');
    await dialog.getByLabel('E-mail').fill('wendy@rome.test');
    for (const [weak, reason] of [
      ['password1234', 'This is too similar to a commonly used password.'],
      [' '.repeat(12), 'A password of only spaces is not allowed.'],
      ['aaaaaaaaaaaa', 'Repeated characters like “aaa” are easy to guess.'],
    ]) {
      await dialog.getByLabel('Password').fill(weak!);
      await dialog.getByRole('button', { name: 'Create user' }).click();
      await expect(dialog.getByText(reason!)).toBeVisible();
    }
    await expect(page.getByRole('cell', { name: 'wendy@rome.test' })).toHaveCount(0);
  });

  test('a user changes their own password from the account menu; their other sessions end', async ({ page, browser }) => {
    const oneTime = await addUser(page, 'Pat Password', 'pat@rome.test');

    // A second session of the same user, e.g. on another machine.
    const laptop = await browser.newContext();
    const laptopPage = await laptop.newPage();
    await signIn(laptopPage, 'pat@rome.test', oneTime);

    await signIn(page, 'pat@rome.test', oneTime);
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('button', { name: 'Change password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change your password' });
    await expect(dialog.getByLabel('Current password')).toBeFocused();
    await dialog.getByLabel('Current password').fill(oneTime);

    // Feedback while typing: the server's rule, in words.
    await dialog.getByLabel('New password', { exact: true }).fill('password1234');
    const feedback = dialog.getByTestId('password-feedback');
    await expect(feedback).toHaveText(
      'This password is too easy to guess. This is too similar to a commonly used password. Add a few more uncommon words.',
    );
    await expect(dialog.getByRole('meter')).toHaveAttribute('aria-valuenow', '1');
    await screenshots(page, 'change-password-weak');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await expect(dialog.getByLabel('New password', { exact: true })).toHaveAttribute('aria-invalid', 'true');

    await dialog.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await expect(feedback).toHaveText('Strength: very strong');
    await dialog.getByLabel('Repeat the new password').fill(`${NEW_PASSWORD}.`);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await expect(dialog.getByText('The two new passwords differ.')).toBeVisible();
    await dialog.getByLabel('Repeat the new password').fill(NEW_PASSWORD);

    // A wrong current password is refused by the server and said next to the field.
    await dialog.getByLabel('Current password').fill('not my old password');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await expect(dialog.getByText('The current password is wrong.')).toBeVisible();
    await dialog.getByLabel('Current password').fill(oneTime);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await expect(dialog.getByRole('status')).toHaveText('Password changed. Your other sessions were signed out; this one stays signed in.');
    await screenshots(page, 'change-password-done');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(dialog).toBeHidden();

    // This session goes on; the laptop's is gone.
    await page.goto('/catalog');
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await laptopPage.goto('/catalog');
    await expect(laptopPage).toHaveURL(/\/sign-in/);
    await laptop.close();

    // Old password out, new one in.
    await page.context().clearCookies();
    await page.goto('/sign-in');
    await page.getByLabel('E-mail').fill('pat@rome.test');
    await page.getByLabel('Password').fill(oneTime);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Wrong e-mail or password' })).toHaveText('Wrong e-mail or password, or the account is disabled.');
    await signIn(page, 'pat@rome.test', NEW_PASSWORD);
  });

  test('in Chinese, the dialog explains a weak password in Chinese', async ({ page }) => {
    await signIn(page, 'pat@rome.test', NEW_PASSWORD);
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByLabel('Language').selectOption('zh-CN');
    // The menu stays open across the language change.
    await page.getByRole('button', { name: '修改密码' }).click();
    const dialog = page.getByRole('dialog', { name: '修改你的密码' });
    await dialog.getByLabel('新密码', { exact: true }).fill('aaaaaaaaaaaa');
    await expect(dialog.getByTestId('password-feedback')).toHaveText(
      '这个密码太容易被猜到。像“aaa”这样的重复字符很容易被猜到。再加几个不常见的单词。避免重复的单词和字符。',
    );
    await screenshots(page, 'change-password-zh');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await page.getByRole('button', { name: '账号菜单' }).click();
    await page.getByLabel('语言').selectOption('en');
    await expect(page.getByRole('button', { name: 'Change password' })).toBeVisible();
  });
});

test.describe('sign-in back-off', () => {
  test('locks an account after repeated failures, even against forged X-Forwarded-For, and says for how long', async ({ page }) => {
    const oneTime = await addUser(page, 'Lou Lockout', 'lou@rome.test');
    const attempt = (password: string, forwardedFor: string) =>
      page.request.post('/api/auth/sign-in/email', {
        headers: { 'x-forwarded-for': forwardedFor, origin: new URL(page.url()).origin },
        data: { email: 'lou@rome.test', password },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await attempt(`guess number ${i}`, `198.51.100.${i}`)).status());
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const locked = await attempt(oneTime, '203.0.113.99');
    expect(locked.status()).toBe(429);
    expect(Number(locked.headers()['retry-after'])).toBeGreaterThan(0);

    // Under `next start` the address is the socket's, not the forged header's: a session
    // made with a forged X-Forwarded-For records the loopback peer.
    await page.request.post('/api/auth/sign-in/email', {
      headers: { 'x-forwarded-for': '6.6.6.6', 'x-rome-peer-address': '7.7.7.7', 'x-rome-client-address': '8.8.8.8', origin: new URL(page.url()).origin },
      data: admin(),
    });
    const session = await (await page.request.get('/api/auth/get-session')).json();
    expect(session.session.ipAddress).toBe('127.0.0.1');
    await page.context().clearCookies();

    // The form: the right password during the lock-out is refused with the wait.
    await page.goto('/sign-in');
    await page.getByLabel('E-mail').fill('lou@rome.test');
    await page.getByLabel('Password').fill(oneTime);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Too many' })).toHaveText('Too many failed sign-ins for this account. Try again in 1 minute.');
    await expect(page).toHaveURL(/\/sign-in/);
    await screenshots(page, 'sign-in-locked');
  });
});
