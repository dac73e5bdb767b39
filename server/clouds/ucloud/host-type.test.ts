import { describe, expect, it } from 'vitest';
import { parseHostType } from './host-type';

describe('parseHostType', () => {
  it.each([
    ['n-basic-2', { MachineType: 'N', CPU: 2, Memory: 4096 }],
    ['n-highcpu-1', { MachineType: 'N', CPU: 1, Memory: 1024 }],
    ['o-standard-4', { MachineType: 'O', CPU: 4, Memory: 16384 }],
    ['c-highmem-8', { MachineType: 'C', CPU: 8, Memory: 65536 }],
    ['n-customized-2-6', { MachineType: 'N', CPU: 2, Memory: 6144 }],
    ['N', { MachineType: 'N', CPU: 2, Memory: 4096 }],
    ['om', { MachineType: 'OM', CPU: 2, Memory: 4096 }],
  ])('%s', (input, expected) => {
    expect(parseHostType(input)).toEqual(expected);
  });

  it.each(['n-invalid-1', 'n-basic', 't3.small', ''])('rejects %j', (input) => {
    expect(() => parseHostType(input)).toThrow(RangeError);
  });
});
