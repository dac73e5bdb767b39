import { AwsProvider } from './aws/provider';
import type { ProviderOptions } from './options';
import type { CloudCredentials, CloudProvider } from './provider';
import { UCloudProvider } from './ucloud/provider';

// The one way the rest of the server gets a cloud: credentials in (decrypted just before),
// a CloudProvider out. Nothing outside this folder names a vendor's client.

export function createProvider(credentials: CloudCredentials, opts: ProviderOptions = {}): CloudProvider {
  switch (credentials.cloud) {
    case 'ucloud':
      return new UCloudProvider(credentials, opts);
    case 'aws':
      return new AwsProvider(credentials, opts);
    default: {
      const cloud: never = credentials.cloud;
      throw new TypeError(`unknown cloud ${String(cloud)}`);
    }
  }
}

export type * from './provider';
export { RUN_ID_TAG } from './provider';
export type { CloudLogger, ProviderOptions } from './options';
export { CloudApiError, isCloudApiError, isNotFound, isThrottled } from './cloud-error';
