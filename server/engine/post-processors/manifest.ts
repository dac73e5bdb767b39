// Packer's `manifest` post-processor: appends one entry per build to a JSON file and records the
// run's uuid as `last_run_uuid`. Written through the build's FileSource (never the server's disk).
import type { FileSource } from '../communicator/types';
import type { TManifestPostProcessor } from '../template/post-processors';

export interface ManifestBuild {
  name: string;
  builder_type: string;
  build_time: number;
  files: { name: string; size: number }[];
  artifact_id: string;
  packer_run_uuid: string;
  custom_data: Record<string, string>;
}

export interface Manifest {
  builds: ManifestBuild[];
  last_run_uuid: string;
}

export interface ManifestEntry {
  name: string;
  builderType: string;
  artifactId: string;
  runUuid: string;
  /** When the build finished. */
  at: Date;
}

// Parallel builds of one template write the same file: serialise per path.
const locks = new Map<string, Promise<unknown>>();

export async function writeManifest(files: FileSource, config: TManifestPostProcessor, entry: ManifestEntry): Promise<Manifest> {
  const path = config.output;
  const previous = locks.get(path) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(async () => {
    let manifest: Manifest = { builds: [], last_run_uuid: '' };
    try {
      const parsed = JSON.parse((await files.read(path)).toString('utf8')) as Partial<Manifest>;
      if (Array.isArray(parsed.builds)) manifest = { builds: parsed.builds, last_run_uuid: parsed.last_run_uuid ?? '' };
    } catch {
      // No manifest yet (or not ours): start a new one, as Packer does.
    }
    manifest.builds.push({
      name: entry.name,
      builder_type: entry.builderType,
      build_time: config.strip_time ? 0 : Math.floor(entry.at.getTime() / 1000),
      files: [],
      artifact_id: entry.artifactId,
      packer_run_uuid: entry.runUuid,
      custom_data: { ...config.custom_data },
    });
    manifest.last_run_uuid = entry.runUuid;
    await files.write(path, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
    return manifest;
  });
  locks.set(path, next);
  try {
    return await next;
  } finally {
    if (locks.get(path) === next) locks.delete(path);
  }
}
