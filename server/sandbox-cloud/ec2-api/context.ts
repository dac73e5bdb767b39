import type { Params } from './query';
import type { XmlObject } from './xml';
import type { AwsAccount, RegionSpec } from '../world/types';
import type { World } from '../world/world';

/** What every EC2 action gets: the world, the signed-in account, the scope's region, the parameters. */
export interface Ec2Context {
  world: World;
  account: AwsAccount;
  region: RegionSpec;
  params: Params;
  requestId: string;
}

/** An action returns the children of its `<{Action}Response>` root (requestId is added for it). */
export type Ec2Action = (ctx: Ec2Context) => XmlObject | Promise<XmlObject>;

/** `<return>true</return>`: what EC2 answers for actions whose output is empty in the model. */
export const RETURN_TRUE: XmlObject = { return: true };
