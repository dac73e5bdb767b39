import { describe, expect, it } from 'vitest';
import { flattenParams, formatValue, signParams, stringToSign } from './signature';

// The docs' sample keys (reference §1.4).
const PUBLIC_KEY = 'ucloudsomeone@example.com1296235120854146120';
const PRIVATE_KEY = '46f09bb9fab4f12dfc160dae12273d5332b5debe';

describe('signParams — reference §1.4 test vectors', () => {
  it('A: DescribeUHostInstance (docs)', () => {
    const params = { Action: 'DescribeUHostInstance', Region: 'cn-bj2', Limit: 10, PublicKey: PUBLIC_KEY };
    expect(stringToSign(params)).toBe(`ActionDescribeUHostInstanceLimit10PublicKey${PUBLIC_KEY}Regioncn-bj2`);
    expect(signParams(params, PRIVATE_KEY)).toBe('cba5cf5ec4d4233d206b1b54951e3787350a642f');
  });

  it('B: CreateUHostInstance with a base64 password (older docs)', () => {
    const params = {
      Action: 'CreateUHostInstance',
      Region: 'cn-bj2',
      Zone: 'cn-bj2-04',
      ImageId: 'f43736e1-65a5-4bea-ad2e-8a46e18883c2',
      CPU: 2,
      Memory: 2048,
      DiskSpace: 10,
      LoginMode: 'Password',
      Password: 'VUNsb3VkLmNu',
      Name: 'Host01',
      ChargeType: 'Month',
      Quantity: 1,
      PublicKey: PUBLIC_KEY,
    };
    const s = stringToSign(params);
    expect(s.startsWith('ActionCreateUHostInstanceCPU2ChargeTypeMonthDiskSpace10ImageIdf437')).toBe(true);
    expect(s.endsWith('Zonecn-bj2-04')).toBe(true);
    expect(signParams(params, PRIVATE_KEY)).toBe('4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65');
  });

  it('C: nested CreateUHostInstance (Packer-shaped)', () => {
    const params = {
      Action: 'CreateUHostInstance',
      PublicKey: PUBLIC_KEY,
      Region: 'cn-bj2',
      ProjectId: 'org-example',
      Zone: 'cn-bj2-02',
      ImageId: 'uimage-f1chxn',
      CPU: 2,
      Memory: 4096,
      MachineType: 'N',
      MinimalCpuPlatform: 'Intel/Auto',
      Name: 'packer-1a2b3c4d',
      LoginMode: 'Password',
      Password: 'cGFja2VyLVBhc3Mx', // base64 of packer-Pass1
      ChargeType: 'Dynamic',
      Disks: [{ IsBoot: true, Size: 20, Type: 'CLOUD_SSD' }],
      NetworkInterface: [{ EIP: { Bandwidth: 10, OperatorName: 'Bgp', PayMode: 'Traffic' } }],
    };
    const expectedLines = [
      'Action=CreateUHostInstance',
      'CPU=2',
      'ChargeType=Dynamic',
      'Disks.0.IsBoot=true',
      'Disks.0.Size=20',
      'Disks.0.Type=CLOUD_SSD',
      'ImageId=uimage-f1chxn',
      'LoginMode=Password',
      'MachineType=N',
      'Memory=4096',
      'MinimalCpuPlatform=Intel/Auto',
      'Name=packer-1a2b3c4d',
      'NetworkInterface.0.EIP.Bandwidth=10',
      'NetworkInterface.0.EIP.OperatorName=Bgp',
      'NetworkInterface.0.EIP.PayMode=Traffic',
      'Password=cGFja2VyLVBhc3Mx',
      'ProjectId=org-example',
      `PublicKey=${PUBLIC_KEY}`,
      'Region=cn-bj2',
      'Zone=cn-bj2-02',
    ];
    expect(stringToSign(params)).toBe(expectedLines.map((l) => l.replace('=', '')).join(''));
    expect(signParams(params, PRIVATE_KEY)).toBe('1afaa55b3f3a2989eb72316da725dc607f4db09a');
    // Signing the already-flattened set gives the same answer (the client signs what it sends).
    expect(signParams(flattenParams(params), PRIVATE_KEY)).toBe('1afaa55b3f3a2989eb72316da725dc607f4db09a');
  });

  it('D: DescribeImage with paging', () => {
    const params = {
      Action: 'DescribeImage',
      Region: 'cn-bj2',
      ProjectId: 'org-example',
      ImageType: 'Base',
      OsType: 'Linux',
      Limit: 20,
      Offset: 0,
      PublicKey: PUBLIC_KEY,
    };
    expect(stringToSign(params)).toBe(
      `ActionDescribeImageImageTypeBaseLimit20Offset0OsTypeLinuxProjectIdorg-examplePublicKey${PUBLIC_KEY}Regioncn-bj2`,
    );
    expect(signParams(params, PRIVATE_KEY)).toBe('2d86a1a697c02cb6d2eb22f1e2fa2c743934ad9d');
  });

  it('E: TerminateUHostInstance with booleans', () => {
    const params = {
      Action: 'TerminateUHostInstance',
      Region: 'cn-bj2',
      ProjectId: 'org-example',
      UHostId: 'uhost-example',
      ReleaseEIP: true,
      ReleaseUDisk: true,
      PublicKey: PUBLIC_KEY,
    };
    expect(stringToSign(params)).toBe(
      `ActionTerminateUHostInstanceProjectIdorg-examplePublicKey${PUBLIC_KEY}Regioncn-bj2ReleaseEIPtrueReleaseUDisktrueUHostIduhost-example`,
    );
    expect(signParams(params, PRIVATE_KEY)).toBe('0a05b7ba0f468b4ea428eb7072722b1bda21fb23');
  });

  it('ignores a Signature parameter already present', () => {
    const params = { Action: 'DescribeUHostInstance', Region: 'cn-bj2', Limit: 10, PublicKey: PUBLIC_KEY };
    expect(signParams({ ...params, Signature: 'stale' }, PRIVATE_KEY)).toBe(signParams(params, PRIVATE_KEY));
  });
});

describe('flattenParams', () => {
  it('numbers arrays of scalars from zero', () => {
    expect(flattenParams({ SubnetIds: ['a', 'b'] })).toEqual({ 'SubnetIds.0': 'a', 'SubnetIds.1': 'b' });
  });

  it('dots into objects inside arrays, recursively', () => {
    expect(flattenParams({ NetworkInterface: [{ EIP: { Bandwidth: 10, PayMode: 'Traffic' } }], Features: { UNI: true } })).toEqual({
      'NetworkInterface.0.EIP.Bandwidth': 10,
      'NetworkInterface.0.EIP.PayMode': 'Traffic',
      'Features.UNI': true,
    });
  });

  it('omits undefined, null and empty strings, and keeps 0 and false', () => {
    expect(flattenParams({ A: undefined, B: null, C: '', D: 0, E: false, F: [], G: {} })).toEqual({ D: 0, E: false });
  });

  it('drops nullish array elements before numbering', () => {
    expect(flattenParams({ Ids: ['a', null, undefined, 'b'] })).toEqual({ 'Ids.0': 'a', 'Ids.1': 'b' });
  });

  it('is idempotent on flat input', () => {
    const flat = flattenParams({ Disks: [{ IsBoot: true, Size: 20 }] });
    expect(flattenParams(flat)).toEqual(flat);
  });

  it('rejects values that have no wire form', () => {
    expect(() => flattenParams({ N: Number.NaN })).toThrow(TypeError);
    expect(() => flattenParams({ N: Infinity })).toThrow(TypeError);
    expect(() => flattenParams({ F: () => 1 })).toThrow(TypeError);
  });
});

describe('formatValue and ordering', () => {
  it('writes booleans lowercase', () => {
    expect(formatValue(true)).toBe('true');
    expect(formatValue(false)).toBe('false');
  });

  it('writes numbers in plain decimal', () => {
    expect(formatValue(42.0)).toBe('42');
    expect(formatValue(-7)).toBe('-7');
    expect(formatValue(0.5)).toBe('0.5');
    expect(formatValue(1e21)).toBe('1000000000000000000000');
    expect(formatValue(1.5e-7)).toBe('0.00000015');
    expect(formatValue(-2.5e-8)).toBe('-0.000000025');
    expect(formatValue(1.25e22)).toBe('12500000000000000000000');
  });

  it('sorts keys by bytes: uppercase first, index digits lexically', () => {
    const s = stringToSign({ ChargeType: 'x', CPU: 1, 'Disks.2.Size': 2, 'Disks.10.Size': 10, apple: 'a' });
    expect(s).toBe('CPU1ChargeTypexDisks.10.Size10Disks.2.Size2applea');
  });

  it('does not URL-escape values', () => {
    expect(stringToSign({ Rule: ['TCP|22|0.0.0.0/0|ACCEPT|HIGH|ssh'], Name: 'a b&c' })).toBe('Namea b&cRule.0TCP|22|0.0.0.0/0|ACCEPT|HIGH|ssh');
  });
});
