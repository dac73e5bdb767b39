// Post-processors this console runs: `manifest` (Packer 1.6 options). Entries may be a type
// name, an object, or a sequence (array) of those.
import { z } from 'zod';
import { zBool, zFilePath, zStrList, zStrMap } from './schema-kit';

export const KNOWN_POST_PROCESSOR_TYPES = ['manifest'] as const;

export const ZManifestPostProcessor = z.strictObject({
  type: z.literal('manifest'),
  name: z.string().optional(),
  only: zStrList.optional(),
  except: zStrList.optional(),
  keep_input_artifact: zBool.optional(),
  output: zFilePath.default('packer-manifest.json'),
  strip_path: zBool.default(false),
  strip_time: zBool.default(false),
  custom_data: zStrMap.default({}),
});

export type TManifestPostProcessor = z.output<typeof ZManifestPostProcessor>;
