import type { HostBuildState } from '../common/types';

/** The typed state of one ucloud-uhost build. */
export interface UcloudUhostState extends HostBuildState {
  /** The project images are made in (artifact ids are project:region:image). */
  projectId: string;
}
