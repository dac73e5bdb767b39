import { describe, expect, it } from 'vitest';
import { artifactId, artifactString } from './artifact';

describe('artifact', () => {
  it('ucloud ids are project:region:image, sorted and comma-joined', () => {
    const images = [{ region: 'cn-sh2', imageId: 'uimage-b', projectId: 'org-1' }, { region: 'cn-bj2', imageId: 'uimage-a', projectId: 'org-1' }];
    expect(artifactId('ucloud-uhost', images)).toBe('org-1:cn-bj2:uimage-a,org-1:cn-sh2:uimage-b');
    expect(artifactString('ucloud-uhost', images)).toBe('UCloud images were created:\n\norg-1: cn-bj2: uimage-a\norg-1: cn-sh2: uimage-b');
  });
  it('aws ids are region:ami, sorted and comma-joined', () => {
    const images = [{ region: 'us-west-2', imageId: 'ami-2' }, { region: 'us-east-1', imageId: 'ami-1' }];
    expect(artifactId('amazon-ebs', images)).toBe('us-east-1:ami-1,us-west-2:ami-2');
    expect(artifactString('amazon-ebs', images)).toBe('AMIs were created:\nus-east-1: ami-1\nus-west-2: ami-2\n');
  });
});
