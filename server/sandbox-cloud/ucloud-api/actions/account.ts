import { createHash } from 'node:crypto';
import type { ActionContext, ActionTable, Payload } from '../context';
import { unixSeconds } from '../context';

// UAccount actions (docs uaccount-api/get_region.md, summary/get_project_list.md). Neither needs
// a Region; Packer's pre-validate step calls both.

/** A fixed, made-up "account opened" time so that repeated calls agree. */
const ACCOUNT_CREATED = unixSeconds(Date.UTC(2024, 0, 15));

/** Stable numeric data-centre id per zone (the real ids are opaque integers too). */
function dataCenterId(zone: string): number {
  return 1_000_000 + (createHash('sha256').update(zone).digest().readUInt32BE(0) % 9_000_000);
}

/** One element per (region, zone) pair, as the real answer lists them (reference §2.2). */
function getRegion(ctx: ActionContext): Payload {
  const regions = ctx.world.regions('ucloud');
  const first = regions[0]?.zones[0]?.id;
  return {
    Regions: regions.flatMap((region) =>
      region.zones.map((zone) => ({
        RegionId: dataCenterId(zone.id),
        RegionName: region.name,
        IsDefault: zone.id === first,
        // One permission bit per feature; all granted in the sandbox.
        BitMaps: '1'.repeat(32),
        Region: region.id,
        Zone: zone.id,
      })),
    ),
  };
}

function getProjectList(ctx: ActionContext): Payload {
  const { world, account } = ctx;
  const counts = new Map<string, number>();
  const defaultId = account.projects.find((p) => p.isDefault)?.id;
  const bump = (projectId: string | undefined) => {
    const id = projectId ?? defaultId;
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  for (const h of world.hosts.values()) if (h.cloud === 'ucloud' && h.ownerId === account.id && h.state !== 'terminated') bump(h.projectId);
  for (const i of world.images.values()) if (i.cloud === 'ucloud' && i.ownerId === account.id && i.kind === 'custom' && i.state !== 'deleted') bump(i.projectId);
  return {
    ProjectCount: account.projects.length,
    ProjectSet: account.projects.map((p) => ({
      ProjectId: p.id,
      ProjectName: p.name,
      ParentId: '',
      ParentName: '',
      CreateTime: ACCOUNT_CREATED,
      IsDefault: p.isDefault,
      ResourceCount: counts.get(p.id) ?? 0,
      MemberCount: 1,
    })),
  };
}

export const accountActions: ActionTable = {
  GetRegion: { run: getRegion, errors: 'other' },
  GetProjectList: { run: getProjectList, errors: 'other' },
};
