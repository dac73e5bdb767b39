import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

// The data folder holds the PGlite database (cloud keys sealed, password hashes, sessions) and
// the generated secrets: owner-only, folders 0700 and files 0600. Folders made by an older
// version (0755 / 0644 under the usual umask) are fixed at every start.

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) owner-only and makes everything under it owner-only. */
export function ensurePrivateDir(dir: string): void {
  const abs = path.resolve(dir);
  mkdirSync(abs, { recursive: true, mode: PRIVATE_DIR_MODE });
  privatiseTree(abs);
}

/** chmod the tree: folders 0700, files 0600; symlinks are left alone (and not followed). */
export function privatiseTree(root: string): void {
  const stack = [root];
  while (stack.length > 0) {
    const current = stack.pop()!;
    let st;
    try {
      st = lstatSync(current);
    } catch {
      continue; // removed meanwhile (PGlite's temporary files)
    }
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) {
      if ((st.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(current, PRIVATE_DIR_MODE);
      for (const name of readdirSync(current)) stack.push(path.join(current, name));
    } else if ((st.mode & 0o777 & ~PRIVATE_FILE_MODE) !== 0) {
      // Only take bits away (an executable bit would be odd here, but keep owner bits as they are).
      chmodSync(current, st.mode & 0o700);
    }
  }
}
