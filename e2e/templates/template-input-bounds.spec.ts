import { admin, expect, screenshots, setEditorText, signIn, test } from '../fixtures';

// A body the shared schema refuses (an escape that decodes to NUL) is explained in place,
// in the user's language, on the new-template form and in the editor; nothing is saved.
const body = (type: string) => `{
  "builders": [
    {
      "type": "${type}",
      "region": "cn-bj2",
      "availability_zone": "cn-bj2-02",
      "instance_type": "n-basic-2",
      "source_image_id": "uimage-abc123",
      "ssh_username": "root",
      "image_name": "bounds-{{timestamp}}"
    }
  ]
}`;
const REFUSED = /without NUL characters or unpaired surrogates/;

test('a template body with an escaped NUL is refused with a clear message', async ({ page }) => {
  const { email, password } = admin();
  await signIn(page, email, password);

  await page.goto('/templates/new');
  await page.getByLabel('Name').fill('e2e-bounds');
  await setEditorText(page, body('ucloud-uhost\\u0000'));
  await page.getByRole('button', { name: /^Create (template|as invalid draft)$/ }).click();
  await expect(page.getByRole('alert').filter({ hasText: REFUSED })).toBeVisible();
  await expect(page).toHaveURL(/\/templates\/new$/);
  await screenshots(page, 'template-new-body-refused');

  await page.goto('/templates');
  await page.getByRole('link', { name: 'rome-access' }).click();
  await expect(page.getByText(/Editing from version/)).toBeVisible();
  await setEditorText(page, body('ucloud-uhost\\u0000'));
  await page.getByLabel('Commit message').fill('An escaped NUL');
  await page.getByRole('button', { name: /as version \d+$/ }).click();
  await expect(page.getByRole('alert').filter({ hasText: REFUSED })).toBeVisible();
  await screenshots(page, 'template-editor-body-refused');

  // Editing the text clears the message.
  await setEditorText(page, body('ucloud-uhost'));
  await expect(page.getByRole('alert').filter({ hasText: REFUSED })).toHaveCount(0);
});
