// The `file` provisioner: uploads `source`/`sources` (read from the build's files) or `content`
// to `destination` on the host, or with `direction: download` brings a host file back into the
// build's files. A destination ending in "/" is a directory: the file keeps its base name there
// (Packer's rule; the directory must already exist on the host).
import path from 'node:path';
import type { Communicator } from '../communicator/types';
import type { TFileProvisioner } from '../template/provisioners';
import { FileSourceError } from './file-source';
import type { ProvisionerRunContext } from './types';

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export async function runFileProvisioner(comm: Communicator, config: TFileProvisioner, ctx: ProvisionerRunContext): Promise<void> {
  const sources = config.sources ?? (config.source !== undefined ? [config.source] : []);
  if (config.direction === 'download') {
    for (const source of sources) await download(comm, ctx, source, intoDirectory(config.destination, sources.length) ? joinDir(config.destination, source) : config.destination);
    return;
  }
  if (config.content !== undefined) {
    if (config.destination.endsWith('/')) throw ctx.fail('config', `"destination" ${config.destination} is a directory, but "content" needs a file path`);
    const data = Buffer.from(config.content, 'utf8');
    ctx.log(`Uploading content (${data.length} bytes) => ${config.destination}`, 'info');
    await upload(comm, ctx, config.destination, data);
    return;
  }
  for (const source of sources) {
    if (source.endsWith('/')) throw ctx.fail('config', `"${source}" is a directory; upload its files one by one (directories are not supported)`, { retryable: false });
    let data: Buffer;
    try {
      data = await ctx.files.read(source);
    } catch (err) {
      if (err instanceof FileSourceError) throw ctx.fail('file', err.message, { cause: err });
      throw ctx.fail('file', `could not read "${source}": ${messageOf(err)}`, { cause: err });
    }
    const destination = intoDirectory(config.destination, sources.length) ? joinDir(config.destination, source) : config.destination;
    ctx.log(`Uploading ${source} (${data.length} bytes) => ${destination}`, 'info');
    await upload(comm, ctx, destination, data);
  }
}

/** Several sources always go into a directory; one goes into it only when the destination ends in "/". */
const intoDirectory = (destination: string, count: number): boolean => destination.endsWith('/') || count > 1;

function joinDir(dir: string, file: string): string {
  const base = path.posix.basename(file.replace(/\\/g, '/'));
  return dir.endsWith('/') ? `${dir}${base}` : `${dir}/${base}`;
}

async function upload(comm: Communicator, ctx: ProvisionerRunContext, destination: string, data: Buffer): Promise<void> {
  try {
    await comm.upload(destination, data, { signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    throw ctx.fail('transfer', `could not upload to ${destination}: ${messageOf(err)}`, { cause: err });
  }
}

async function download(comm: Communicator, ctx: ProvisionerRunContext, source: string, destination: string): Promise<void> {
  ctx.log(`Downloading ${source} => ${destination}`, 'info');
  let data: Buffer;
  try {
    data = await comm.download(source, { signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    throw ctx.fail('transfer', `could not download ${source}: ${messageOf(err)}`, { cause: err });
  }
  try {
    await ctx.files.write(destination, data);
  } catch (err) {
    if (err instanceof FileSourceError) throw ctx.fail('file', err.message, { cause: err });
    throw ctx.fail('file', `could not store the download as "${destination}": ${messageOf(err)}`, { cause: err });
  }
}
