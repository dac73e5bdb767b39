import { describe, expect, it, vi } from 'vitest';
import { CloudApiError, isNotFound } from '@/server/clouds/cloud-error';
import { retry, sleep } from '@/server/lib/retry';
import { collectingReporter, redactor, REDACTED, type RunEvent } from './reporter';
import { runSteps, type RunOptions } from './runner';
import { StepError, type CleanupContext, type Step } from './step';

interface State {
  trail: string[];
  hostId?: string;
}

const fast: Partial<RunOptions> = { cleanupTimeoutMs: 2_000, cleanupRetryDelayMs: 1 };

/** A step that records its run and cleanup (with the outcome) in the state's trail. */
function step(name: string, behaviour: { run?: (s: State, signal: AbortSignal) => Promise<void>; cleanup?: false | ((s: State, ctx: CleanupContext) => Promise<void>) } = {}): Step<State> {
  return {
    name,
    async run(s, ctx) {
      s.trail.push(`run:${name}`);
      await behaviour.run?.(s, ctx.signal);
    },
    cleanup:
      behaviour.cleanup === false
        ? undefined
        : async (s, ctx) => {
            s.trail.push(`cleanup:${name}:${ctx.outcome}`);
            if (typeof behaviour.cleanup === 'function') await behaviour.cleanup(s, ctx);
          },
  };
}

const boom = (msg = 'boom') => async () => {
  throw new Error(msg);
};

/** Resolves when the signal aborts (a step that honours cancellation). */
const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((_, reject) => {
    signal.throwIfAborted();
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

describe('runSteps', () => {
  it('runs steps in order and cleans up in reverse on success', async () => {
    const reporter = collectingReporter();
    const state: State = { trail: [] };
    const result = await runSteps([step('a'), step('b', { cleanup: false }), step('c')], state, { runId: 'r1', reporter, ...fast });

    expect(result.status).toBe('succeeded');
    expect(result.error).toBeUndefined();
    expect(state.trail).toEqual(['run:a', 'run:b', 'run:c', 'cleanup:c:succeeded', 'cleanup:a:succeeded']);
    expect(result.cleanup).toEqual([
      { step: 'c', ok: true },
      { step: 'a', ok: true },
    ]);
    expect(reporter.events[0]).toMatchObject({ type: 'run-started', runId: 'r1', steps: ['a', 'b', 'c'] });
    expect(reporter.events.at(-1)).toMatchObject({ type: 'run-finished', status: 'succeeded' });
    const runFinished = reporter.of('step-finished').filter((e) => e.phase === 'run');
    expect(runFinished.map((e) => [e.step, e.ok])).toEqual([
      ['a', true],
      ['b', true],
      ['c', true],
    ]);
    expect(runFinished.every((e) => e.durationMs >= 0)).toBe(true);
  });

  it('halts on failure: the failing step and earlier ones are cleaned up in reverse, later ones neither run nor clean up', async () => {
    const reporter = collectingReporter();
    const state: State = { trail: [] };
    const result = await runSteps([step('a'), step('b'), step('c', { run: boom('host quota exceeded') }), step('d')], state, { runId: 'r', reporter, ...fast });

    expect(result.status).toBe('failed');
    expect(result.error).toBeInstanceOf(StepError);
    expect(result.error?.step).toBe('c');
    expect(result.error?.message).toContain('host quota exceeded');
    expect(state.trail).toEqual(['run:a', 'run:b', 'run:c', 'cleanup:c:halted', 'cleanup:b:halted', 'cleanup:a:halted']);
    expect(state.trail.some((t) => t.includes(':d'))).toBe(false);
    expect(reporter.of('run-finished')[0]).toMatchObject({ status: 'failed', error: { step: 'c' } });
  });

  it('keeps a StepError thrown by a step as is', async () => {
    const err = new StepError('b', 'The image never became available.', { message: 'image img-1 stuck in pending' });
    const result = await runSteps([step('a'), step('b', { run: async () => Promise.reject(err) })], { trail: [] }, { runId: 'r', reporter: collectingReporter(), ...fast });
    expect(result.error).toBe(err);
  });

  it('on cancel cleans up the running step and earlier ones with a fresh signal and outcome cancelled', async () => {
    const controller = new AbortController();
    const state: State = { trail: [] };
    const cleanupSignals: AbortSignal[] = [];
    const cleanup = async (_: State, ctx: CleanupContext) => {
      cleanupSignals.push(ctx.signal);
      // A cleanup that makes a cloud call with its signal must not be cut short.
      await sleep(5, ctx.signal);
    };
    const steps = [
      step('a', { cleanup }),
      step('b', {
        cleanup,
        run: async (_, signal) => {
          setTimeout(() => controller.abort(new Error('cancelled by user')), 10);
          await untilAborted(signal);
        },
      }),
      step('c', { cleanup }),
    ];
    const result = await runSteps(steps, state, { runId: 'r', reporter: collectingReporter(), signal: controller.signal, ...fast });

    expect(result.status).toBe('cancelled');
    expect(result.error?.step).toBe('b');
    expect(state.trail).toEqual(['run:a', 'run:b', 'cleanup:b:cancelled', 'cleanup:a:cancelled']);
    expect(cleanupSignals).toHaveLength(2);
    for (const s of cleanupSignals) {
      expect(s).not.toBe(controller.signal);
      expect(s.aborted).toBe(false);
    }
    expect(result.cleanup.every((c) => c.ok)).toBe(true);
  });

  it('a cancel that arrives before the run starts runs and cleans up nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const state: State = { trail: [] };
    const result = await runSteps([step('a'), step('b')], state, { runId: 'r', reporter: collectingReporter(), signal: controller.signal, ...fast });
    expect(result.status).toBe('cancelled');
    expect(state.trail).toEqual([]);
    expect(result.cleanup).toEqual([]);
  });

  it('does not hang when a cancelled step ignores its signal', async () => {
    const controller = new AbortController();
    const state: State = { trail: [] };
    const steps = [
      step('a'),
      step('stuck', {
        run: () => {
          setTimeout(() => controller.abort(), 10);
          return new Promise<void>(() => undefined); // never settles, never looks at the signal
        },
      }),
    ];
    const result = await runSteps(steps, state, { runId: 'r', reporter: collectingReporter(), signal: controller.signal, ...fast });
    expect(result.status).toBe('cancelled');
    expect(state.trail).toEqual(['run:a', 'run:stuck', 'cleanup:stuck:cancelled', 'cleanup:a:cancelled']);
  });

  it('retries a failing cleanup, logs the failure and still runs the other cleanups', async () => {
    const reporter = collectingReporter();
    const state: State = { trail: [] };
    let flakyCalls = 0;
    let brokenCalls = 0;
    const steps = [
      step('a'),
      step('flaky', {
        cleanup: async () => {
          if (++flakyCalls < 2) throw new Error('transient');
        },
      }),
      step('broken', {
        cleanup: async () => {
          brokenCalls++;
          throw new Error('DependencyViolation: still in use');
        },
      }),
      step('last', { run: boom() }),
    ];
    const result = await runSteps(steps, state, { runId: 'r', reporter, ...fast, cleanupTries: 3 });

    expect(brokenCalls).toBe(3);
    expect(flakyCalls).toBe(2);
    expect(state.trail.filter((t) => t.startsWith('cleanup:a'))).toEqual(['cleanup:a:halted']);
    expect(result.cleanup).toEqual([
      { step: 'last', ok: true },
      { step: 'broken', ok: false, error: 'DependencyViolation: still in use' },
      { step: 'flaky', ok: true },
      { step: 'a', ok: true },
    ]);
    const brokenLog = reporter.lines('broken');
    expect(brokenLog.filter((l) => l.startsWith('cleanup attempt'))).toHaveLength(2);
    expect(brokenLog.at(-1)).toBe('cleanup failed: DependencyViolation: still in use');
    expect(reporter.of('log').find((e) => e.step === 'broken' && e.text.startsWith('cleanup failed'))).toMatchObject({ phase: 'cleanup', stream: 'stderr' });
    expect(reporter.of('step-finished').find((e) => e.step === 'broken' && e.phase === 'cleanup')).toMatchObject({ ok: false });
  });

  it('gives up on a cleanup that hangs past its timeout and moves on', async () => {
    const state: State = { trail: [] };
    const steps = [step('a'), step('hangs', { cleanup: () => new Promise<void>(() => undefined) })];
    const result = await runSteps(steps, state, { runId: 'r', reporter: collectingReporter(), cleanupTimeoutMs: 50, cleanupRetryDelayMs: 1 });
    expect(result.cleanup[0]).toMatchObject({ step: 'hangs', ok: false });
    expect(result.cleanup[0]!.error).toMatch(/timed out/);
    expect(result.cleanup[1]).toEqual({ step: 'a', ok: true });
  });

  it('keeps running when the reporter throws', async () => {
    const state: State = { trail: [] };
    const reporter = {
      emit: () => {
        throw new Error('log sink down');
      },
    };
    const result = await runSteps([step('a'), step('b', { run: boom() })], state, { runId: 'r', reporter, ...fast });
    expect(result.status).toBe('failed');
    expect(state.trail).toEqual(['run:a', 'run:b', 'cleanup:b:halted', 'cleanup:a:halted']);
  });
});

// ---- with a fake cloud: the resource ledger -------------------------------------------------------

/** Just enough of a cloud for create → wait → delete; a mock is fine at this level. */
function fakeCloud() {
  const hosts = new Map<string, { state: 'pending' | 'running' | 'failed' }>();
  let n = 0;
  return {
    hosts,
    createHost: vi.fn(async (_region: string) => {
      const id = `uhost-${++n}`;
      hosts.set(id, { state: 'pending' });
      return { hostId: id };
    }),
    describeHost: vi.fn(async (_region: string, id: string) => hosts.get(id) ?? null),
    terminateHost: vi.fn(async (_region: string, id: string) => {
      if (!hosts.delete(id)) throw new CloudApiError({ provider: 'ucloud', action: 'TerminateUHostInstance', code: '8039', retCode: 8039, detail: 'host already deleted', retryable: false });
    }),
  };
}

interface HostState {
  region: string;
  hostId?: string;
}

function stepCreateHost(cloud: ReturnType<typeof fakeCloud>, runId: string): Step<HostState> {
  return {
    name: 'create-host',
    async run(state, { signal, log, reporter }) {
      const { hostId } = await cloud.createHost(state.region);
      // Recorded the moment the create returns, BEFORE the wait (unlike Packer's UCloud builder).
      state.hostId = hostId;
      reporter.resourceCreated({ kind: 'host', id: hostId, region: state.region, tags: { 'rome:run-id': runId } });
      log(`created host ${hostId}; waiting for it to run`);
      await retry(
        async () => {
          const host = await cloud.describeHost(state.region, hostId);
          if (host?.state === 'failed') throw new StepError('create-host', 'The host failed to start.');
          if (host?.state !== 'running') throw new Error('not running yet');
        },
        { tries: 3, delay: 1, signal, shouldRetry: (e) => !(e instanceof StepError) },
      );
    },
    async cleanup(state, { signal, reporter, log }) {
      if (!state.hostId) return;
      try {
        await cloud.terminateHost(state.region, state.hostId);
      } catch (err) {
        if (!isNotFound(err)) throw err; // idempotent: NotFound means done
      }
      signal.throwIfAborted();
      log(`terminated host ${state.hostId}`);
      reporter.resourceDeleted({ kind: 'host', id: state.hostId, region: state.region });
    },
  };
}

describe('runSteps with a fake cloud', () => {
  it('created then wait failed → the host is still deleted', async () => {
    const cloud = fakeCloud();
    const reporter = collectingReporter();
    const result = await runSteps([stepCreateHost(cloud, 'run-9')], { region: 'cn-bj2' }, { runId: 'run-9', reporter, ...fast });

    expect(result.status).toBe('failed');
    expect(cloud.createHost).toHaveBeenCalledTimes(1);
    expect(cloud.describeHost).toHaveBeenCalledTimes(3); // the wait gave up
    expect(cloud.terminateHost).toHaveBeenCalledWith('cn-bj2', 'uhost-1');
    expect(cloud.hosts.size).toBe(0);
    expect(result.leftResources).toBeUndefined();
    // The create is in the ledger before the wait's first poll could fail.
    const types = reporter.events.map((e) => e.type);
    expect(types.indexOf('resource-created')).toBeLessThan(types.indexOf('resource-deleted'));
    expect(reporter.of('resource-created')[0]).toMatchObject({ step: 'create-host', kind: 'host', id: 'uhost-1', region: 'cn-bj2', tags: { 'rome:run-id': 'run-9' } });
  });

  it("onError 'abort' runs no cleanup and reports what was left", async () => {
    const cloud = fakeCloud();
    cloud.createHost.mockImplementationOnce(async () => {
      cloud.hosts.set('uhost-1', { state: 'running' });
      return { hostId: 'uhost-1' };
    });
    const reporter = collectingReporter();
    const provisionCleanup = vi.fn(async () => undefined);
    const provision: Step<HostState> = { name: 'provision', run: boom('script exited 1'), cleanup: provisionCleanup };
    const result = await runSteps([stepCreateHost(cloud, 'r'), provision], { region: 'cn-bj2' }, { runId: 'r', reporter, onError: 'abort', ...fast });

    expect(result.status).toBe('failed');
    expect(result.error?.step).toBe('provision');
    expect(result.cleanup).toEqual([]);
    expect(provisionCleanup).not.toHaveBeenCalled();
    expect(cloud.terminateHost).not.toHaveBeenCalled();
    expect(cloud.hosts.size).toBe(1);
    expect(result.leftResources).toEqual([{ kind: 'host', id: 'uhost-1', region: 'cn-bj2', tags: { 'rome:run-id': 'r' } }]);
    expect(reporter.of('run-finished')[0]!.leftResources).toEqual(result.leftResources);
  });

  it("a cancel still cleans up under onError 'abort'", async () => {
    const cloud = fakeCloud();
    const controller = new AbortController();
    const wait: Step<HostState> = {
      name: 'wait',
      run: async (_, { signal }) => {
        controller.abort();
        await untilAborted(signal);
      },
    };
    cloud.createHost.mockImplementationOnce(async () => {
      cloud.hosts.set('uhost-1', { state: 'running' });
      return { hostId: 'uhost-1' };
    });
    const result = await runSteps([stepCreateHost(cloud, 'r'), wait], { region: 'cn-bj2' }, { runId: 'r', reporter: collectingReporter(), onError: 'abort', signal: controller.signal, ...fast });
    expect(result.status).toBe('cancelled');
    expect(cloud.hosts.size).toBe(0);
    expect(result.leftResources).toBeUndefined();
  });

  it('an artifact is kept, not reported as left behind', async () => {
    const reporter = collectingReporter();
    const image: Step<object> = {
      name: 'create-image',
      run: async (_, { reporter: r }) => {
        r.resourceCreated({ kind: 'image', id: 'uimage-1', region: 'cn-bj2', tags: {} });
        r.artifact({ kind: 'image', id: 'uimage-1', region: 'cn-bj2', name: 'web-1' });
      },
    };
    const result = await runSteps([image], {}, { runId: 'r', reporter, ...fast });
    expect(result.leftResources).toBeUndefined();
    expect(reporter.of('artifact')[0]).toMatchObject({ kind: 'image', id: 'uimage-1', name: 'web-1', step: 'create-image' });
  });
});

// ---- secrets ----------------------------------------------------------------------------------

describe('secret redaction', () => {
  const password = 'Tr0ub4dor&3-horse-battery';
  const apiSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  it('replaces secrets and their base64 forms, at any alignment', () => {
    const redact = redactor([password, '', 'abc']);
    expect(redact(`login with ${password} now`)).toBe(`login with ${REDACTED} now`);
    expect(redact(`pw=${b64(password)}`)).toBe(`pw=${REDACTED}`);
    expect(redact(Buffer.from(password).toString('base64url'))).toBe(REDACTED);
    for (const prefix of ['', 'x', 'xy', 'xyz']) {
      const userData = b64(`#cloud-config\npassword: ${prefix}${password}\nchpasswd: { expire: False }\n`);
      const out = redact(userData);
      expect(out).toContain(REDACTED);
      expect(out).not.toContain(b64(password).slice(4, -4));
    }
    // Too short to be worth redacting: no accidental replacement of ordinary words.
    expect(redact('abc abc')).toBe('abc abc');
  });

  it('never lets a secret or its base64 into reporter events', async () => {
    const reporter = collectingReporter();
    const userData = b64(`#cloud-config\nusers:\n  - name: root\n    passwd: ${password}\n`);
    const steps: Step<object>[] = [
      {
        name: 'provision',
        run: async (_, { log }) => {
          log(`echo ${password} | chpasswd`, 'stdout');
          log(`user data: ${userData}`);
          log(`secret key ${b64(apiSecret)}`, 'stderr');
        },
        cleanup: async (_, { log }) => log(`still knows ${apiSecret}`),
      },
      { name: 'fail', run: async () => Promise.reject(new Error(`auth failed for ${apiSecret}`)) },
    ];
    const result = await runSteps(steps, {}, { runId: 'r', reporter, secrets: [password, apiSecret], ...fast });

    const all = JSON.stringify(reporter.events satisfies RunEvent[]);
    for (const secret of [password, apiSecret]) {
      expect(all).not.toContain(secret);
      expect(all).not.toContain(b64(secret));
      expect(all).not.toContain(b64(secret).slice(4, -4));
    }
    expect(reporter.lines('provision')).toContain(`echo ${REDACTED} | chpasswd`);
    expect(reporter.of('run-finished')[0]!.error?.message).toContain(REDACTED);
    expect(result.status).toBe('failed');
    expect(result.error?.message).not.toContain(apiSecret);
    expect(result.error?.userMessage).toBe(`auth failed for ${REDACTED}`);
  });
});
