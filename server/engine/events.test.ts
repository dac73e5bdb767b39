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

  it("prints a remote command's output, stderr included, as indented output, never with a step's ==> prefix", () => {
    const f = new EventFormatter('human');
    f.nameRun('r1', 'aws-us-east-1');
    const log = (stream: 'stdout' | 'stderr', text: string, step = 'provision') => f.format({ type: 'log', runId: 'r1', at, step, phase: 'run', stream, text });
    expect(log('stdout', 'installing rome')).toEqual(['    aws-us-east-1: installing rome']);
    expect(log('stderr', 'WARNING: apt does not have a stable CLI interface.')).toEqual(['    aws-us-east-1: WARNING: apt does not have a stable CLI interface.']);
    // The engine's own error lines (not a remote command's output) stay headlines.
    expect(log('stderr', 'copy to us-west-2 failed: boom', 'copy-image')).toEqual(['==> aws-us-east-1: copy to us-west-2 failed: boom']);
    // Machine-readable keeps the stream as Packer's ui type; the text is the indented line.
    const m = new EventFormatter('machine');
    m.nameRun('r1', 'aws');
    expect(m.format({ type: 'log', runId: 'r1', at, step: 'provision', phase: 'run', stream: 'stderr', text: 'oops' })).toEqual(['1700000000,,ui,error,    aws: oops']);
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
