import { describe, expect, it } from 'vitest';
import { applyFixEdits } from './apply-fix';

describe('applyFixEdits', () => {
  const text = '{\n  "builders": [\n    {\n      "type": "ucloud-uhost",\n      "region": "cn-gd", "boot_disk_type": "cloud_ssd"\n    }\n  ]\n}';

  it('replaces a value in place and keeps the rest of the text', () => {
    const out = applyFixEdits(text, [{ path: ['builders', 0, 'boot_disk_type'], value: 'local_ssd' }]);
    expect(out).toBe(text.replace('"cloud_ssd"', '"local_ssd"'));
  });

  it('adds a missing option and a list', () => {
    const out = JSON.parse(applyFixEdits(text, [
      { path: ['builders', 0, 'region'], value: 'cn-bj2' },
      { path: ['builders', 0, 'image_copy_to_mappings'], value: [{ project_id: 'org-1', region: 'cn-gd' }] },
    ])) as { builders: Record<string, unknown>[] };
    expect(out.builders[0]).toMatchObject({ region: 'cn-bj2', image_copy_to_mappings: [{ project_id: 'org-1', region: 'cn-gd' }] });
  });
});
