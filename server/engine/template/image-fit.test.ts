import { describe, expect, it } from 'vitest';
import type { CloudKind } from '@/server/clouds/provider';
import { checkTemplate } from './check-template';
import { imageFitForHost } from './image-fit';
import { AWS_REGIONS, inventory, UCLOUD_REGIONS } from './__fixtures__/regions';

const hk = UCLOUD_REGIONS.find((r) => r.id === 'hk');
const bj = UCLOUD_REGIONS.find((r) => r.id === 'cn-bj2');
const sa = AWS_REGIONS.find((r) => r.id === 'sa-east-1');
const INTEL = ['Intel/Auto', 'Intel/Cascadelake', 'Intel/IceLake'];

describe('imageFitForHost', () => {
  it('UCloud: an Intel-only image does not boot on hk N hosts (AMD), and says which platforms', () => {
    expect(imageFitForHost('ucloud', hk, { zone: 'hk-02', instanceType: 'n-basic-2' }, { cpuPlatforms: INTEL })).toEqual({
      ok: false, reason: 'cpu-platform', imagePlatforms: INTEL, hostPlatforms: ['Amd/Epyc2'],
    });
    // Unknown zone or host type: every zone and machine type of the region counts; none runs Intel.
    expect(imageFitForHost('ucloud', hk, {}, { cpuPlatforms: INTEL }).ok).toBe(false);
    expect(imageFitForHost('ucloud', hk, { zone: 'hk-02', instanceType: 'n-basic-2' }, { cpuPlatforms: [] }).ok).toBe(true);
    expect(imageFitForHost('ucloud', bj, { zone: 'cn-bj2-02', instanceType: 'n-basic-2' }, { cpuPlatforms: INTEL }).ok).toBe(true);
    // A region the inventory does not know refuses nothing.
    expect(imageFitForHost('ucloud', undefined, {}, { cpuPlatforms: INTEL }).ok).toBe(true);
  });

  it('EC2: a Nitro type needs ENA; a Xen type or an unknown type does not refuse', () => {
    expect(imageFitForHost('aws', sa, { instanceType: 't3.small' }, { enaSupport: false })).toEqual({ ok: false, reason: 'ena', instanceType: 't3.small' });
    expect(imageFitForHost('aws', sa, { instanceType: 't2.small' }, { enaSupport: false }).ok).toBe(true);
    expect(imageFitForHost('aws', sa, {}, { enaSupport: false }).ok).toBe(true);
    expect(imageFitForHost('aws', sa, { instanceType: 't3.small' }, { enaSupport: true }).ok).toBe(true);
  });

  // The picker marks exactly what the check refuses with IMAGE_HOST_TYPE_MISMATCH.
  it.each([
    ['ucloud', 'hk', 'hk-02', 'n-basic-2', 'uimage-centos7'],
    ['ucloud', 'hk', 'hk-03', 'o-basic-4', 'uimage-centos7'],
    ['ucloud', 'hk', 'hk-02', 'n-basic-2', 'uimage-ubuntu22'],
    ['ucloud', 'cn-bj2', 'cn-bj2-02', 'n-basic-2', 'uimage-vmy3ld'],
    ['aws', 'sa-east-1', '', 't3.small', 'ami-0sa0noena0000000'],
    ['aws', 'sa-east-1', '', 't2.small', 'ami-0sa0noena0000000'],
    ['aws', 'us-east-1', '', 't3.small', 'ami-0c7217cdde317cfec'],
  ] as const)('agrees with the check: %s %s %s %s %s', (cloud, region, zone, instanceType, imageId) => {
    const builder = cloud === 'ucloud'
      ? { type: 'ucloud-uhost', name: 'b', project_id: 'org-x', region, availability_zone: zone, instance_type: instanceType, boot_disk_type: instanceType.startsWith('o') ? 'cloud_rssd' : 'cloud_ssd', source_image_id: imageId, image_name: 'x-{{timestamp}}' }
      : { type: 'amazon-ebs', name: 'b', region, instance_type: instanceType, source_ami: imageId, ssh_username: 'u', ami_name: 'x-{{timestamp}}' };
    const result = checkTemplate(JSON.stringify({ builders: [builder] }), { ...inventory });
    const refused = result.issues.some((i) => i.code === 'IMAGE_HOST_TYPE_MISMATCH');
    const regionInfo = inventory.capabilities?.(cloud as CloudKind, region);
    const facts = inventory.imageInfo?.(cloud as CloudKind, region, imageId) ?? {};
    expect(imageFitForHost(cloud, regionInfo, { zone: zone || null, instanceType }, facts).ok).toBe(!refused);
  });
});
