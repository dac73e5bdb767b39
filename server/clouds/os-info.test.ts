import { describe, expect, it } from 'vitest';
import { parseOs } from './os-info';

describe('parseOs', () => {
  it.each([
    ['Ubuntu 22.04 64位', 'Ubuntu', '22.04'],
    ['CentOS 7.9 64位', 'CentOS', '7.9'],
    ['ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240207', 'Ubuntu', '22.04'],
    ['al2023-ami-2023.3.20240205.0-kernel-6.1-x86_64', 'Amazon Linux', '2023'],
    ['amzn2-ami-hvm-2.0.20240131.0-x86_64-gp2', 'Amazon Linux', '2'],
    ['debian-12-amd64-20240201-1644', 'Debian', '12'],
    ['something else', '', ''],
  ])('%s', (text, osFamily, osVersion) => {
    expect(parseOs(text)).toEqual({ osFamily, osVersion });
  });
});
