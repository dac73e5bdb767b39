import { z } from 'zod';

// POST /_sandbox/faults takes this shape; every field is optional and replaces the current value.
export const ZFaultConfig = z.object({
  /** Per action, keyed "ucloud:CreateUHostInstance", "ec2:RunInstances", "ec2:*" or "*". */
  actions: z
    .record(
      z.string(),
      z.object({
        errorRate: z.number().min(0).max(1).default(1),
        /** Vendor error code (EC2 code, or UCloud RetCode as text); default: the vendor's internal error. */
        code: z.string().optional(),
        message: z.string().optional(),
        /** Only the next N matching calls fail; unlimited when absent. */
        times: z.number().int().positive().optional(),
        latencyMs: z.number().int().min(0).optional(),
      }),
    )
    .optional(),
  /** Added to every API call. */
  latencyMs: z.number().int().min(0).optional(),
  /** 'next': the next host created never answers SSH; 'all': every new host; 'none'. */
  unreachableHosts: z.enum(['none', 'next', 'all']).optional(),
  /** Images being created never become available. */
  stuckImages: z.boolean().optional(),
  /** Image copies never become available (the images they copy do). */
  stuckCopies: z.boolean().optional(),
  /** Copies into these regions end failed. */
  failCopiesTo: z.array(z.string()).optional(),
  /** Rate-limit scale: 1 = the vendors' budgets, 0 = no limit. */
  rateLimitScale: z.number().min(0).optional(),
  /** Concurrent image copies allowed into one destination region. */
  maxConcurrentCopiesPerRegion: z.number().int().positive().optional(),
});
export type FaultConfig = z.infer<typeof ZFaultConfig>;
type ActionFault = NonNullable<FaultConfig['actions']>[string];

export interface InjectedError {
  code?: string;
  message?: string;
}

export class Faults {
  config: FaultConfig = {};
  private readonly remaining = new Map<string, number>();

  constructor(private readonly random: () => number) {}

  update(patch: FaultConfig): FaultConfig {
    this.config = { ...this.config, ...patch };
    this.remaining.clear();
    return this.config;
  }

  reset(): void {
    this.config = {};
    this.remaining.clear();
  }

  /** What to do with one API call: how long to delay it, and whether to fail it. */
  forAction(api: 'ucloud' | 'ec2', action: string): { latencyMs: number; error?: InjectedError } {
    const actions = this.config.actions ?? {};
    const key = [`${api}:${action}`, `${api}:*`, '*'].find((k) => actions[k]);
    const fault: ActionFault | undefined = key ? actions[key] : undefined;
    const latencyMs = (this.config.latencyMs ?? 0) + (fault?.latencyMs ?? 0);
    if (!fault || !key) return { latencyMs };
    if (fault.times !== undefined) {
      const left = this.remaining.get(key) ?? fault.times;
      if (left <= 0) return { latencyMs };
      if (this.random() < fault.errorRate) {
        this.remaining.set(key, left - 1);
        return { latencyMs, error: { code: fault.code, message: fault.message } };
      }
      return { latencyMs };
    }
    return this.random() < fault.errorRate ? { latencyMs, error: { code: fault.code, message: fault.message } } : { latencyMs };
  }

  /** Consumes the "next host is unreachable" flag. */
  takeUnreachable(): boolean {
    if (this.config.unreachableHosts === 'all') return true;
    if (this.config.unreachableHosts === 'next') {
      this.config = { ...this.config, unreachableHosts: 'none' };
      return true;
    }
    return false;
  }
}
