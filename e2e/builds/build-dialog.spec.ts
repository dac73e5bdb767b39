import path from 'node:path';
import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { admin, expect, SCREENSHOTS, signIn, test, trpcMutation } from '../fixtures';

const RELEASE = path.resolve(import.meta.dirname, '../../db/seed-templates/rome-access/inputs/release/rome-access-2.3.1-linux-amd64.tar.gz');

/** A tRPC query from inside the signed-in page. */
async function trpcQuery<T>(page: Page, procedure: string, input: unknown): Promise<T> {
  return page.evaluate(
    async ({ procedure, input }) => {
      const res = await fetch(`/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
      const body = await res.json();
      if (!res.ok) throw new Error(`${procedure} answered ${res.status}: ${JSON.stringify(body)}`);
      return body.result.data.json;
    },
    { procedure, input },
  ) as Promise<T>;
}

/** The dialog at 1440 and 390 px, scrolled so its plan is in view (on a phone the form comes first). */
async function dialogScreenshots(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.waitForTimeout(150);
    await page.getByRole('heading', { name: 'Plan', exact: true }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`) });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    // The builds page is another part of the console; here only the navigation to it counts.
    if (m.type() === 'error' && !/404/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test('build dialog: six regions over both clouds, one copied, one base image from the inventory, started', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = consoleErrors(page);
  const { email, password } = admin();
  await signIn(page, email, password);

  // The first start syncs every region; hk copies from cn-sh2 once both are in the inventory.
  await expect(async () => {
    await trpcMutation(page, 'regionStrategy.set', { cloud: 'ucloud', region: 'hk', mode: 'copy', sourceRegion: 'cn-sh2' });
  }).toPass({ timeout: 180_000, intervals: [1_000, 2_000, 5_000] });
  await expect
    .poll(
      async () => {
        const regions = await trpcQuery<{ region: string; lastSync: { status: string } | null }[]>(page, 'inventory.regions', null);
        const want = ['cn-bj2', 'cn-sh2', 'us-east-1', 'eu-west-1', 'us-west-2'];
        return want.every((w) => regions.some((r) => r.region === w && r.lastSync?.status === 'succeeded'));
      },
      { timeout: 180_000, intervals: [1_000, 2_000] },
    )
    .toBe(true);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('table', { name: 'Templates' }).getByRole('link', { name: 'rome-access' }).click();
  // The list has a Build button per template too: wait for the editor before clicking its one.
  await expect(page.getByText(/Editing from version \d+/)).toBeVisible();
  await page.getByRole('button', { name: /^Build rome-access v\d+$/ }).click();
  const dialog = page.getByRole('dialog', { name: /^Build rome-access v\d+$/ });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('UCloud account')).toHaveValue(/.+/);
  await expect(dialog.getByLabel('AWS account')).toHaveValue(/.+/);
  await expect(dialog.getByText('Choose targets to see the plan')).toBeVisible();

  // Six single regions, found with the search box and ticked with the keyboard.
  const search = dialog.getByRole('searchbox', { name: 'Single regions' });
  for (const [cloud, region] of [['UCloud', 'cn-bj2'], ['UCloud', 'cn-sh2'], ['UCloud', 'hk'], ['AWS', 'us-east-1'], ['AWS', 'eu-west-1'], ['AWS', 'us-west-2']] as const) {
    await search.fill(region);
    const box = dialog.getByRole('checkbox', { name: `${cloud} ${region}`, exact: true });
    await box.focus();
    await page.keyboard.press('Space');
    await expect(box).toBeChecked();
  }
  await search.fill('');
  await expect(dialog.getByText('6 picked')).toBeVisible();
  await dialog.getByLabel('release', { exact: true }).setInputFiles(RELEASE);
  await expect(dialog.getByText(/Uploaded as release\/rome-access-2\.3\.1-linux-amd64\.tar\.gz/)).toBeVisible();

  // The plan: five runs (hk has none of its own), one copy cn-sh2 → hk, cn-sh2's image from the inventory.
  const summary = dialog.getByTestId('plan-summary');
  await expect(summary).toHaveText('5 runs · 1 copy · 0 refused', { timeout: 30_000 });
  const plan = dialog.getByRole('table', { name: 'Plan' });
  const sh2 = plan.getByRole('row').filter({ hasText: 'ucloud-cn-sh2' });
  await expect(sh2).toContainText('from inventory');
  await expect(sh2).toContainText("instead of the template's uimage-vmy3ld");
  await expect(sh2).toContainText('copies to hk');
  await expect(plan.getByRole('row').filter({ hasText: 'ucloud-cn-bj2' })).toContainText('template');
  await expect(plan.getByRole('row').filter({ hasText: 'no run of its own' })).toContainText('copy from cn-sh2');
  await expect(dialog.getByText(/target.* cannot be built/)).toHaveCount(0);
  await dialogScreenshots(page, 'build-dialog-plan');

  // A refused target shows its reason and can be dropped.
  await search.fill('sa-east-1');
  await dialog.getByRole('checkbox', { name: 'AWS sa-east-1', exact: true }).check();
  await expect(summary).toHaveText('5 runs · 1 copy · 1 refused', { timeout: 30_000 });
  const refused = dialog.getByRole('alert').filter({ hasText: 'cannot be built' });
  await expect(refused).toContainText('sa-east-1');
  await expect(refused).toContainText('NO_BASE_IMAGE');
  await expect(dialog.getByRole('button', { name: /^Start build/ })).toBeDisabled();
  await dialogScreenshots(page, 'build-dialog-refused');
  await refused.getByRole('button', { name: 'Drop refused targets' }).click();
  await expect(summary).toHaveText('5 runs · 1 copy · 0 refused', { timeout: 30_000 });

  const startButton = dialog.getByRole('button', { name: 'Start build (5 runs)' });
  await expect(startButton).toBeEnabled();
  await startButton.click();
  await page.waitForURL(/\/builds\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  const buildId = /\/builds\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
  const build = await trpcQuery<{ id: string; runs: { builderName: string; region: string }[]; plan: { copies: { region: string; from: string }[] } }>(page, 'build.get', { buildId });
  expect(build.id).toBe(buildId);
  expect(build.runs.map((r) => r.builderName).sort()).toEqual(['aws-eu-west-1', 'aws-us-east-1', 'aws-us-west-2', 'ucloud-cn-bj2', 'ucloud-cn-sh2']);
  expect(build.plan.copies).toEqual([expect.objectContaining({ region: 'hk', from: 'cn-sh2' })]);
  // Not this spec's concern to watch it build: stop it (the engine cleans up what it created).
  await trpcMutation(page, 'build.cancel', { buildId });
  // hk builds itself again: the Settings → Regions spec starts from the suggestion for it.
  await trpcMutation(page, 'regionStrategy.set', { cloud: 'ucloud', region: 'hk', mode: 'build' });
  expect(errors).toEqual([]);
});
