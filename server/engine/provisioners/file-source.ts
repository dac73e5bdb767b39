// Where `file` provisioners and shell `script(s)` read local files. A template names files by
// relative paths inside the build's folder (its attachments and inputs); nothing here may hand
// out a file of the server itself, whatever the path or a symlink in the folder says.
import { constants, realpathSync, statSync } from 'node:fs';
import { mkdir, open, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { FileSource } from '../communicator/types';

/** A path a template may not use, or a file that is not there. `userMessage` names the path. */
export class FileSourceError extends Error {
  readonly path: string;
  readonly userMessage: string;

  constructor(file: string, problem: string) {
    super(`File "${file}" ${problem}.`);
    this.name = 'FileSourceError';
    this.path = file;
    this.userMessage = this.message;
  }
}

/** Why `file` may not be used as a path inside the build's files, or undefined when it may. */
function pathProblem(file: string): string | undefined {
  if (file === '') return 'is an empty path';
  if (file.includes('\0')) return 'contains a NUL character';
  if (path.posix.isAbsolute(file) || path.win32.isAbsolute(file) || /^[A-Za-z]:/.test(file)) return 'is an absolute path; only paths relative to the build\'s files are allowed';
  if (file.split(/[\\/]+/).includes('..')) return 'climbs out of the build\'s files with ".."';
  return undefined;
}

function checked(file: string): string {
  const problem = pathProblem(file);
  if (problem) throw new FileSourceError(file, problem);
  return file;
}

const inside = (root: string, target: string): boolean => {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

const isNotFound = (err: unknown): boolean => (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';

/** Files of a folder on the worker's disk (the build's checked-out inputs), confined to `root`. */
export function folderFileSource(root: string): FileSource {
  const rootReal = realpath(path.resolve(root));

  /** The real path of `file`, refusing anything that resolves (through symlinks too) outside the root. */
  async function resolveInside(file: string): Promise<{ base: string; full: string }> {
    const base = await rootReal;
    const full = path.resolve(base, checked(file));
    if (!inside(base, full)) throw new FileSourceError(file, 'is outside the build\'s files');
    return { base, full };
  }

  return {
    async read(file) {
      const { base, full } = await resolveInside(file);
      let real: string;
      try {
        real = await realpath(full);
      } catch (err) {
        if (isNotFound(err)) throw new FileSourceError(file, 'does not exist among the build\'s files');
        throw err;
      }
      if (!inside(base, real)) throw new FileSourceError(file, 'is a link to a file outside the build\'s files');
      const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'EISDIR') throw new FileSourceError(file, 'is a directory, not a file');
        throw err;
      });
      try {
        if (!(await handle.stat()).isFile()) throw new FileSourceError(file, 'is not a regular file');
        return await handle.readFile();
      } finally {
        await handle.close();
      }
    },

    async write(file, content) {
      const { base, full } = await resolveInside(file);
      const dir = path.dirname(full);
      // The nearest existing ancestor decides where a mkdir -p would really land.
      let probe = dir;
      for (;;) {
        const real = await realpath(probe).catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
        if (real !== undefined) {
          if (!inside(base, real)) throw new FileSourceError(file, 'would be written through a link outside the build\'s files');
          break;
        }
        probe = path.dirname(probe);
      }
      await mkdir(dir, { recursive: true });
      const realDir = await realpath(dir);
      if (!inside(base, realDir)) throw new FileSourceError(file, 'would be written through a link outside the build\'s files');
      // O_NOFOLLOW: a symlink planted at the target itself is refused rather than written through.
      const handle = await open(path.join(realDir, path.basename(full)), constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new FileSourceError(file, 'is a link; it will not be overwritten');
        throw err;
      });
      try {
        await handle.writeFile(content);
      } finally {
        await handle.close();
      }
    },
  };
}

export interface MemoryFileSource extends FileSource {
  /** Everything readable, plus what `write` stored (by normalized relative path). */
  readonly files: Map<string, Buffer>;
}

const normalize = (file: string): string => path.posix.normalize(checked(file).replace(/\\/g, '/')).replace(/^\.\//, '');

/** Files held in memory: a template's attachments, and tests. */
export function memoryFileSource(files: Record<string, Buffer | string> = {}): MemoryFileSource {
  const map = new Map<string, Buffer>(Object.entries(files).map(([k, v]) => [normalize(k), Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8')]));
  return {
    files: map,
    async read(file) {
      const content = map.get(normalize(file));
      if (content === undefined) throw new FileSourceError(file, 'is not among the template\'s attachments or the build\'s inputs');
      return Buffer.from(content);
    },
    async write(file, content) {
      map.set(normalize(file), Buffer.from(content));
    },
  };
}

/**
 * Several folders read as one, first match wins (the CLI: the template's attachments, then the
 * build's inputs). Writes (a download, the manifest) go to `writeTo`.
 */
export function layeredFileSource(layers: readonly FileSource[], writeTo: FileSource): FileSource {
  return {
    async read(file) {
      checked(file);
      let missing: FileSourceError | undefined;
      for (const layer of layers) {
        try {
          return await layer.read(file);
        } catch (err) {
          // Only "not here" moves on to the next folder; a link out of a folder or a directory stops.
          if (err instanceof FileSourceError && /does not exist|is not among/.test(err.message)) {
            missing ??= err;
            continue;
          }
          throw err;
        }
      }
      throw missing ?? new FileSourceError(file, 'does not exist among the build\'s files');
    },
    write: (file, content) => writeTo.write(file, content),
  };
}

/**
 * Whether `file` is a regular file inside one of `roots` (synchronous: the template check's
 * `fileExists`). A path the file sources would refuse, or a link out of its folder, is not there.
 */
export function folderFileExists(roots: readonly string[]): (file: string) => boolean {
  return (file) => {
    if (pathProblem(file)) return false;
    return roots.some((root) => {
      try {
        const base = realpathSync(path.resolve(root));
        const real = realpathSync(path.resolve(base, file));
        return inside(base, real) && statSync(real).isFile();
      } catch {
        return false;
      }
    });
  };
}
