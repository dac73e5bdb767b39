import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { admin, expect, screenshots, signIn, test, trpcMutation } from '../fixtures';

// The console under test runs the embedded worker and sandbox cloud (global-setup), with the
// seeded rome-access template and the accounts sandbox-ucloud and sandbox-aws.
const RELEASE = 'release/rome-access-2.3.1-linux-amd64.tar.gz';
const RELEASE_FILE = path.resolve(import.meta.dirname, '../../db/seed-templates/rome-access/inputs', RELEASE);
const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/** A tRPC query from inside the signed-in page (superjson's `json` envelope, no dates needed). */
async function trpcQuery<T>(page: Page, procedure: string, input?: unknown): Promise<T> {
  return page.evaluate(
    async ({ procedure, input }) => {
      const qs = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
      const res = await fetch(`/api/trpc/${procedure}${qs}`);
      const body = await res.json();
      if (!res.ok) throw new Error(`${procedure} answered ${res.status}: ${JSON.stringify(body)}`);
      return body.result.data.json;
    },
    { procedure, input },
  ) as Promise<T>;
}

interface Run { id: string; cloud: string; region: string; status: string; error: string | null; artifact: { images: { region: string; imageId: string }[] } | null }

test.describe.serial('catalog: produced images with lineage, and the dashboard', () => {
  let buildId = '';
  let templateId = '';
  let runs: Run[] = [];

  test('a build of rome-access puts its images in Catalog → Produced images, with lineage to the base image', async ({ page }) => {
    test.setTimeout(240_000);
    const { email, password } = admin();
    await signIn(page, email, password);

    const templates = await trpcQuery<{ id: string; name: string; latestVersion: number }[]>(page, 'template.list');
    const template = templates.find((x) => x.name === 'rome-access')!;
    expect(template).toBeTruthy();
    templateId = template.id;
    const accounts = await trpcQuery<{ id: string; name: string; cloud: string }[]>(page, 'cloudAccount.list');
    const accountIds = ['sandbox-ucloud', 'sandbox-aws'].map((n) => accounts.find((a) => a.name === n)!.id);
    // The build input the template declares (CI's release tarball), uploaded like the dialog does.
    const content = readFileSync(RELEASE_FILE).toString('base64');
    const blob = await page.evaluate(async (content) => {
      const res = await fetch('/api/templates/attachments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content }) });
      return (await res.json()) as { sha256: string };
    }, content);

    const started = (await trpcMutation(page, 'build.start', {
      templateId: template.id, version: template.latestVersion, accountIds, inputs: [{ path: RELEASE, sha256: blob.sha256 }],
      targets: { regions: [{ cloud: 'ucloud', region: 'cn-bj2' }, { cloud: 'aws', region: 'us-east-1' }] },
    })) as { result: { data: { json: { buildId: string } } } };
    buildId = started.result.data.json.buildId;

    // The dashboard shows it in flight while it runs (it may finish first on a fast machine).
    await page.goto('/');
    const inFlight = page.getByTestId('build-in-flight').filter({ hasText: 'rome-access' });
    const seen = await inFlight.first().isVisible().catch(() => false);
    if (seen) await expect(inFlight.first().getByRole('link')).toHaveAttribute('href', `/builds/${buildId}`);

    await expect
      .poll(async () => (await trpcQuery<{ status: string }>(page, 'build.get', { buildId })).status, { timeout: 200_000, intervals: [1_000] })
      .toMatch(new RegExp(`^(${TERMINAL.join('|')})$`));
    const build = await trpcQuery<{ status: string; runs: Run[] }>(page, 'build.get', { buildId });
    expect(build.status, JSON.stringify(build.runs.map((r) => [r.region, r.status, r.error]))).toBe('succeeded');
    runs = build.runs;

    await page.goto('/catalog');
    await page.getByRole('navigation', { name: 'Catalog views' }).getByRole('link', { name: 'Produced images' }).click();
    await expect(page).toHaveURL(/view=produced/);
    const table = page.getByRole('table', { name: 'Produced images' });
    for (const run of runs) {
      const image = run.artifact!.images[0]!;
      const row = table.getByRole('row').filter({ hasText: image.imageId });
      await expect(row).toBeVisible();
      await expect(row).toContainText(run.region);
      await expect(row).toContainText('rome-access');
      await expect(row).toContainText(`v${template.latestVersion}`);
      await expect(row).toContainText(run.cloud === 'aws' ? 'ami-0c7217cdde317cfec' : 'uimage-vmy3ld');
      await expect(row.getByRole('link', { name: buildId.slice(0, 8) })).toHaveAttribute('href', `/builds/${buildId}`);
    }
    // Filters narrow the list and stay in the URL (other specs' builds share the data: compare by image, not by count).
    const rowOf = (cloud: string) => table.getByRole('row').filter({ hasText: runs.find((r) => r.cloud === cloud)!.artifact!.images[0]!.imageId });
    await page.getByLabel('Cloud').selectOption('aws');
    await expect(page).toHaveURL(/cloud=aws/);
    await expect(rowOf('aws')).toBeVisible();
    await expect(rowOf('ucloud')).toHaveCount(0);
    await expect(table.getByTestId('produced-image-id').first()).toBeVisible();
    for (const row of await table.getByRole('row').filter({ has: page.getByTestId('produced-image-id') }).all()) await expect(row).toContainText('AWS');
    await page.getByLabel('Cloud').selectOption('');
    await expect(rowOf('aws')).toBeVisible();
    await expect(rowOf('ucloud')).toBeVisible();
    await screenshots(page, 'catalog-produced-images');

    // An image's detail: lineage, then the link to its base image and back again.
    const aws = runs.find((r) => r.cloud === 'aws')!;
    const ami = aws.artifact!.images[0]!.imageId;
    await table.getByRole('link', { name: ami }).click();
    await expect(page).toHaveURL(new RegExp(`/catalog/images/aws/us-east-1/${ami}$`));
    await expect(page.getByTestId('detail-image-id')).toHaveText(ami);
    const lineage = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Lineage' }) });
    await expect(lineage).toContainText('aws-us-east-1');
    await expect(lineage.getByRole('link', { name: buildId })).toHaveAttribute('href', `/builds/${buildId}`);
    await expect(lineage.getByRole('link', { name: 'rome-access', exact: true })).toHaveAttribute('href', `/templates/${template.id}`);
    await screenshots(page, 'catalog-image-detail');

    // The base image's facts need the inventory's first sync, which the console queued at start.
    await lineage.getByRole('link', { name: 'ami-0c7217cdde317cfec' }).click();
    await expect(page).toHaveURL(/\/catalog\/images\/aws\/us-east-1\/ami-0c7217cdde317cfec$/);
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole('heading', { name: 'Base image facts' })).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 60_000 });
    const facts = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Base image facts' }) });
    await expect(facts).toContainText('ENA');
    await expect(facts).toContainText('CPU platforms');
    const builtFrom = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Images built from it' }) });
    await expect(builtFrom.getByRole('link', { name: ami })).toHaveAttribute('href', `/catalog/images/aws/us-east-1/${ami}`);
    await screenshots(page, 'catalog-base-image-detail');
  });

  test('the matrix shows the version per region and the dashboard the latest image of the role', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    // Other specs built templates of their own: choose rome-access (the URL carries the choice).
    await page.goto(`/catalog?view=matrix&template=${templateId}`);
    await expect(page.getByTestId('matrix-drift')).toContainText('Every region has the latest built version');
    for (const run of runs) await expect(page.getByRole('link', { name: run.artifact!.images[0]!.imageId })).toBeVisible();
    await screenshots(page, 'catalog-matrix');

    await page.goto('/');
    const latest = page.getByRole('table', { name: 'Latest image per role and region' });
    for (const run of runs) {
      // Other specs build other roles in the same regions: pick the access role's row of the region.
      const row = latest
        .getByRole('row')
        .filter({ hasText: run.region })
        .filter({ has: page.getByText('access', { exact: true }) });
      await expect(row.getByTestId('latest-image-id')).toHaveText(run.artifact!.images[0]!.imageId);
    }
    await expect(page.getByText('No builds running.')).toBeVisible();
    await screenshots(page, 'dashboard');
  });
});
