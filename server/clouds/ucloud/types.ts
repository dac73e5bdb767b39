import type { z } from 'zod';
import type * as S from './schemas';

// Request and response shapes, named after UCloud's actions and fields (reference §2).
// Requests are plain nested objects; the client flattens them (`Disks: [{…}]` → `Disks.0.Size`).

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
  /**
   * Awaited before every request is sent, each retry included (the provider's
   * CallOptions.beforeRequest: an API budget charges exactly the requests that go out).
   */
  beforeRequest?: (action: string, region: string) => Promise<void>;
}

/** Region/project overrides; the client's configured ones are used when omitted. */
export interface Scoped {
  Region?: string;
  ProjectId?: string;
}
export interface ZoneScoped extends Scoped {
  Zone?: string;
}
export interface Paged {
  Offset?: number;
  Limit?: number;
}

// --- UAccount -----------------------------------------------------------------------------

export interface TGetProjectListRequest {
  IsFinance?: 'Yes' | 'No';
}
export type TGetRegionResponse = z.infer<typeof S.ZGetRegionResponse>;
export type TRegionInfo = z.infer<typeof S.ZRegionInfo>;
export type TGetProjectListResponse = z.infer<typeof S.ZGetProjectListResponse>;
export type TProjectListInfo = z.infer<typeof S.ZProjectListInfo>;

// --- UHost: images ------------------------------------------------------------------------

export type ImageType = 'Base' | 'Business' | 'Custom';
export type OsType = 'Linux' | 'Windows';

export interface TDescribeImageRequest extends ZoneScoped, Paged {
  ImageType?: ImageType;
  OsType?: OsType;
  FuncType?: string;
  ImageId?: string;
  ImageIds?: string[];
  Tag?: string;
  PriceSet?: 0 | 1;
}
export type TDescribeImageResponse = z.infer<typeof S.ZDescribeImageResponse>;
export type TUHostImageSet = z.infer<typeof S.ZUHostImageSet>;

/** One page of `listImages`; `page` is 1-based and equals the number of DescribeImage calls so far. */
export interface ImagePage {
  page: number;
  offset: number;
  limit: number;
  totalCount: number;
  images: TUHostImageSet[];
}

export interface TCreateCustomImageRequest extends ZoneScoped {
  UHostId: string;
  ImageName: string;
  ImageDescription?: string;
  Tag?: string;
  DataUDiskIds?: string[];
}
export type TCreateCustomImageResponse = z.infer<typeof S.ZCreateCustomImageResponse>;

export interface TCopyCustomImageRequest extends ZoneScoped {
  SourceImageId: string;
  TargetProjectId: string;
  /** Omit when not crossing regions. */
  TargetRegion?: string;
  TargetImageName?: string;
  TargetImageDescription?: string;
  TargetImageTag?: string;
}
export type TCopyCustomImageResponse = z.infer<typeof S.ZCopyCustomImageResponse>;

export interface TTerminateCustomImageRequest extends Scoped {
  ImageId: string;
}
export type TTerminateCustomImageResponse = z.infer<typeof S.ZTerminateCustomImageResponse>;

// --- UHost: instances ---------------------------------------------------------------------

export type DiskType = 'CLOUD_SSD' | 'CLOUD_RSSD' | 'CLOUD_NORMAL' | 'CLOUD_ESSD' | 'LOCAL_NORMAL' | 'LOCAL_SSD' | (string & {});
export type ChargeType = 'Year' | 'Month' | 'Dynamic' | 'Postpay' | 'Spot';
export type EIPPayMode = 'Traffic' | 'Bandwidth' | 'ShareBandwidth' | 'Free' | 'PostAccurateBandwidth';

export interface UHostDisk {
  IsBoot: boolean;
  Type: DiskType;
  /** GB. */
  Size: number;
  BackupType?: 'NONE' | 'SNAPSHOT';
  Encrypted?: boolean;
  KmsKeyId?: string;
  SnapshotId?: string;
}

export interface UHostNetworkInterface {
  EIP?: {
    /** Mbps. */
    Bandwidth: number;
    PayMode?: EIPPayMode;
    /** `Bgp` in mainland regions, `International` for hk and overseas (reference §4). */
    OperatorName: 'Bgp' | 'International' | (string & {});
    ShareBandwidthId?: string;
  };
}

export interface TCreateUHostInstanceRequest extends Scoped {
  Zone: string;
  ImageId: string;
  Disks: UHostDisk[];
  LoginMode: 'Password' | 'KeyPair' | 'ImagePasswd';
  /** Plain text; the client base64-encodes it for the wire, like the Go SDK. */
  Password?: string;
  KeyPairId?: string;
  Name?: string;
  Tag?: string;
  ChargeType?: ChargeType;
  Quantity?: number;
  MachineType?: string;
  CPU?: number;
  /** MB, a multiple of 1024. */
  Memory?: number;
  MinimalCpuPlatform?: string;
  GpuType?: string;
  GPU?: number;
  NetCapability?: string;
  VPCId?: string;
  SubnetId?: string;
  SecurityGroupId?: string;
  NetworkInterface?: UHostNetworkInterface[];
  /** Already base64-encoded cloud-init data (≤ 16 KB); the image needs the `CloudInit` feature. */
  UserData?: string;
  MaxCount?: number;
}
export type TCreateUHostInstanceResponse = z.infer<typeof S.ZCreateUHostInstanceResponse>;

export interface TDescribeUHostInstanceRequest extends ZoneScoped, Paged {
  UHostIds?: string[];
  Tag?: string;
  VPCId?: string;
  SubnetId?: string;
}
export type TDescribeUHostInstanceResponse = z.infer<typeof S.ZDescribeUHostInstanceResponse>;
export type TUHostInstanceSet = z.infer<typeof S.ZUHostInstanceSet>;

export interface TUHostIdRequest extends ZoneScoped {
  UHostId: string;
}
export type TStopUHostInstanceRequest = TUHostIdRequest;
export type TPoweroffUHostInstanceRequest = TUHostIdRequest;
export interface TStartUHostInstanceRequest extends TUHostIdRequest {
  DiskPassword?: string;
}
export type TUHostIdResponse = z.infer<typeof S.ZUHostIdResponse>;

export interface TTerminateUHostInstanceRequest extends TUHostIdRequest {
  ReleaseEIP?: boolean;
  ReleaseUDisk?: boolean;
}
export type TTerminateUHostInstanceResponse = z.infer<typeof S.ZTerminateUHostInstanceResponse>;

// --- UHost: discovery ---------------------------------------------------------------------

export interface TDescribeAvailableInstanceTypesRequest extends ZoneScoped {
  MachineTypes?: string[];
}
export type TDescribeAvailableInstanceTypesResponse = z.infer<typeof S.ZDescribeAvailableInstanceTypesResponse>;
export type TAvailableInstanceTypes = z.infer<typeof S.ZAvailableInstanceTypes>;
export type TDisks = z.infer<typeof S.ZDisks>;

export interface TDescribeUHostAvailableDiskTypesRequest extends ZoneScoped {
  /** Required by the docs, up to 100: this action answers "what can be attached to these hosts". */
  UHostIds: string[];
}
export type TDescribeUHostAvailableDiskTypesResponse = z.infer<typeof S.ZDescribeUHostAvailableDiskTypesResponse>;

// --- UHost: key pairs --------------------------------------------------------------------

export interface TCreateUHostKeyPairRequest extends ZoneScoped {
  /** 1–63 letters, digits and symbols. */
  KeyPairName: string;
}
export type TCreateUHostKeyPairResponse = z.infer<typeof S.ZCreateUHostKeyPairResponse>;
export type TUHostKeyPair = z.infer<typeof S.ZUHostKeyPair>;

export interface TDescribeUHostKeyPairsRequest extends ZoneScoped, Paged {
  KeyPairName?: string;
  KeyPairFingerPrint?: string;
}
export type TDescribeUHostKeyPairsResponse = z.infer<typeof S.ZDescribeUHostKeyPairsResponse>;

export interface TDeleteUHostKeyPairsRequest extends ZoneScoped {
  KeyPairIds: string[];
}

// --- VPC ----------------------------------------------------------------------------------

export interface TDescribeVPCRequest extends Scoped, Paged {
  VPCIds?: string[];
  Tag?: string;
}
export type TDescribeVPCResponse = z.infer<typeof S.ZDescribeVPCResponse>;
export type TVPCInfo = z.infer<typeof S.ZVPCInfo>;

export interface TDescribeSubnetRequest extends Scoped, Paged {
  SubnetIds?: string[];
  SubnetId?: string;
  VPCId?: string;
  RouteTableId?: string;
  Tag?: string;
  ShowAvailableIPs?: boolean;
}
export type TDescribeSubnetResponse = z.infer<typeof S.ZDescribeSubnetResponse>;
export type TSubnetInfo = z.infer<typeof S.ZSubnetInfo>;

// --- UNet: firewalls ----------------------------------------------------------------------

export interface TDescribeFirewallRequest extends Scoped, Paged {
  FWId?: string;
  ResourceType?: string;
  ResourceId?: string;
}
export type TDescribeFirewallResponse = z.infer<typeof S.ZDescribeFirewallResponse>;
export type TFirewallDataSet = z.infer<typeof S.ZFirewallDataSet>;

export interface TCreateFirewallRequest extends Scoped {
  Name: string;
  /** `PROTOCOL|PORT|SOURCE_CIDR|ACTION|PRIORITY|REMARK`, e.g. `TCP|22|0.0.0.0/0|ACCEPT|HIGH|ssh`. */
  Rule: string[];
  Tag?: string;
  Remark?: string;
}
export type TCreateFirewallResponse = z.infer<typeof S.ZCreateFirewallResponse>;

export interface TDeleteFirewallRequest extends Scoped {
  FWId: string;
}

// --- UNet: EIPs ---------------------------------------------------------------------------

export interface TAllocateEIPRequest extends Scoped {
  /** Note the spelling: `BGP` here, `Bgp` inside CreateUHostInstance. */
  OperatorName: 'BGP' | 'BGPPro' | 'International' | (string & {});
  Bandwidth: number;
  Tag?: string;
  ChargeType?: 'Year' | 'Month' | 'Dynamic';
  Quantity?: number;
  PayMode?: EIPPayMode;
  ShareBandwidthId?: string;
  Name?: string;
  Remark?: string;
}
export type TAllocateEIPResponse = z.infer<typeof S.ZAllocateEIPResponse>;

export interface TBindEIPRequest extends Scoped {
  EIPId: string;
  ResourceType: 'uhost' | 'ulb' | 'upm' | 'natgw' | 'uni' | (string & {});
  ResourceId: string;
  PrivateIP?: string;
}
export type TUnBindEIPRequest = Omit<TBindEIPRequest, 'PrivateIP'>;
export interface TReleaseEIPRequest extends Scoped {
  EIPId: string;
}

export interface TDescribeEIPRequest extends Scoped, Paged {
  EIPIds?: string[];
  IPs?: string[];
}
export type TDescribeEIPResponse = z.infer<typeof S.ZDescribeEIPResponse>;
export type TUnetEIPSet = z.infer<typeof S.ZUnetEIPSet>;

export type TEmptyResponse = z.infer<typeof S.ZEmptyResponse>;
