export { UCloudClient, UCLOUD_DEFAULT_BASE_URL, type ActionOptions, type ListImagesOptions, type UCloudClientOptions, type UCloudLogger } from './client';
export { flattenParams, formatValue, signParams, stringToSign, type FlatParams, type FlatValue } from './signature';
export { THROTTLE_RET_CODES, isRetryableFailure } from './retry-policy';
export type * from './types';
