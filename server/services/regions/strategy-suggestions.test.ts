import { describe, expect, it } from 'vitest';
import { regionKey, regionProblems, suggestStrategies, type RegionFacts } from './strategy-suggestions';

const intel = { N: ['Intel/Auto', 'Amd/Epyc2'] };
const zone = (id: string, disks = ['cloud_ssd', 'local_normal'], cpuPlatforms: Record<string, string[]> = intel) => ({ zone: id, bootDiskTypes: disks, hostTypes: ['N'], cpuPlatforms });
const u = (region: string, zones = [zone(`${region}-01`)]): RegionFacts => ({ cloud: 'ucloud', region, name: region, zones });
const a = (region: string, withEna: number, withoutEna: number): RegionFacts => ({ cloud: 'aws', region, name: region, zones: [{ zone: `${region}a`, bootDiskTypes: ['gp3'], hostTypes: ['t3.small'] }], images: { withEna, withoutEna } });

describe('region problems', () => {
  it('sees no cloud_ssd in any zone, AMD-only hosts and AMIs without ENA', () => {
    expect(regionProblems(u('cn-gd', [zone('cn-gd-02', ['local_normal', 'local_ssd'])]))).toEqual(['NO_SSD_BOOT_DISK']);
    expect(regionProblems(u('hk', [zone('hk-02', undefined, { N: ['Amd/Epyc2'] })]))).toEqual(['AMD_ONLY_HOSTS']);
    expect(regionProblems(a('sa-east-1', 0, 12))).toEqual(['NO_ENA_IMAGES']);
    expect(regionProblems(u('cn-bj2'))).toEqual([]);
    expect(regionProblems(a('us-east-1', 10, 2))).toEqual([]);
  });

  it('needs every zone to lack a capability, and unknown facts are no problem', () => {
    expect(regionProblems(u('x', [zone('x-01', ['local_normal']), zone('x-02')]))).toEqual([]);
    expect(regionProblems(u('y', [zone('y-01', undefined, {})]))).toEqual([]);
    expect(regionProblems(u('z', []))).toEqual([]);
    expect(regionProblems({ ...a('w', 0, 0), images: undefined })).toEqual([]);
  });
});

describe('suggestions', () => {
  const regions = [
    u('cn-bj2'),
    u('cn-sh2'),
    u('cn-gd', [zone('cn-gd-02', ['local_normal'])]),
    u('hk', [zone('hk-02', undefined, { N: ['Amd/Epyc2'] })]),
    u('sg'),
    u('th-bkk', [zone('th-bkk-02', ['local_normal'])]),
    a('us-east-1', 5, 0),
    a('sa-east-1', 0, 5),
  ];

  it('copies from the nearest region of the same cloud that has no problem itself', () => {
    const s = suggestStrategies(regions);
    expect(s.get(regionKey('ucloud', 'hk'))).toEqual({ problems: ['AMD_ONLY_HOSTS'], sourceRegion: 'cn-sh2' }); // cn-gd is nearer but has its own problem
    expect(s.get(regionKey('ucloud', 'th-bkk'))?.sourceRegion).toBe('sg');
    expect(s.get(regionKey('ucloud', 'cn-gd'))?.sourceRegion).toMatch(/^cn-/);
    expect(s.get(regionKey('aws', 'sa-east-1'))).toEqual({ problems: ['NO_ENA_IMAGES'], sourceRegion: 'us-east-1' });
    expect(s.has(regionKey('ucloud', 'cn-bj2'))).toBe(false);
  });

  it('never suggests a source that copies itself (no chains)', () => {
    const current = new Map([[regionKey('ucloud', 'cn-sh2'), { mode: 'copy' as const, sourceRegion: 'cn-bj2' }]]);
    expect(suggestStrategies(regions, current).get(regionKey('ucloud', 'hk'))?.sourceRegion).toBe('cn-bj2');
  });

  it('has no source when no region of the cloud can stand in', () => {
    expect(suggestStrategies([a('sa-east-1', 0, 3), a('ap-east-1', 0, 1)]).get(regionKey('aws', 'sa-east-1'))).toEqual({ problems: ['NO_ENA_IMAGES'], sourceRegion: null });
  });
});
