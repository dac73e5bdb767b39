import { posix } from 'node:path';
import type { InMemoryFs } from 'just-bash';
import type { ServerChannel } from 'ssh2';
import { ByteReader, writeAll } from './byte-reader';

export interface ScpRequest {
  mode: 'sink' | 'source';
  recursive: boolean;
  targetMustBeDir: boolean;
  preserveTimes: boolean;
  paths: string[];
}

/**
 * Recognises the remote half of classic scp (`scp -t DEST` to upload, `scp -f SRC` to download),
 * which Packer's file provisioner and `scp -O` start as the exec command.
 */
export function parseScpCommand(command: string): ScpRequest | undefined {
  const words = splitWords(command);
  if (!words || (words[0] !== 'scp' && !words[0]?.endsWith('/scp'))) return undefined;
  const req: ScpRequest = { mode: 'sink', recursive: false, targetMustBeDir: false, preserveTimes: false, paths: [] };
  let direction: 'sink' | 'source' | undefined;
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      i++;
      break;
    }
    if (!w.startsWith('-') || w.length === 1) break;
    for (const ch of w.slice(1)) {
      if (ch === 't') direction = 'sink';
      else if (ch === 'f') direction = 'source';
      else if (ch === 'r') req.recursive = true;
      else if (ch === 'd') req.targetMustBeDir = true;
      else if (ch === 'p') req.preserveTimes = true;
    }
  }
  req.paths = words.slice(i);
  if (!direction || req.paths.length === 0) return undefined;
  req.mode = direction;
  return req;
}

/** Shell-like word splitting (quotes, backslashes); undefined if the line has shell operators. */
function splitWords(line: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return undefined;
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length) j++;
        word += line[j];
      }
      if (j >= line.length) return undefined;
      i = j;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (';&|<>`$()'.includes(c)) {
      return undefined;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

const OK = Buffer.from([0]);

interface Target {
  fs: InMemoryFs;
  /** Where relative paths start: the login user's home. */
  cwd: string;
  /** Records the owner of what an upload creates (the login user). */
  own(path: string): void;
}

/** Runs one scp transfer over the exec channel; resolves with scp's exit status. */
export async function runScp(channel: ServerChannel, req: ScpRequest, target: Target): Promise<number> {
  const reader = new ByteReader(channel);
  return req.mode === 'sink' ? sink(channel, reader, req, target) : source(channel, reader, req, target);
}

async function isDirectory(fs: InMemoryFs, path: string): Promise<boolean> {
  return fs.stat(path).then((s) => s.isDirectory, () => false);
}

async function sink(channel: ServerChannel, reader: ByteReader, req: ScpRequest, t: Target): Promise<number> {
  const fs = t.fs;
  const target = posix.resolve(t.cwd, req.paths[0]!);
  let errors = 0;
  const warn = async (message: string) => {
    errors++;
    await writeAll(channel, `\x01scp: ${message}\n`);
  };
  const targetIsDir = await isDirectory(fs, target);
  if (req.targetMustBeDir && !targetIsDir) {
    await writeAll(channel, `\x01scp: ${req.paths[0]}: Not a directory\n`);
    return 1;
  }
  await writeAll(channel, OK);
  const dirs: string[] = [];
  let times: { atime: Date; mtime: Date } | undefined;
  for (;;) {
    const line = await reader.readLine();
    if (line === null) break;
    const kind = line[0];
    if (kind === '\x01' || kind === '\x02') {
      errors++;
      if (kind === '\x02') break;
      continue;
    }
    if (kind === 'T') {
      const m = line.match(/^T(\d+) \d+ (\d+) \d+$/);
      if (!m) return fatal(channel, 'protocol error: mtime.sec not delimited');
      times = { mtime: new Date(Number(m[1]) * 1000), atime: new Date(Number(m[2]) * 1000) };
      await writeAll(channel, OK);
      continue;
    }
    if (kind === 'E') {
      dirs.pop();
      await writeAll(channel, OK);
      continue;
    }
    const m = line.match(/^([CD])([0-7]{4}) (\d+) (.+)$/);
    if (!m) return fatal(channel, `protocol error: ${JSON.stringify(line).slice(0, 60)}`);
    const [, type, modeText, sizeText, name] = m as unknown as [string, 'C' | 'D', string, string, string];
    if (name.includes('/') || name === '..' || name === '.') return fatal(channel, `error: unexpected filename: ${name}`);
    const mode = parseInt(modeText, 8);
    const parent = dirs[dirs.length - 1];
    // Without a directory to put it in, the first item takes the target's own name.
    const dest = parent !== undefined ? posix.join(parent, name) : targetIsDir ? posix.join(target, name) : target;
    if (type === 'D') {
      if (!req.recursive) return fatal(channel, 'received directory without -r');
      if ((await fs.exists(dest)) && !(await isDirectory(fs, dest))) return fatal(channel, `${dest}: Not a directory`);
      if (!(await fs.exists(dest))) {
        if (!(await isDirectory(fs, posix.dirname(dest)))) return fatal(channel, `${dest}: No such file or directory`);
        await fs.mkdir(dest);
        t.own(dest);
      }
      await fs.chmod(dest, mode);
      dirs.push(dest);
      times = undefined;
      await writeAll(channel, OK);
      continue;
    }
    await writeAll(channel, OK);
    const data = await reader.read(Number(sizeText));
    if (!data) break;
    await reader.readByte(); // the source's \0 after the data
    if (!(await isDirectory(fs, posix.dirname(dest)))) {
      await warn(`${dest}: No such file or directory`);
      continue;
    }
    if (await isDirectory(fs, dest)) {
      await warn(`${dest}: Is a directory`);
      continue;
    }
    await fs.writeFile(dest, data);
    await fs.chmod(dest, mode);
    t.own(dest);
    if (times) await fs.utimes(dest, times.atime, times.mtime);
    times = undefined;
    await writeAll(channel, OK);
  }
  return errors ? 1 : 0;
}

async function fatal(channel: ServerChannel, message: string): Promise<number> {
  await writeAll(channel, `\x02scp: ${message}\n`);
  return 1;
}

async function source(channel: ServerChannel, reader: ByteReader, req: ScpRequest, t: Target): Promise<number> {
  const fs = t.fs;
  let errors = 0;
  /** The sink's answer: \0, or a warning / fatal error with a message line. */
  const ack = async (): Promise<'ok' | 'warn' | 'stop'> => {
    const code = await reader.readByte();
    if (code === 0) return 'ok';
    if (code === null) return 'stop';
    await reader.readLine();
    errors++;
    return code === 1 ? 'warn' : 'stop';
  };
  const send = async (path: string, name: string): Promise<'ok' | 'warn' | 'stop'> => {
    const st = await fs.stat(path);
    if (req.preserveTimes) {
      const secs = Math.floor(st.mtime.getTime() / 1000);
      await writeAll(channel, `T${secs} 0 ${secs} 0\n`);
      const a = await ack();
      if (a !== 'ok') return a;
    }
    const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
    if (st.isDirectory) {
      await writeAll(channel, `D${mode} 0 ${name}\n`);
      const a = await ack();
      if (a !== 'ok') return a;
      for (const child of (await fs.readdir(path)).sort()) {
        if ((await send(posix.join(path, child), child)) === 'stop') return 'stop';
      }
      await writeAll(channel, 'E\n');
      return ack();
    }
    const data = Buffer.from(await fs.readFileBuffer(path));
    await writeAll(channel, `C${mode} ${data.length} ${name}\n`);
    const a = await ack();
    if (a !== 'ok') return a;
    await writeAll(channel, data);
    await writeAll(channel, OK);
    return ack();
  };
  if ((await reader.readByte()) !== 0) return 1;
  for (const p of req.paths) {
    const path = posix.resolve(t.cwd, p);
    if (!(await fs.exists(path))) {
      errors++;
      await writeAll(channel, `\x01scp: ${p}: No such file or directory\n`);
      continue;
    }
    if ((await isDirectory(fs, path)) && !req.recursive) {
      errors++;
      await writeAll(channel, `\x01scp: ${p}: not a regular file\n`);
      continue;
    }
    if ((await send(path, posix.basename(path))) === 'stop') break;
  }
  return errors ? 1 : 0;
}
