import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSourceError, folderFileSource, memoryFileSource } from './file-source';

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'rome-files-'));
  root = path.join(base, 'build');
  await mkdir(path.join(root, 'files'), { recursive: true });
  await writeFile(path.join(root, 'files/setup.sh'), 'echo setup\n');
  await writeFile(path.join(base, 'outside.txt'), 'secret outside\n');
  await symlink(path.join(base, 'outside.txt'), path.join(root, 'files/escape.txt'));
  await symlink(base, path.join(root, 'updir'));
  await symlink('setup.sh', path.join(root, 'files/alias.sh'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('folderFileSource', () => {
  it('reads files inside the root, also through links that stay inside', async () => {
    const src = folderFileSource(root);
    expect((await src.read('files/setup.sh')).toString()).toBe('echo setup\n');
    expect((await src.read('./files/alias.sh')).toString()).toBe('echo setup\n');
  });

  it.each([
    ['../etc/passwd', /File "\.\.\/etc\/passwd" climbs out/],
    ['/etc/passwd', /File "\/etc\/passwd" is an absolute path/],
    ['files/../../outside.txt', /climbs out/],
    ['C:\\Windows\\win.ini', /absolute path/],
    ['files/escape.txt', /File "files\/escape.txt" is a link to a file outside/],
    ['updir/outside.txt', /File "updir\/outside.txt" is a link to a file outside/],
    ['files/missing.sh', /File "files\/missing.sh" does not exist/],
    ['files', /is a directory|is not a regular file/],
  ])('refuses %s', async (file, message) => {
    const err = await folderFileSource(root).read(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileSourceError);
    expect((err as FileSourceError).message).toMatch(message);
    expect((err as FileSourceError).path).toBe(file);
  });

  it('writes inside the root (creating folders) and never through links out of it', async () => {
    const src = folderFileSource(root);
    await src.write('downloads/deep/out.txt', Buffer.from('down'));
    expect(await readFile(path.join(root, 'downloads/deep/out.txt'), 'utf8')).toBe('down');
    await expect(src.write('../x.txt', Buffer.from('x'))).rejects.toThrow(/climbs out/);
    await expect(src.write('/tmp/x.txt', Buffer.from('x'))).rejects.toThrow(/absolute path/);
    await expect(src.write('updir/planted.txt', Buffer.from('x'))).rejects.toThrow(/link outside/);
    await expect(src.write('files/escape.txt', Buffer.from('x'))).rejects.toThrow(/is a link/);
    expect(await readFile(path.join(base, 'outside.txt'), 'utf8')).toBe('secret outside\n');
  });
});

describe('memoryFileSource', () => {
  it('reads by normalized relative path, stores writes, refuses escapes', async () => {
    const src = memoryFileSource({ 'files/a.txt': 'A', 'b.bin': Buffer.from([1, 2]) });
    expect((await src.read('./files/a.txt')).toString()).toBe('A');
    expect([...(await src.read('b.bin'))]).toEqual([1, 2]);
    await src.write('out/c.txt', Buffer.from('C'));
    expect((await src.read('out/c.txt')).toString()).toBe('C');
    await expect(src.read('../etc/passwd')).rejects.toThrow(FileSourceError);
    await expect(src.read('/etc/passwd')).rejects.toThrow(/absolute path/);
    await expect(src.read('nope')).rejects.toThrow(/File "nope" is not among/);
  });
});
