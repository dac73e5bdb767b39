import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { admin, expect, SCREENSHOTS, screenshots, signIn, test } from '../fixtures';

// The Builds pages on the embedded sandbox: builds are started through the tRPC API from the
// signed-in page (the build dialog is another part of the console), then watched in the pages.

const RELEASE = 'release/rome-access-2.3.1-linux-amd64.tar.gz';
const RELEASE_FILE = path.resolve(import.meta.dirname, '../../db/seed-templates/rome-access/inputs', RELEASE);

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** A tRPC call from inside the page (its cookie and origin); queries go as POST (method override). */
async function trpc<T>(page: Page, procedure: string, input?: unknown): Promise<T> {
  return page.evaluate(
    async ({ procedure, input }) => {
      const res = await fetch(`/api/trpc/${procedure}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ json: input }) });
      const body = await res.json();
      if (!res.ok) throw new Error(`${procedure} answered ${res.status}: ${JSON.stringify(body)}`);
      return body.result.data.json;
    },
    { procedure, input },
  ) as Promise<T>;
}

/** The seeded builders' own regions: their runs keep the template's builder names. */
const HOMES = [{ cloud: 'ucloud', region: 'cn-bj2' }, { cloud: 'aws', region: 'us-east-1' }];

interface Account { id: string; cloud: 'ucloud' | 'aws'; sandbox: boolean }
interface Started { buildId: string; runs: { runId: string; builderName: string; cloud: string; region: string }[] }

async function sandboxAccounts(page: Page) {
  const accounts = await trpc<Account[]>(page, 'cloudAccount.list');
  const pick = (cloud: Account['cloud']) => accounts.find((a) => a.sandbox && a.cloud === cloud)!.id;
  return { ucloud: pick('ucloud'), aws: pick('aws') };
}

/** Starts a build, retrying while the first-start inventory sync has not yet made the version buildable. */
async function startBuild(page: Page, input: Record<string, unknown>): Promise<Started> {
  let started: Started | undefined;
  await expect(async () => {
    started = await trpc<Started>(page, 'build.start', input);
  }).toPass({ timeout: 120_000, intervals: [1_000, 2_000, 5_000] });
  return started!;
}

async function accessTemplate(page: Page) {
  const templates = await trpc<{ id: string; name: string; latestVersion: number }[]>(page, 'template.list');
  const t = templates.find((x) => x.name === 'rome-access')!;
  const release = await page.evaluate(async (content) => {
    const res = await fetch('/api/templates/attachments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content }) });
    return (await res.json()) as { sha256: string };
  }, readFileSync(RELEASE_FILE).toString('base64'));
  return { templateId: t.id, version: t.latestVersion, inputs: [{ path: RELEASE, sha256: release.sha256 }] };
}

const cell = (page: Page, region: string) => page.locator(`[data-testid="run-cell"][data-kind="run"][data-region="${region}"]`);
const logCount = async (page: Page) => Number((await page.getByTestId('log-count').textContent())!.replace(/[^0-9]/g, ''));

test.describe.serial('builds: list, live matrix, live log', () => {
  test('a build of rome-access on both clouds goes green live; its log streams and continues after a reload', async ({ page }) => {
    test.setTimeout(420_000);
    const errors = collectErrors(page);
    const { email, password } = admin();
    await signIn(page, email, password);
    const accounts = await sandboxAccounts(page);
    const template = await accessTemplate(page);
    const t0 = Date.now();
    const started = await startBuild(page, { ...template, accountIds: [accounts.ucloud, accounts.aws], targets: { regions: HOMES } });
    expect(started.runs.map((r) => r.region).sort()).toEqual(['cn-bj2', 'us-east-1']);

    await page.goto(`/builds/${started.buildId}`);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('rome-access');
    await expect(cell(page, 'cn-bj2')).toBeVisible();
    await expect(cell(page, 'us-east-1')).toBeVisible();
    // Live: the cells move from queued to running with a current step, without a reload.
    await expect(page.locator('[data-testid="run-cell"][data-status="running"]').first()).toBeVisible({ timeout: 60_000 });

    // Open the AWS run's log while it streams.
    await cell(page, 'us-east-1').click();
    await expect(page.getByTestId('run-panel')).toBeVisible();
    await expect.poll(() => logCount(page), { timeout: 60_000 }).toBeGreaterThan(0);
    const beforeReload = await logCount(page);
    await screenshots(page, 'build-in-flight');
    await page.getByTestId('run-panel').screenshot({ path: path.join(SCREENSHOTS, 'build-log-streaming-1440.png') });

    // A reload keeps the selected run (in the URL) and the log, which goes on to the end.
    await page.reload();
    await expect(page.getByTestId('run-panel')).toBeVisible();
    await expect.poll(() => logCount(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(beforeReload);

    await expect(cell(page, 'us-east-1')).toHaveAttribute('data-status', 'succeeded', { timeout: 300_000 });
    await expect(cell(page, 'cn-bj2')).toHaveAttribute('data-status', 'succeeded', { timeout: 300_000 });
    const elapsed = Date.now() - t0;
    console.log(`build ${started.buildId}: both runs succeeded ${Math.round(elapsed / 1000)} s after build.start`);
    await expect(page.getByTestId('build-status')).toContainText('succeeded');
    await expect(page.getByTestId('log-connection')).toHaveText('complete');
    await expect(page.getByText(`==> Build 'aws-us-east-1' finished.`)).toBeVisible();
    await expect(cell(page, 'us-east-1').getByTestId('cell-image')).toHaveText(/^ami-/);
    await expect(cell(page, 'cn-bj2').getByTestId('cell-image')).toHaveText(/^uimage-/);
    // The run's steps, its ledger (the image kept, the rest deleted) and its image with a copy button.
    await expect(page.getByRole('table', { name: 'Steps' })).toContainText('provision');
    await expect(page.getByRole('table', { name: 'Cloud resources' })).toContainText('kept (image)');
    await expect(page.getByRole('table', { name: 'Cloud resources' })).not.toContainText('not deleted');
    await expect(page.getByTestId('artifact-image').first()).toHaveText(/^ami-/);
    await expect(page.getByRole('button', { name: /Copy image ID ami-/ })).toBeVisible();

    // The list shows it, newest first, with its targets; the status filter finds it.
    await page.goto('/builds');
    const row = page.getByRole('row').filter({ hasText: started.buildId.slice(0, 8) });
    await expect(row).toContainText('rome-access');
    await expect(row).toContainText('succeeded');
    await expect(row).toContainText('us-east-1');
    await page.getByLabel('Status').selectOption('failed');
    await expect(page.getByText('No builds match these filters.')).toBeVisible();
    await page.getByLabel('Status').selectOption('succeeded');
    await expect(row).toBeVisible();
    await page.getByLabel('Status').selectOption('');
    await screenshots(page, 'builds-list');
    expect(errors).toEqual([]);
  });

  test('cancelling a run of a second build ends it "cancelled"', async ({ page }) => {
    test.setTimeout(240_000);
    const { email, password } = admin();
    await signIn(page, email, password);
    const accounts = await sandboxAccounts(page);
    const template = await accessTemplate(page);
    const started = await startBuild(page, { ...template, accountIds: [accounts.ucloud, accounts.aws], targets: { regions: HOMES } });
    const run = started.runs.find((r) => r.region === 'us-east-1')!;
    await page.goto(`/builds/${started.buildId}?run=${run.runId}`);
    await expect(page.getByTestId('run-panel')).toBeVisible();
    await expect(cell(page, 'us-east-1')).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('dialog', { name: 'Cancel the run aws-us-east-1?' }).getByRole('button', { name: 'Cancel it' }).click();
    await expect(cell(page, 'us-east-1')).toHaveAttribute('data-status', 'cancelled', { timeout: 120_000 });
    await expect(page.getByTestId('run-status')).toContainText('cancelled');
    await expect(page.getByTestId('log-connection')).toHaveText('complete');
    // The other run goes on to its end; the build then ends cancelled (no run failed).
    await expect(cell(page, 'cn-bj2')).toHaveAttribute('data-status', /succeeded|failed/, { timeout: 300_000 });
    await expect(page.getByTestId('build-status')).toContainText('cancelled');
  });

  test('a 100 000-line log stays a few dozen DOM rows and scrolls to its last line', async ({ page }) => {
    test.setTimeout(720_000);
    const { email, password } = admin();
    await signIn(page, email, password);
    const accounts = await sandboxAccounts(page);
    const seed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../db/seed-templates/rome-access/template.json'), 'utf8')) as { builders: Record<string, unknown>[] };
    const body = {
      builders: [{ ...seed.builders[0], public_key: 'x', private_key: 'x', project_id: 'org-sandbox', image_name: 'rome-chatty-{{timestamp}}', image_description: 'prints 100 000 lines' }],
      // printf over seq: the sandbox's shell runs it several times faster than a pipe through sed.
      provisioners: [{ type: 'shell', inline: ["printf 'line %s\\n' $(seq 1 100000)"] }],
    };
    const created = await trpc<{ id: string }>(page, 'template.create', { name: `chatty-${Date.now()}`, role: 'other', body: JSON.stringify(body, null, 2), message: 'prints 100 000 lines' });
    const t0 = Date.now();
    const started = await startBuild(page, { templateId: created.id, version: 1, accountIds: [accounts.ucloud], targets: { regions: [HOMES[0]] } });
    const run = started.runs[0]!;
    await page.goto(`/builds/${started.buildId}?run=${run.runId}`);
    await expect(page.getByTestId('run-panel')).toBeVisible();
    await expect.poll(() => logCount(page), { timeout: 600_000, intervals: [1_000] }).toBeGreaterThan(100_000);
    await expect(page.getByTestId('log-connection')).toHaveText('complete', { timeout: 300_000 });
    console.log(`100 000-line run: complete in the page ${Math.round((Date.now() - t0) / 1000)} s after build.start`);
    // Followed to the end: the run's last line is in view, and only the rows in view are in the DOM.
    const log = page.getByRole('region', { name: 'Log of ucloud-cn-bj2' });
    await expect(log.getByText(`==> Build 'ucloud-cn-bj2' finished.`)).toBeVisible();
    expect(await log.locator('[data-log-row]').count()).toBeLessThan(100);
    // Scrolling to the middle keeps it that way.
    await log.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await expect(log.getByText(/^line (49|50)\d{3}$/).first()).toBeVisible();
    expect(await log.locator('[data-log-row]').count()).toBeLessThan(100);
    // Search finds the provisioner's last line, far away, and brings it into view.
    await page.getByLabel('Search the log').fill('line 100000');
    await expect(page.getByTestId('log-matches')).toHaveText('1 / 1');
    await expect(log.getByText('line 100000', { exact: true })).toBeVisible();
    await page.getByLabel('Search the log').fill('line 7777');
    await expect(page.getByTestId('log-matches')).toHaveText('1 / 11');
    await page.getByRole('button', { name: 'Next match' }).click();
    await expect(page.getByTestId('log-matches')).toHaveText('2 / 11');
    await expect(log.getByText('line 77770', { exact: true })).toBeVisible();
    await screenshots(page, 'build-log-100k');
  });
});
