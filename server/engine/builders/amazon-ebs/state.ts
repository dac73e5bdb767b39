import type { HostBuildState } from '../common/types';

/** The typed state of one amazon-ebs build. */
export interface AmazonEbsState extends HostBuildState {
  /** The temporary key pair's name (made by create-key-pair). */
  keyPairName?: string;
}
