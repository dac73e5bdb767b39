import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Download, Page } from '@playwright/test';
import { admin, expect, screenshots, setEditorText, signIn, test } from '../fixtures';

// The editor's Attachments panel on the seeded forwarding template: it lists the config file the
// seed ships, downloads it byte for byte, uploads a new file (an unsaved edit until saved), and
// removing the config file makes the check name the provisioner that reads it. (Named to run after
// template-editing.spec.ts, which counts the seeded templates before creating its own.)

const SEED_CONFIG = readFileSync(path.resolve(import.meta.dirname, '../../db/seed-templates/rome-forwarding/attachments/config/forwarding.toml'));

async function openSeededTemplate(page: Page) {
  const { email, password } = admin();
  await signIn(page, email, password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('table', { name: 'Templates' }).getByRole('link', { name: 'rome-forwarding' }).click();
  await expect(page).toHaveURL(/\/templates\/[0-9a-f-]{36}$/);
  await expect(page.getByText(/Editing from version \d+/)).toBeVisible();
}

async function contentOf(download: Download): Promise<Buffer> {
  const file = await download.path();
  return readFileSync(file);
}

test.describe.serial('templates: attachments and build inputs', () => {
  test('lists the seed attachment and input, downloads it, uploads and saves another, remove shows the missing file', async ({ page }) => {
    await openSeededTemplate(page);
    const attachments = page.getByRole('list', { name: 'Attachments' });
    await expect(attachments.getByRole('listitem')).toHaveCount(1);
    const config = attachments.getByRole('link', { name: 'config/forwarding.toml' });
    await expect(config).toBeVisible();
    await expect(attachments).toContainText(`${SEED_CONFIG.length} B`);
    const inputs = page.getByRole('list', { name: 'Build inputs' });
    await expect(inputs.getByLabel('Pattern of build input 1')).toHaveValue('release/rome-forwarding-*-linux-amd64.tar.gz');
    await screenshots(page, 'template-attachments');

    // Download: the bytes the seed shipped.
    const [download] = await Promise.all([page.waitForEvent('download'), config.click()]);
    expect(download.suggestedFilename()).toBe('forwarding.toml');
    expect((await contentOf(download)).equals(SEED_CONFIG)).toBe(true);

    // Upload: path defaults into config/, the row is unsaved until the save.
    const uploaded = Buffer.from('# extra settings\n[tuning]\nmax_streams = 64\n');
    await page.getByLabel('Choose a file to attach').setInputFiles({ name: 'tuning.toml', mimeType: 'application/toml', buffer: uploaded });
    const pathField = page.getByLabel('Path of the attachment');
    await expect(pathField).toHaveValue('config/tuning.toml');
    await pathField.fill('../tuning.toml');
    await expect(page.getByText('The path climbs out of the build’s files with “..”.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Attach', exact: true })).toBeDisabled();
    await pathField.fill('config/tuning.toml');
    await pathField.press('Enter');
    await expect(attachments.getByRole('listitem')).toHaveCount(2);
    const newRow = attachments.getByRole('listitem').filter({ hasText: 'config/tuning.toml' });
    await expect(newRow).toContainText('unsaved');
    await expect(page.getByText(/^unsaved · /)).toBeVisible();
    await screenshots(page, 'template-attachments-upload');

    await page.getByLabel('Commit message').fill('Attach tuning.toml');
    await page.keyboard.press('ControlOrMeta+s');
    await expect(page.getByText(/Saved as version \d+\./)).toBeVisible();
    const tuningLink = attachments.getByRole('link', { name: 'config/tuning.toml' });
    await expect(tuningLink).toBeVisible();
    await expect(newRow).not.toContainText('unsaved');
    const [second] = await Promise.all([page.waitForEvent('download'), tuningLink.click()]);
    expect((await contentOf(second)).equals(uploaded)).toBe(true);

    // Remove the config file: the check names the provisioner that reads it, with the fix.
    await attachments.getByRole('button', { name: 'Remove config/forwarding.toml' }).click();
    await expect(attachments.getByRole('listitem')).toHaveCount(1);
    const problems = page.getByRole('list', { name: 'Problems' });
    await expect(problems).toContainText('config/forwarding.toml');
    await expect(problems).toContainText('not among the template’s attachments and not declared as a build input');
    await expect(page.getByText(/^unsaved · \d+ problems?$/)).toBeVisible();
    await screenshots(page, 'template-attachments-missing');

    // A build input whose pattern provides the file clears it again.
    await page.getByRole('button', { name: 'Add input' }).click();
    await inputs.getByLabel('Name of build input 2').fill('config');
    await inputs.getByLabel('Pattern of build input 2').fill('config/*.toml');
    await expect(problems.filter({ hasText: 'config/forwarding.toml' })).toHaveCount(0);
    await screenshots(page, 'template-attachments-inputs');
  });

  test('a new template carries its attachments into version 1', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.goto('/templates/new');
    await page.getByLabel('Name').fill('e2e-attached');
    await setEditorText(page, JSON.stringify({
      builders: [{ type: 'amazon-ebs', name: 'aws', region: 'us-east-1', instance_type: 't3.small', source_ami: 'ami-0c7217cdde317cfec', ssh_username: 'ubuntu', ami_name: 'e2e-attached-{{timestamp}}' }],
      provisioners: [{ type: 'file', source: 'config/app.toml', destination: '/tmp/app.toml' }],
    }, null, 2));
    const problems = page.getByRole('list', { name: 'Problems' });
    await expect(problems).toContainText('config/app.toml');
    await page.getByLabel('Choose a file to attach').setInputFiles({ name: 'app.toml', mimeType: 'application/toml', buffer: Buffer.from('a = 1\n') });
    await page.getByRole('button', { name: 'Attach', exact: true }).click();
    await expect(problems.filter({ hasText: 'config/app.toml' })).toHaveCount(0);
    await page.getByRole('button', { name: /^Create/ }).click();
    await expect(page).toHaveURL(/\/templates\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('list', { name: 'Attachments' }).getByRole('link', { name: 'config/app.toml' })).toBeVisible();
  });
});
