import { describe, expect, it } from 'vitest';
import type { BuildResult } from './build';
import { EventFormatter, escapeMachine, machineLine } from './events';

const at = 1_700_000_000_123;

describe('events formatting', () => {
  it('formats human lines like Packer, without colour', () => {
    const f = new EventFormatter('human');
    f.nameRun('r1', 'ucloud-cn-bj2');
    expect(f.format({ type: 'step-started', runId: 'r1', at, step: 'create-host', phase: 'run' })).toEqual(['==> ucloud-cn-bj2: Creating host…']);
    expect(f.format({ type: 'log', runId: 'r1', at, step: 'provision', phase: 'run', stream: 'stdout', text: 'hello' })).toEqual(['    ucloud-cn-bj2: hello']);
    expect(f.format({ type: 'run-finished', runId: 'r1', at, status: 'failed', error: { message: 'x', userMessage: 'boom' } })).toEqual(["==> ucloud-cn-bj2: Build 'ucloud-cn-bj2' errored: boom"]);
  });

  it('formats machine-readable records with comma escaping', () => {
    expect(escapeMachine('a,b\nc')).toBe('a%!(PACKER_COMMA)b\\nc');
    expect(machineLine(at, 'aws', 'artifact', '0', 'id', 'us-east-1:ami-1,us-west-2:ami-2')).toBe('1700000000,aws,artifact,0,id,us-east-1:ami-1%!(PACKER_COMMA)us-west-2:ami-2');
    const f = new EventFormatter('machine');
    f.nameRun('r1', 'aws');
    expect(f.format({ type: 'step-started', runId: 'r1', at, step: 'create-host', phase: 'run' })).toEqual(['1700000000,,ui,say,==> aws: Creating host…']);
    const result: BuildResult = {
      name: 'aws', type: 'amazon-ebs', runId: 'r1', status: 'succeeded',
      artifact: { id: 'us-east-1:ami-1,us-west-2:ami-2', text: 'AMIs were created:\nus-east-1: ami-1\nus-west-2: ami-2\n', images: [], copyFailures: [] },
    };
    expect(f.summary([result], at)).toEqual([
      '1700000000,aws,artifact-count,1',
      '1700000000,aws,artifact,0,builder-id,mitchellh.amazonebs',
      '1700000000,aws,artifact,0,id,us-east-1:ami-1%!(PACKER_COMMA)us-west-2:ami-2',
      '1700000000,aws,artifact,0,string,AMIs were created:\\nus-east-1: ami-1\\nus-west-2: ami-2\\n',
      '1700000000,aws,artifact,0,files-count,0',
      '1700000000,aws,artifact,0,end',
    ]);
  });
});
