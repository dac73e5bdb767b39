import { describe, expect, it } from 'vitest';
import { RUN_ID_TAG } from '@/server/clouds/provider';
import { businessGroup, tagsFromGroup, toHostInfo, ucloudLabel, zoneCapabilities } from './mappers';

describe('zoneCapabilities', () => {
  it('unions the boot disk types of the machine types on sale, in the template vocabulary', () => {
    const caps = zoneCapabilities(
      ['cn-x-01', 'cn-x-02'],
      [
        {
          Zone: 'cn-x-01',
          Name: 'N',
          Status: 'Normal',
          CpuPlatforms: { Intel: ['Intel/Cascadelake'], Amd: ['Amd/Epyc2'] },
          Disks: [
            { Name: 'cloudDisk', BootDisk: [{ Name: 'CLOUD_SSD' }, { Name: 'CLOUD_NORMAL' }] },
            { Name: 'normalLocalDisk', BootDisk: [{ Name: 'LOCAL_NORMAL' }] },
          ],
        },
        { Zone: 'cn-x-01', Name: 'O', Status: 'Soldout', Disks: [{ Name: 'cloudDisk', BootDisk: [{ Name: 'CLOUD_RSSD' }] }] },
        { Zone: 'cn-x-02', Name: 'O', Status: 'Normal', Disks: [{ Name: 'cloudDisk', BootDisk: [{ Name: 'CLOUD_RSSD' }] }] },
      ],
    );
    expect(caps).toEqual([
      { zone: 'cn-x-01', bootDiskTypes: ['cloud_ssd', 'local_normal'], hostTypes: ['N'], cpuPlatforms: { N: ['Intel/Cascadelake', 'Amd/Epyc2'] } },
      { zone: 'cn-x-02', bootDiskTypes: ['cloud_rssd'], hostTypes: ['O'], cpuPlatforms: { O: [] } },
    ]);
  });
});

describe('labels', () => {
  it('fits names into UCloud labels and the run id into the business group', () => {
    expect(ucloudLabel('rome build: web/1')).toBe('rome-build-web-1');
    expect(ucloudLabel('x'.repeat(80))).toHaveLength(63);
    expect(businessGroup({ [RUN_ID_TAG]: '0b6f3c9e-6a51-4e0a-9d39-1f1b8f6a0c11' })).toBe('0b6f3c9e-6a51-4e0a-9d39-1f1b8f6a0c11');
    expect(businessGroup({ other: 'x' })).toBe('Default');
    expect(tagsFromGroup('Default')).toEqual({});
  });
});

describe('toHostInfo', () => {
  it('takes the public IP from the IPSet entry that is not Private', () => {
    const host = toHostInfo('cn-bj2', {
      UHostId: 'uhost-1',
      Zone: 'cn-bj2-02',
      State: 'Install Fail',
      MachineType: 'N',
      CPU: 2,
      Memory: 4096,
      BootDiskState: 'Initializing',
      Tag: 'run-1',
      IPSet: [
        { Type: 'Private', IP: '10.0.0.5' },
        { Type: 'Bgp', IP: '106.75.1.2' },
      ],
    });
    expect(host).toMatchObject({ state: 'failed', publicIp: '106.75.1.2', privateIp: '10.0.0.5', hostType: 'n-basic-2', bootDiskReady: false, tags: { [RUN_ID_TAG]: 'run-1' } });
  });
});
