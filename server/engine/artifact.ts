// Packer's artifacts, per builder: the id (`Id()`) and the text (`String()`) a build prints.
// ucloud-uhost (reference ucloud-api.md §3.7): `project:region:image`, sorted, comma-joined.
// amazon-ebs (ec2-api.md §5.3): `region:ami`, sorted, comma-joined.
import type { ProducedImage } from './builders/common/types';

export type BuilderType = 'ucloud-uhost' | 'amazon-ebs';

export const BUILDER_IDS: Record<BuilderType, string> = {
  'ucloud-uhost': 'ucloud.uhost',
  'amazon-ebs': 'mitchellh.amazonebs',
};

export function artifactId(type: BuilderType, images: readonly ProducedImage[]): string {
  const parts = images.map((i) => (type === 'ucloud-uhost' ? `${i.projectId ?? ''}:${i.region}:${i.imageId}` : `${i.region}:${i.imageId}`));
  return parts.sort().join(',');
}

export function artifactString(type: BuilderType, images: readonly ProducedImage[]): string {
  if (type === 'ucloud-uhost') {
    const lines = images.map((i) => `${i.projectId ?? ''}: ${i.region}: ${i.imageId}`).sort();
    return `UCloud images were created:\n\n${lines.join('\n')}`;
  }
  const lines = images.map((i) => `${i.region}: ${i.imageId}`).sort();
  return `AMIs were created:\n${lines.join('\n')}\n`;
}
