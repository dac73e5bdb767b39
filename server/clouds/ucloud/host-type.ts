// `hostType` for UCloud: either Packer's `instance_type` (reference §3.3: `<host>-<scale>-<cpu>`
// or `n-customized-<cpu>-<memGB>`) or a bare machine type (`N`, `O`, `OM`…) with default
// sizes. Packer's finer rules (which cpu counts each family allows, ratio limits) are left to
// the API, which knows the zone's current offer and says what it accepts (8044/8046).

export interface UHostSize {
  MachineType: string;
  CPU: number;
  /** MB, a multiple of 1024. */
  Memory: number;
}

/** GB of memory per vCPU for Packer's named scales. */
const SCALES: Record<string, number> = { highcpu: 1, basic: 2, standard: 4, highmem: 8 };

/** For a bare machine type: the smallest size every family offers (O starts at 2 vCPUs). */
export const DEFAULT_CPU = 2;
export const DEFAULT_MEMORY_MB = 4096;

export function parseHostType(hostType: string): UHostSize {
  const text = hostType.trim();
  const custom = /^n-customized-(\d+)-(\d+)$/i.exec(text);
  if (custom) return { MachineType: 'N', CPU: Number(custom[1]), Memory: Number(custom[2]) * 1024 };
  const named = /^([a-z]+)-(highcpu|basic|standard|highmem)-(\d+)$/i.exec(text);
  if (named) {
    const cpu = Number(named[3]);
    return { MachineType: named[1]!.toUpperCase(), CPU: cpu, Memory: cpu * SCALES[named[2]!.toLowerCase()]! * 1024 };
  }
  if (/^[a-z]+$/i.test(text)) return { MachineType: text.toUpperCase(), CPU: DEFAULT_CPU, Memory: DEFAULT_MEMORY_MB };
  throw new RangeError(`"${hostType}" is not a UCloud host type: use an instance type like n-basic-2 / n-customized-2-6, or a machine type like N or O`);
}

/** The reverse, for display: Packer's name when the size is a named scale, else a customized one. */
export function formatHostType(machineType: string | undefined, cpu: number | undefined, memoryMb: number | undefined): string {
  const host = (machineType ?? '').toLowerCase();
  if (!host || !cpu || !memoryMb) return machineType ?? '';
  const perCpu = memoryMb / 1024 / cpu;
  const scale = Object.entries(SCALES).find(([, gb]) => gb === perCpu)?.[0];
  return scale ? `${host}-${scale}-${cpu}` : `${host}-customized-${cpu}-${memoryMb / 1024}`;
}
