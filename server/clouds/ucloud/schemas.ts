import { z } from 'zod';

// Response schemas, one per action. Deliberately lenient: every object keeps unknown fields
// (UCloud adds fields without notice), everything the docs mark optional is optional, and
// scalars are coerced because the gateway is not strict about JSON types (the Go SDK rewrites
// a string RetCode before decoding; see reference §1.5). Nulls are stripped before parsing
// (transport.ts), so `.optional()` also covers `null`.
// Field names and meanings: reference §2 and UCloudDoc-Team/api (uhost-api, unet-api, vpc-api,
// uaccount-api).

const NUMERIC = /^-?\d+(\.\d+)?$/;
/** A number, or a string holding one ("123"). */
export const num = z.union([z.number(), z.string().trim().regex(NUMERIC).transform(Number)]);
/** A string; numbers and booleans are accepted and stringified. */
export const str = z.union([z.string(), z.number().transform(String), z.boolean().transform(String)]);
/** A boolean; the docs spell several as strings (`"True"`, `"false"`). */
export const bool = z.union([
  z.boolean(),
  z
    .string()
    .regex(/^(true|false)$/i)
    .transform((v) => v.toLowerCase() === 'true'),
]);
const list = <T extends z.ZodType>(item: T) => z.array(item).default([]);

const envelope = { RetCode: num, Action: str.optional(), Message: str.optional() };
export const ZEnvelope = z.looseObject(envelope);
export type TEnvelope = z.infer<typeof ZEnvelope>;

const response = <S extends z.ZodRawShape>(shape: S) => z.looseObject({ ...envelope, ...shape });

// --- UAccount -----------------------------------------------------------------------------

export const ZRegionInfo = z.looseObject({
  RegionId: num.optional(),
  RegionName: str.optional(),
  IsDefault: bool.optional(),
  BitMaps: str.optional(),
  Region: str,
  Zone: str,
});
export const ZGetRegionResponse = response({ Regions: list(ZRegionInfo) });

export const ZProjectListInfo = z.looseObject({
  ProjectId: str,
  ProjectName: str.optional(),
  CreateTime: num.optional(),
  IsDefault: bool.optional(),
  ResourceCount: num.optional(),
  MemberCount: num.optional(),
  ParentId: str.optional(),
  ParentName: str.optional(),
});
export const ZGetProjectListResponse = response({ ProjectCount: num.optional(), ProjectSet: list(ZProjectListInfo) });

// --- UHost: images ------------------------------------------------------------------------

export const ZUHostImageSet = z.looseObject({
  ImageId: str,
  ImageName: str.optional(),
  Zone: str.optional(),
  Tag: str.optional(),
  OsType: str.optional(),
  OsName: str.optional(),
  /** `Base`, `Business`, `Custom`. */
  ImageType: str.optional(),
  /** e.g. `CloudInit`, `HotPlug`, `NetEnhnced` (sic), `IPv6`. */
  Features: z.array(str).optional(),
  FuncType: str.optional(),
  IntegratedSoftware: str.optional(),
  Vendor: str.optional(),
  Links: str.optional(),
  /** `Available`, `Making`, `Unavailable`, `Copying`. */
  State: str.optional(),
  ImageDescription: str.optional(),
  CreateTime: num.optional(),
  /** GB in practice. */
  ImageSize: num.optional(),
  MinimalCPU: str.optional(),
  MaintainEol: str.optional(),
  DataSnapshotIds: z.array(str).optional(),
  SupportedGPUTypes: z.array(str).optional(),
  SceneCategories: z.array(str).optional(),
  PrimarySoftware: str.optional(),
  PriceSet: z.array(z.looseObject({ ChargeType: str.optional(), Price: num.optional(), OriginalPrice: num.optional() })).optional(),
});
export const ZDescribeImageResponse = response({ TotalCount: num.default(0), ImageSet: list(ZUHostImageSet) });

export const ZCreateCustomImageResponse = response({ ImageId: str, DataSnapshotIds: z.array(str).optional() });

// A single copy answers TargetImageId + TaskId, a batch copy (TargetRegionList) answers Infos.
export const ZCopyCustomImageResponse = response({
  TargetImageId: str.optional(),
  TaskId: str.optional(),
  Infos: z.array(z.looseObject({ TaskId: str.optional(), TargetImageId: str.optional(), TargetRegion: str.optional() })).optional(),
});

export const ZTerminateCustomImageResponse = response({ ImageId: str.optional() });

// --- UHost: instances ---------------------------------------------------------------------

export const ZCreateUHostInstanceResponse = response({ UHostIds: z.array(str).min(1), IPs: z.array(str).optional() });

export const ZUHostDiskSet = z.looseObject({
  DiskType: str.optional(),
  IsBoot: bool.optional(),
  DiskId: str.optional(),
  Name: str.optional(),
  Drive: str.optional(),
  Size: num.optional(),
  Encrypted: bool.optional(),
  BackupType: str.optional(),
  Type: str.optional(),
});

export const ZUHostIPSet = z.looseObject({
  IPMode: str.optional(),
  /** `Private`, `Bgp`, `International` (docs: `Internation`). */
  Type: str.optional(),
  IP: str.optional(),
  IPId: str.optional(),
  Bandwidth: num.optional(),
  VPCId: str.optional(),
  SubnetId: str.optional(),
  Mac: str.optional(),
  Default: str.optional(),
  Weight: num.optional(),
  NetworkInterfaceId: str.optional(),
});

export const ZUHostInstanceSet = z.looseObject({
  UHostId: str,
  Zone: str.optional(),
  Name: str.optional(),
  Tag: str.optional(),
  Remark: str.optional(),
  /** `Initializing`, `Starting`, `Running`, `Stopping`, `Stopped`, `Install Fail`, `Rebooting`, `ResizeFail`, `""`. */
  State: str.optional(),
  MachineType: str.optional(),
  CpuPlatform: str.optional(),
  UHostFamily: str.optional(),
  CPU: num.optional(),
  /** MB. */
  Memory: num.optional(),
  GPU: num.optional(),
  GpuType: str.optional(),
  OsType: str.optional(),
  OsName: str.optional(),
  BasicImageId: str.optional(),
  BasicImageName: str.optional(),
  ImageId: str.optional(),
  ChargeType: str.optional(),
  CreateTime: num.optional(),
  ExpireTime: num.optional(),
  AutoRenew: str.optional(),
  /** `Normal` or `Initializing`; no image can be made while initializing. */
  BootDiskState: str.optional(),
  DiskSet: z.array(ZUHostDiskSet).optional(),
  IPSet: z.array(ZUHostIPSet).optional(),
  NetCapability: str.optional(),
  HotplugFeature: bool.optional(),
  CloudInitFeature: bool.optional(),
  IPv6Feature: bool.optional(),
  HpcFeature: bool.optional(),
  NetFeatureTag: str.optional(),
  KeyPair: z.looseObject({ KeyPairId: str.optional(), KeyPairState: str.optional() }).optional(),
  IsolationGroup: str.optional(),
  RdmaClusterId: str.optional(),
  RestrictMode: str.optional(),
  LifeCycle: str.optional(),
});
export const ZDescribeUHostInstanceResponse = response({ TotalCount: num.default(0), UHostSet: list(ZUHostInstanceSet) });

export const ZUHostIdResponse = response({ UHostId: str.optional() });
export const ZTerminateUHostInstanceResponse = response({
  /** `Yes` = moved to the recycle bin, `No` = deleted. */
  InRecycle: str.optional(),
  UHostId: str.optional(),
});

// --- UHost: discovery ---------------------------------------------------------------------
// Source: UCloudDoc-Team/api uhost-api/describe_available_instance_types.md and
// uhost-api/describe_uhost_available_disk_types.md (two revisions each read), cross-checked with
// ucloud/ucloud-sdk-go services/uhost/models.go (AvailableInstanceTypes, Disks, BootDiskInfo,
// DataDiskInfo, MachineSizes, Collection, CpuPlatforms, Features, FeatureModes) and the Java SDK's
// DescribeUHostAvailableDiskTypesResponse. The docs' response examples are placeholders, so the
// field tables are the source.

export const ZBootDiskInfo = z.looseObject({
  /** `CLOUD_SSD`, `CLOUD_RSSD`, `LOCAL_NORMAL`, `LOCAL_SSD`, … */
  Name: str.optional(),
  /** False for local disks: the boot disk cannot be grown. */
  InstantResize: bool.optional(),
  MaximalSize: num.optional(),
  Features: z.array(str).optional(),
});
export const ZDataDiskInfo = z.looseObject({
  Name: str.optional(),
  /** Absent = the image size (docs: 20 GB Linux, 40 GB Windows). */
  MinimalSize: num.optional(),
  MaximalSize: num.optional(),
  Features: z.array(str).optional(),
  BackupMode: z.array(str).optional(),
});
/** One disk medium class (`cloudDisk`, `normalLocalDisk`, `ssdLocalDisk`) with its boot/data types. */
export const ZDisks = z.looseObject({
  Name: str.optional(),
  BootDisk: z.array(ZBootDiskInfo).optional(),
  DataDisk: z.array(ZDataDiskInfo).optional(),
});

const ZCpuPlatforms = z.looseObject({
  Intel: z.array(str).optional(),
  Amd: z.array(str).optional(),
  Ampere: z.array(str).optional(),
});
const ZMachineSizes = z.looseObject({
  Gpu: num.optional(),
  Collection: z
    .array(z.looseObject({ Cpu: num.optional(), Memory: z.array(num).optional(), MinimalCpuPlatform: z.array(str).optional() }))
    .optional(),
});
const ZInstanceFeatures = z.looseObject({
  Name: str.optional(),
  Modes: z
    .array(z.looseObject({ Name: str.optional(), RelatedToImageFeature: z.array(str).optional(), MinimalCpuPlatform: z.array(str).optional() }))
    .optional(),
});
const ZMetric = z.looseObject({ Value: num.optional(), Rate: num.optional() });

export const ZAvailableInstanceTypes = z.looseObject({
  Zone: str.optional(),
  /** `uhost` or `spot` (newer docs only). */
  InstanceType: str.optional(),
  /** Machine type: `N`, `C`, `G`, `O`, `OM`, `OMEM`, `OPRO`, … */
  Name: str.optional(),
  /** `Normal` (on sale), `Beta`, `Soldout`, `Hidden`. */
  Status: str.optional(),
  CpuPlatforms: ZCpuPlatforms.optional(),
  Disks: z.array(ZDisks).optional(),
  MachineSizes: z.array(ZMachineSizes).optional(),
  Features: z.array(ZInstanceFeatures).optional(),
  /** `GPU` or `Normal`. */
  MachineClass: str.optional(),
  GraphicsMemory: ZMetric.optional(),
  Performance: ZMetric.optional(),
  ParentType: str.optional(),
  Description: str.optional(),
});
export const ZDescribeAvailableInstanceTypesResponse = response({
  AvailableInstanceTypes: list(ZAvailableInstanceTypes),
  Status: str.optional(),
});

export const ZAvailableDiskTypes = z.looseObject({
  Zone: str.optional(),
  UHostId: str.optional(),
  AvailableDisks: z.array(ZDisks).optional(),
});
export const ZDescribeUHostAvailableDiskTypesResponse = response({ DiskTypeSet: list(ZAvailableDiskTypes) });

// --- UHost: key pairs ---------------------------------------------------------------------
// Source: UCloudDoc-Team/api uhost-api/create_uhost_key_pair.md and describe_uhost_key_pairs.md
// (field tables; the response examples are placeholders), terraform-provider-ucloud's key pair
// resource (KeyPair.KeyPairId / PrivateKeyBody / KeyPairFingerPrint).

export const ZUHostKeyPair = z.looseObject({
  ProjectId: str.optional(),
  KeyPairId: str,
  KeyPairName: str.optional(),
  /** md5(ProjectId|KeyPairId|PublicKey). */
  KeyPairFingerPrint: str.optional(),
  /** Only in CreateUHostKeyPair's answer. */
  PrivateKeyBody: str.optional(),
  CreateTime: num.optional(),
});
export const ZCreateUHostKeyPairResponse = response({ KeyPair: ZUHostKeyPair });
export const ZDescribeUHostKeyPairsResponse = response({ TotalCount: num.optional(), KeyPairs: list(ZUHostKeyPair) });

// --- VPC ----------------------------------------------------------------------------------

export const ZVPCInfo = z.looseObject({
  VPCId: str,
  Name: str.optional(),
  Tag: str.optional(),
  Remark: str.optional(),
  /** `DefaultVPC` or `DefinedVPC`. */
  VPCType: str.optional(),
  Network: z.array(str).optional(),
  NetworkInfo: z.array(z.looseObject({ Network: str.optional(), SubnetCount: num.optional() })).optional(),
  SubnetCount: num.optional(),
  CreateTime: num.optional(),
  UpdateTime: num.optional(),
  IPv6Network: str.optional(),
  OperatorName: str.optional(),
});
export const ZDescribeVPCResponse = response({ TotalCount: num.optional(), DataSet: list(ZVPCInfo) });

export const ZSubnetInfo = z.looseObject({
  SubnetId: str,
  SubnetName: str.optional(),
  VPCId: str.optional(),
  VPCName: str.optional(),
  Zone: str.optional(),
  Subnet: str.optional(),
  Netmask: str.optional(),
  Gateway: str.optional(),
  SubnetType: num.optional(),
  Tag: str.optional(),
  Remark: str.optional(),
  CreateTime: num.optional(),
  HasNATGW: bool.optional(),
  RouteTableId: str.optional(),
  AvailableIPs: num.optional(),
  IPv6Network: str.optional(),
  AvailableIPv6Count: num.optional(),
});
export const ZDescribeSubnetResponse = response({ TotalCount: num.optional(), DataSet: list(ZSubnetInfo) });

// --- UNet: firewalls ----------------------------------------------------------------------

export const ZFirewallRule = z.looseObject({
  ProtocolType: str.optional(),
  DstPort: str.optional(),
  SrcIP: str.optional(),
  RuleAction: str.optional(),
  Priority: str.optional(),
  Remark: str.optional(),
});
export const ZFirewallDataSet = z.looseObject({
  FWId: str,
  GroupId: str.optional(),
  Name: str.optional(),
  Tag: str.optional(),
  Remark: str.optional(),
  ResourceCount: num.optional(),
  CreateTime: num.optional(),
  /** `user defined`, `recommend web`, `recommend non web`. */
  Type: str.optional(),
  Rule: z.array(ZFirewallRule).optional(),
});
export const ZDescribeFirewallResponse = response({ TotalCount: num.optional(), DataSet: list(ZFirewallDataSet) });
export const ZCreateFirewallResponse = response({ FWId: str });

// --- UNet: EIPs ---------------------------------------------------------------------------

export const ZEIPAddr = z.looseObject({ OperatorName: str.optional(), IP: str.optional() });
export const ZAllocateEIPResponse = response({
  EIPSet: z.array(z.looseObject({ EIPId: str, EIPAddr: z.array(ZEIPAddr).optional() })).min(1),
});

export const ZUnetEIPSet = z.looseObject({
  EIPId: str,
  Weight: num.optional(),
  BandwidthType: num.optional(),
  Bandwidth: num.optional(),
  /** `used`, `free`, `freeze`. */
  Status: str.optional(),
  ChargeType: str.optional(),
  CreateTime: num.optional(),
  ExpireTime: num.optional(),
  Resource: z
    .looseObject({
      ResourceType: str.optional(),
      ResourceName: str.optional(),
      // The field table says ResourceID, the example too; keep both spellings readable.
      ResourceID: str.optional(),
      ResourceId: str.optional(),
      Zone: str.optional(),
    })
    .optional(),
  EIPAddr: z.array(ZEIPAddr).optional(),
  Name: str.optional(),
  Tag: str.optional(),
  Remark: str.optional(),
  PayMode: str.optional(),
  Expire: bool.optional(),
});
export const ZDescribeEIPResponse = response({
  TotalCount: num.optional(),
  UnbindCount: num.optional(),
  TotalBandwidth: num.optional(),
  EIPSet: list(ZUnetEIPSet),
});

/** Actions whose response is the envelope only. */
export const ZEmptyResponse = response({});
