import type { MachineTypeSpec, ZoneSpec } from '../../world/types';
import type { ActionContext, ActionTable, Payload } from '../context';
import { inProject, optionalZone, requireRegion } from '../context';

// Discovery actions, built from the catalog's zones (machineTypes, bootDiskTypes) so that what
// they advertise is exactly what CreateUHostInstance accepts here.
//
// Sources for the shapes (read 2026 snapshot):
//  - UCloudDoc-Team/api uhost-api/describe_available_instance_types.md: request Region, Zone,
//    ProjectId, MachineTypes.N; response AvailableInstanceTypes[] {Zone, InstanceType, Name, Status,
//    CpuPlatforms{Intel,Amd,Ampere}, Disks[]{Name, BootDisk[]{Name,InstantResize,MaximalSize,
//    Features}, DataDisk[]{Name,MinimalSize,MaximalSize,Features}}, MachineSizes[]{Gpu,
//    Collection[]{Cpu,Memory[],MinimalCpuPlatform[]}}, Features[]{Name,Modes[]{Name,
//    RelatedToImageFeature[],MinimalCpuPlatform[]}}, MachineClass, GraphicsMemory{Value,Rate},
//    Performance{Value,Rate}, ParentType, Description} plus a top-level Status.
//  - ucloud/ucloud-sdk-go services/uhost/models.go: the same structs (AvailableInstanceTypes,
//    CpuPlatforms, Disks, BootDiskInfo, DataDiskInfo, MachineSizes, Collection, Features, FeatureModes).
//  - uhost-api/describe_uhost_available_disk_types.md: DescribeUHostAvailableDiskTypes is per
//    existing host (UHostIds.N required, for attaching disks), answer DiskTypeSet[]
//    {Zone, UHostId, AvailableDisks[] (same Disks shape, DataDisk adds BackupMode[])}.
//  Neither document states the unit of Collection.Memory; we answer MB, the unit every other UHost
//  field uses (CreateUHostInstance Memory, DescribeUHostInstance Memory). Unconfirmed.

/** vCPU counts and memory sizes (GB) per machine type, shaped after Packer's instance_type rules. */
interface SizeRule {
  cpus: number[];
  memoryGb: (cpu: number) => number[];
  description: string;
}

const range = (from: number, to: number, step = 1) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
const NAMED_RATIOS = [1, 2, 4, 8];

export const SIZE_RULES: Record<string, SizeRule> = {
  // N: any 1–128 GB (1 or even) between 2:1 and 1:12, cpu 1 or even up to 32.
  N: {
    cpus: [1, ...range(2, 32, 2)],
    memoryGb: (cpu) => range(1, 128).filter((m) => (m === 1 || m % 2 === 0) && m * 2 >= cpu && m <= cpu * 12),
    description: 'General purpose N',
  },
  // C: named ratios only, highmem up to 16 vCPUs (128 GB).
  C: {
    cpus: [1, ...range(2, 32, 2)],
    memoryGb: (cpu) => NAMED_RATIOS.map((r) => cpu * r).filter((m) => m <= 128),
    description: 'High frequency C',
  },
  // O: 2–96 vCPUs in powers of two (and 96), named ratios, below 512 GB.
  O: {
    cpus: [2, 4, 8, 16, 32, 64, 96],
    memoryGb: (cpu) => NAMED_RATIOS.map((r) => cpu * r).filter((m) => m < 512),
    description: 'Outstanding O',
  },
};

const CLOUD_BOOT = ['CLOUD_SSD', 'CLOUD_RSSD'];
const BOOT_MAX: Record<string, number> = { CLOUD_SSD: 500, CLOUD_RSSD: 500, LOCAL_NORMAL: 100, LOCAL_SSD: 100 };

/** The zone's disks grouped the way the API groups them: cloudDisk, normalLocalDisk, ssdLocalDisk. */
export function zoneDisks(zone: ZoneSpec, withBackupMode = false): Payload[] {
  const boot = (name: string) => ({
    Name: name,
    InstantResize: name.startsWith('CLOUD_'),
    MaximalSize: BOOT_MAX[name] ?? 500,
    Features: name.startsWith('CLOUD_') ? ['SNAPSHOT'] : [],
  });
  const data = (name: string, min: number, max: number) => ({
    Name: name,
    MinimalSize: min,
    MaximalSize: max,
    Features: name.startsWith('CLOUD_') ? ['SNAPSHOT'] : [],
    ...(withBackupMode ? { BackupMode: name.startsWith('CLOUD_') ? ['NONE', 'SNAPSHOT'] : ['NONE'] } : {}),
  });
  const out: Payload[] = [];
  const cloudBoot = zone.bootDiskTypes.filter((t) => CLOUD_BOOT.includes(t));
  // A zone short of cloud-disk capacity (field problem #3) offers no cloud data disks either.
  if (cloudBoot.length > 0) {
    const cloudData = [data('CLOUD_NORMAL', 20, 8000), data('CLOUD_SSD', 20, 8000)];
    if (cloudBoot.includes('CLOUD_RSSD')) cloudData.push(data('CLOUD_RSSD', 20, 32000));
    out.push({ Name: 'cloudDisk', BootDisk: cloudBoot.map(boot), DataDisk: cloudData });
  }
  if (zone.bootDiskTypes.includes('LOCAL_NORMAL')) {
    out.push({ Name: 'normalLocalDisk', BootDisk: [boot('LOCAL_NORMAL')], DataDisk: [data('LOCAL_NORMAL', 20, 2000)] });
  }
  if (zone.bootDiskTypes.includes('LOCAL_SSD')) {
    out.push({ Name: 'ssdLocalDisk', BootDisk: [boot('LOCAL_SSD')], DataDisk: [data('LOCAL_SSD', 20, 1000)] });
  }
  return out;
}

function concretePlatforms(machine: MachineTypeSpec, vendor: string): string[] {
  return (machine.cpuPlatforms ?? []).filter((p) => p.startsWith(`${vendor}/`) && !p.endsWith('/Auto'));
}

function instanceType(zone: ZoneSpec, machine: MachineTypeSpec): Payload {
  const rule = SIZE_RULES[machine.type];
  const platforms = machine.cpuPlatforms ?? [];
  return {
    Zone: zone.id,
    InstanceType: 'uhost',
    Name: machine.type,
    Status: 'Normal',
    CpuPlatforms: { Intel: concretePlatforms(machine, 'Intel'), Amd: concretePlatforms(machine, 'Amd'), Ampere: concretePlatforms(machine, 'Ampere') },
    Disks: zoneDisks(zone),
    MachineSizes: [
      {
        Gpu: 0,
        Collection: (rule?.cpus ?? []).map((cpu) => ({
          Cpu: cpu,
          Memory: rule!.memoryGb(cpu).map((gb) => gb * 1024),
          MinimalCpuPlatform: platforms,
        })),
      },
    ],
    Features: [
      {
        Name: 'NetCapability',
        Modes: [
          { Name: 'Normal', RelatedToImageFeature: [], MinimalCpuPlatform: [] },
          { Name: 'Super', RelatedToImageFeature: ['NetEnhnced'], MinimalCpuPlatform: platforms },
          { Name: 'Ultra', RelatedToImageFeature: ['NetEnhanced_Ultra'], MinimalCpuPlatform: platforms },
        ],
      },
      { Name: 'Hotplug', Modes: [{ Name: 'Hotplug', RelatedToImageFeature: ['HotPlug'], MinimalCpuPlatform: platforms }] },
    ],
    MachineClass: 'Normal',
    GraphicsMemory: { Value: 0, Rate: 0 },
    Performance: { Value: 0, Rate: 0 },
    ParentType: '',
    Description: rule?.description ?? machine.type,
  };
}

function describeAvailableInstanceTypes(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const zone = optionalZone(ctx, region);
  const wanted = new Set(ctx.params.list('MachineTypes'));
  const zones = zone ? [zone] : region.zones;
  return {
    Status: 'Normal',
    AvailableInstanceTypes: zones.flatMap((z) => z.machineTypes.filter((m) => wanted.size === 0 || wanted.has(m.type)).map((m) => instanceType(z, m))),
  };
}

function describeUHostAvailableDiskTypes(ctx: ActionContext): Payload {
  const region = requireRegion(ctx);
  const ids = ctx.params.list('UHostIds');
  if (ids.length === 0) ctx.params.required('UHostIds.0');
  const set: Payload[] = [];
  for (const id of ids) {
    const host = ctx.world.findHost('ucloud', region.id, id, ctx.account.id);
    if (!host || !inProject(ctx, host.projectId) || host.state === 'terminated' || host.state === 'terminating') continue;
    const zone = ctx.world.zone('ucloud', region.id, host.zone);
    if (!zone) continue;
    set.push({ Zone: zone.id, UHostId: host.id, AvailableDisks: zoneDisks(zone, true) });
  }
  return { DiskTypeSet: set };
}

export const discoveryActions: ActionTable = {
  DescribeAvailableInstanceTypes: { run: describeAvailableInstanceTypes, errors: 'other' },
  DescribeUHostAvailableDiskTypes: { run: describeUHostAvailableDiskTypes, errors: 'other' },
};
