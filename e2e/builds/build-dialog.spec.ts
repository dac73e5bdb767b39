import path from 'node:path';
import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { E2E_PORT } from '../playwright.config';
import { admin, expect, SCREENSHOTS, screenshots, signIn, test, trpcMutation } from '../fixtures';

/** The console's embedded sandbox cloud (global-setup gives it E2E_PORT + 500). */
const SANDBOX = `http://127.0.0.1:${E2E_PORT + 500}`;

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

test('build dialog: six regions over both clouds, one copied, one base image from the inventory; watched, catalogued, and a second build cancelled', async ({ page }) => {
  test.setTimeout(900_000);
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
  interface Run { id: string; builderName: string; cloud: string; region: string; status: string; runTag: string | null; artifact: { images: { region: string; imageId: string; sourceRegion?: string }[] } | null }
  const build = await trpcQuery<{ id: string; runs: Run[]; plan: { copies: { region: string; from: string }[] } }>(page, 'build.get', { buildId });
  expect(build.id).toBe(buildId);
  expect(build.runs.map((r) => r.builderName).sort()).toEqual(['aws-eu-west-1', 'aws-us-east-1', 'aws-us-west-2', 'ucloud-cn-bj2', 'ucloud-cn-sh2']);
  expect(build.plan.copies).toEqual([expect.objectContaining({ region: 'hk', from: 'cn-sh2' })]);

  // The matrix: five runs and hk's copy, shown from the start and going green live (no reload).
  const cell = (region: string) => page.locator(`[data-testid="run-cell"][data-region="${region}"]`);
  for (const region of ['cn-bj2', 'cn-sh2', 'hk', 'us-east-1', 'eu-west-1', 'us-west-2']) await expect(cell(region)).toBeVisible();
  await expect(cell('hk')).toHaveAttribute('data-kind', 'copy-planned');
  await expect(cell('hk')).toContainText('copy from cn-sh2');
  await expect(page.locator('[data-testid="run-cell"][data-status="running"]').first()).toBeVisible({ timeout: 90_000 });

  // Open a log while it streams: the run is still running when its first lines are in the page.
  const running = page.locator('[data-testid="run-cell"][data-kind="run"][data-status="running"]').first();
  const streamingRegion = (await running.getAttribute('data-region'))!;
  await running.click();
  await expect(page).toHaveURL(/[?&]run=[0-9a-f-]{36}/);
  const log = page.getByRole('region', { name: /^Log of / });
  await expect(log.locator('[data-log-row]').first()).toBeVisible({ timeout: 60_000 });
  const streamed = (await trpcQuery<{ runs: Run[] }>(page, 'build.get', { buildId })).runs.find((r) => r.region === streamingRegion)!;
  expect(streamed.status, 'the run whose log was opened').toBe('running');
  await expect(page.getByTestId('log-connection')).toHaveText(/streaming|complete/);
  await screenshots(page, 'build-six-regions-in-flight');

  // Every cell goes green without a reload; hk's cell becomes the copied image.
  for (const region of ['cn-bj2', 'cn-sh2', 'us-east-1', 'eu-west-1', 'us-west-2']) {
    await expect(cell(region)).toHaveAttribute('data-status', 'succeeded', { timeout: 300_000 });
  }
  await expect(cell('hk')).toHaveAttribute('data-kind', 'copy', { timeout: 120_000 });
  await expect(cell('hk')).toHaveAttribute('data-status', 'succeeded');
  await expect(cell('hk')).toContainText('copied from cn-sh2');
  await expect(page.getByTestId('build-status')).toContainText('succeeded');
  await expect(page.getByTestId('log-connection')).toHaveText('complete');
  await screenshots(page, 'build-six-regions-done');

  // Catalog → Produced images: every image, with lineage; hk's copy names the image it came from.
  const done = await trpcQuery<{ status: string; runs: Run[] }>(page, 'build.get', { buildId });
  const images = done.runs.flatMap((r) => (r.artifact?.images ?? []).map((i) => ({ ...i, cloud: r.cloud })));
  expect(images.map((i) => i.region).sort()).toEqual(['cn-bj2', 'cn-sh2', 'eu-west-1', 'hk', 'us-east-1', 'us-west-2']);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }).click();
  await page.getByRole('navigation', { name: 'Catalog views' }).getByRole('link', { name: 'Produced images' }).click();
  const table = page.getByRole('table', { name: 'Produced images' });
  for (const image of images) {
    const row = table.getByRole('row').filter({ hasText: image.imageId });
    await expect(row).toContainText(image.region);
    await expect(row).toContainText('rome-access');
    await expect(row.getByRole('link', { name: buildId.slice(0, 8) })).toHaveAttribute('href', `/builds/${buildId}`);
  }
  const hk = images.find((i) => i.region === 'hk')!;
  const sh2Image = images.find((i) => i.region === 'cn-sh2')!;
  await table.getByRole('link', { name: hk.imageId }).click();
  await expect(page).toHaveURL(new RegExp(`/catalog/images/ucloud/hk/${hk.imageId}$`));
  const lineage = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Lineage' }) });
  await expect(lineage.getByRole('link', { name: sh2Image.imageId })).toHaveAttribute('href', `/catalog/images/ucloud/cn-sh2/${sh2Image.imageId}`);
  await expect(lineage.getByRole('link', { name: buildId })).toHaveAttribute('href', `/builds/${buildId}`);
  await expect(lineage.getByRole('link', { name: 'rome-access', exact: true })).toBeVisible();
  await screenshots(page, 'catalog-copied-image');

  // A second build, cancelled mid-way from its page: what its runs created is gone from the sandbox.
  await page.goto(`/builds/${buildId}`);
  await page.getByRole('button', { name: 'Rebuild' }).click();
  await page.waitForURL((url) => /\/builds\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(buildId), { timeout: 30_000 });
  const secondId = /\/builds\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  const ledger = async (runId: string) => trpcQuery<{ runTag: string | null; resources: { kind: string; resourceId: string; kept: boolean; deletedAt: string | null }[] }>(page, 'build.run', { runId });
  // Mid-way: wait until some run has a host up, then cancel the whole build.
  await expect
    .poll(
      async () => {
        const b = await trpcQuery<{ runs: Run[] }>(page, 'build.get', { buildId: secondId });
        const ledgers = await Promise.all(b.runs.map((r) => ledger(r.id)));
        return ledgers.some((l) => l.resources.some((x) => x.kind === 'host'));
      },
      { timeout: 120_000, intervals: [500] },
    )
    .toBe(true);
  await page.getByRole('button', { name: 'Cancel build' }).click();
  await page.getByRole('dialog', { name: 'Cancel this build?' }).getByRole('button', { name: 'Cancel it' }).click();
  await expect(page.getByTestId('build-status')).toContainText('cancelled', { timeout: 180_000 });
  const second = await trpcQuery<{ runs: Run[] }>(page, 'build.get', { buildId: secondId });
  expect(second.runs.some((r) => r.status === 'cancelled')).toBe(true);
  const resources = (await (await fetch(`${SANDBOX}/_sandbox/resources`)).json()) as { resources: { kind: string; id: string; tags: Record<string, string>; name: string }[] };
  let created = 0;
  for (const run of second.runs) {
    const l = await ledger(run.id);
    created += l.resources.length;
    // An image a run finished before the cancel is kept (it is a produced image); nothing else of the run may stay.
    const kept = new Set(l.resources.filter((x) => x.kept).map((x) => x.resourceId));
    const left = resources.resources.filter(
      (r) => r.kind !== 'snapshot' && !kept.has(r.id) && (l.resources.some((x) => x.resourceId === r.id) || (l.runTag && JSON.stringify(r).includes(l.runTag))),
    );
    expect(left, `${run.builderName} (${run.status}) left in the sandbox`).toEqual([]);
    for (const x of l.resources.filter((y) => !y.kept)) expect(x.deletedAt, `${run.builderName}: ${x.kind} ${x.resourceId}`).not.toBeNull();
  }
  expect(created).toBeGreaterThan(0);

  // hk builds itself again: the Settings → Regions spec starts from the suggestion for it.
  await trpcMutation(page, 'regionStrategy.set', { cloud: 'ucloud', region: 'hk', mode: 'build' });
  expect(errors).toEqual([]);
});
