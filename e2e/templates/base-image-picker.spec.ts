import type { Locator, Page } from '@playwright/test';
import { admin, expect, screenshots, setEditorText, signIn, test, trpcMutation } from '../fixtures';

// The base image picker on the seeded access template: an hk UCloud builder is added without a
// base image, "Pick from catalog" lists hk's images with the Intel-only ones disabled (hk's hosts
// are AMD), the chosen id lands in the builder as one undoable edit, the live check is clean and
// the version saves. Hovering an image id shows its catalog facts; the template list shows where
// each template builds and when a newer base image of its line exists.

type Json = { builders: Record<string, unknown>[] } & Record<string, unknown>;

/** The whole document (CodeMirror renders only the lines in view). */
async function editorText(page: Page) {
  return page.getByRole('textbox', { name: /Template body/ }).evaluate((el) => {
    const view = (el as HTMLElement & { cmTile?: { root?: { view?: { state: { doc: { toString(): string } } } } } }).cmTile?.root?.view;
    if (!view) throw new Error('no CodeMirror view on the editor');
    return view.state.doc.toString();
  });
}

/** Puts the editor's cursor inside the first occurrence of `text` (a click may land elsewhere while CodeMirror scrolls). */
async function placeCursor(page: Page, text: string) {
  await page.getByRole('textbox', { name: /Template body/ }).evaluate((el, text) => {
    type View = { state: { doc: { toString(): string } }; dispatch(tr: unknown): void; focus(): void };
    const view = (el as HTMLElement & { cmTile?: { root?: { view?: View } } }).cmTile?.root?.view;
    if (!view) throw new Error('no CodeMirror view on the editor');
    const at = view.state.doc.toString().indexOf(text);
    if (at < 0) throw new Error(`no ${text} in the editor`);
    view.dispatch({ selection: { anchor: at + 1 }, scrollIntoView: true });
    view.focus();
  }, text);
}

/**
 * Rests the mouse on an element until its hover tooltip shows, the way a person does: CodeMirror
 * decides once the pointer settles, so a pointer that landed while the editor was still scrolling
 * or laying out is moved away and back.
 */
async function hoverOn(page: Page, target: Locator) {
  const tooltip = page.getByTestId('image-facts');
  await expect(async () => {
    await page.mouse.move(0, 0);
    await target.scrollIntoViewIfNeeded();
    const box = await target.boundingBox();
    if (!box) throw new Error('nothing to hover');
    await page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    await expect(tooltip).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
}

/** A tRPC query from inside the signed-in page. */
async function trpcQuery<T>(page: Page, path: string, input: unknown): Promise<T> {
  return page.evaluate(
    async ({ path, input }) => {
      const res = await fetch(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
      const body = await res.json();
      if (!res.ok) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(body)}`);
      return body.result.data.json;
    },
    { path, input },
  ) as Promise<T>;
}

function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test.describe.serial('templates: base images from the catalog', () => {
  let olderHkImage = '';
  let pickedImage = '';

  test('pick a base image for an hk builder: Intel-only images disabled, the id inserted, the check clean, saved', async ({ page }) => {
    test.setTimeout(240_000);
    const errors = consoleErrors(page);
    const { email, password } = admin();
    await signIn(page, email, password);
    // The first start queued a sync of every region; hk must be listed before it can be picked from.
    await expect
      .poll(async () => (await trpcQuery<{ region: { synced: boolean } }>(page, 'catalog.imageChoices', { cloud: 'ucloud', region: 'hk' })).region.synced, { timeout: 180_000, intervals: [1_000] })
      .toBe(true);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('table', { name: 'Templates' }).getByRole('link', { name: 'rome-access' }).click();
    const header = page.getByText(/Editing from version \d+/);
    await expect(header).toBeVisible();
    const version = Number(/(\d+)/.exec((await header.textContent()) ?? '')?.[1]);

    // A third builder in hk, copied from the UCloud one, without a base image yet.
    const doc = JSON.parse(await editorText(page)) as Json;
    const { source_image_id: _dropped, ...ucloud } = doc.builders[0]!;
    doc.builders.push({ ...ucloud, name: 'ucloud-hk', region: 'hk', availability_zone: 'hk-02' });
    await setEditorText(page, JSON.stringify(doc, null, 2));
    await expect(page.getByText(/unsaved · [1-9]\d* problems?/)).toBeVisible();

    const toolbar = page.getByRole('toolbar', { name: 'Base images' });
    await toolbar.getByRole('button', { name: 'Pick base image for ucloud-hk' }).click();
    const dialog = page.getByRole('dialog', { name: 'Pick from catalog · ucloud-hk' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByText('ucloud-hk builds in hk, zone hk-02, on n-basic-2.')).toBeVisible();
    await expect(dialog.getByLabel('Region')).toHaveValue('hk');
    const list = dialog.getByRole('listbox', { name: 'Base images of hk' });
    await expect(list).toBeFocused();

    // CentOS builds boot on Intel only; hk's hosts are AMD: every one is disabled with the reason.
    await dialog.getByLabel('OS', { exact: true }).selectOption('CentOS');
    const centos = list.getByRole('option');
    await expect(centos.first()).toContainText('CentOS 7.9');
    const count = await centos.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      await expect(centos.nth(i)).toHaveAttribute('aria-disabled', 'true');
      await expect(centos.nth(i)).toContainText('Cannot boot here: the hosts run Amd/Epyc2');
    }
    await screenshots(page, 'base-image-picker-disabled');

    await dialog.getByLabel('OS', { exact: true }).selectOption('Ubuntu');
    await dialog.getByLabel('Version').selectOption('22.04');
    const ubuntu = list.getByRole('option');
    await expect(ubuntu.first()).toContainText('Ubuntu 22.04');
    await expect(ubuntu.first()).toHaveAttribute('aria-disabled', 'false');
    await expect(ubuntu.first()).toHaveAttribute('aria-selected', 'true');
    pickedImage = (await ubuntu.first().getByText(/^uimage-/).textContent()) ?? '';
    olderHkImage = (await ubuntu.nth(1).getByText(/^uimage-/).textContent()) ?? '';
    expect(pickedImage).toMatch(/^uimage-[a-z0-9]+$/);
    expect(olderHkImage).toMatch(/^uimage-[a-z0-9]+$/);
    await screenshots(page, 'base-image-picker');

    // Keyboard: down and back up, Enter chooses the newest usable image.
    await list.focus();
    await page.keyboard.press('ArrowDown');
    await expect(ubuntu.nth(1)).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    const editor = page.getByRole('textbox', { name: /Template body/ });
    await expect(editor).toBeFocused();
    const picked = JSON.parse(await editorText(page)) as Json;
    expect(picked.builders.map((b) => b['source_image_id'] ?? b['source_ami'])).toEqual(['uimage-vmy3ld', 'ami-0c7217cdde317cfec', pickedImage]);

    // One undoable edit.
    await page.keyboard.press('ControlOrMeta+z');
    await expect.poll(async () => (JSON.parse(await editorText(page)) as Json).builders[2]?.['source_image_id']).toBeUndefined();
    await page.keyboard.press('Control+y');
    await expect.poll(async () => (JSON.parse(await editorText(page)) as Json).builders[2]?.['source_image_id']).toBe(pickedImage);

    // The live check ran on the pick: no CPU platform problem, nothing at all.
    await expect(page.getByText('unsaved · no problems')).toBeVisible();

    // Alt+Enter inside a builder opens the picker for it; Esc closes and the editor keeps focus.
    await placeCursor(page, '"hk-02"');
    await page.keyboard.press('Alt+Enter');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('option').filter({ hasText: pickedImage })).toContainText('current');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(editor).toBeFocused();

    await page.getByLabel('Commit message').fill('Build in hk from the catalog');
    await page.getByRole('button', { name: `Save as version ${version + 1}` }).click();
    await expect(page.getByText(`Saved as version ${version + 1}.`)).toBeVisible();
    await page.reload();
    await expect(page.getByText(`Editing from version ${version + 1}`)).toBeVisible();
    await expect(page.getByText('valid', { exact: true }).first()).toBeVisible();
    expect((JSON.parse(await editorText(page)) as Json).builders[2]?.['source_image_id']).toBe(pickedImage);
    expect(errors).toEqual([]);
  });

  test('hovering an image id shows its catalog facts, or says it is not in the catalog', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
    await page.getByRole('table', { name: 'Templates' }).getByRole('link', { name: 'rome-access' }).click();
    await expect(page.getByText(/Editing from version \d+/)).toBeVisible();

    const facts = page.getByTestId('image-facts');
    await placeCursor(page, `"${pickedImage}"`);
    await hoverOn(page, page.locator('.cm-content').getByText(`"${pickedImage}"`));
    await expect(facts).toContainText('Ubuntu 22.04 64位');
    await expect(facts).toContainText(pickedImage);
    await expect(facts).toContainText('Regionshk');
    await expect(facts).toContainText('CPU platformany');
    await expect(facts).toContainText('Size40 GB');
    await expect(facts).toContainText('Statusavailable');
    await screenshots(page, 'base-image-hover');

    await page.mouse.move(0, 0);
    await expect(facts).toBeHidden();
    await placeCursor(page, '"ami-0c7217cdde317cfec"');
    await hoverOn(page, page.locator('.cm-content').getByText('"ami-0c7217cdde317cfec"'));
    await expect(facts).toContainText('Regionsus-east-1');
    await expect(facts).toContainText('ENAyes');

    // An id the catalog never saw.
    await page.mouse.move(0, 0);
    await setEditorText(page, (await editorText(page)).replace('"uimage-vmy3ld"', '"uimage-xxxxxx"'));
    await placeCursor(page, '"uimage-xxxxxx"');
    await hoverOn(page, page.locator('.cm-content').getByText('"uimage-xxxxxx"'));
    await expect(facts).toContainText('Not in the synced catalog.');
  });

  test('the template list shows clouds and regions, and a newer base image with its name', async ({ page }) => {
    const { email, password } = admin();
    await signIn(page, email, password);
    // A template built from an older Ubuntu 22.04 build of hk.
    await page.goto('/templates');
    const seed = await trpcQuery<{ latest: { body: string } }>(page, 'template.byId', {
      templateId: await page.getByRole('table', { name: 'Templates' }).getByRole('link', { name: 'rome-access' }).getAttribute('href').then((h) => h!.split('/').pop()),
    });
    const doc = JSON.parse(seed.latest.body) as Json;
    doc.builders = [{ ...doc.builders[2]!, source_image_id: olderHkImage }];
    await trpcMutation(page, 'template.create', { name: 'rome-old-base', role: 'access', description: 'Built from an older hk image', body: JSON.stringify(doc, null, 2), message: 'older base', asDraft: false,
      // The provisioners' files, declared rather than uploaded: this test is about the base image.
      inputs: [
        { name: 'release', pattern: 'release/rome-access-*-linux-amd64.tar.gz', description: '' },
        { name: 'config', pattern: 'config/*.toml', description: '' },
      ],
    });

    await page.reload();
    const table = page.getByRole('table', { name: 'Templates' });
    const access = table.getByRole('row').filter({ hasText: 'rome-access' });
    const places = access.getByRole('list', { name: 'Clouds and regions' });
    await expect(places.getByRole('listitem')).toHaveText(['UCloudcn-bj2', 'AWSus-east-1', 'UCloudhk']);
    await expect(access.getByText('newer base image available')).toHaveCount(0);

    const old = table.getByRole('row').filter({ hasText: 'rome-old-base' });
    await expect(old.getByRole('list', { name: 'Clouds and regions' }).getByRole('listitem')).toHaveText(['UCloudhk']);
    const badge = old.getByText('newer base image available').filter({ visible: true });
    await expect(badge).toBeVisible();
    await badge.hover();
    const tip = page.getByRole('tooltip');
    await expect(tip).toBeVisible();
    await expect(tip).toContainText(`ucloud-hk in hk: Ubuntu 22.04 64位 (${pickedImage}) is newer than`);
    await expect(tip).toContainText(olderHkImage);
    await screenshots(page, 'template-list-places');
  });
});
