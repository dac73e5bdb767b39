// Formats engine events for the CLI, Packer style: human lines (`==> build: Creating host…`,
// without colours) or `--machine-readable` records (`timestamp,target,type,data…`, commas in data
// escaped as `%!(PACKER_COMMA)`, newlines as `\n`).
import { BUILDER_IDS } from './artifact';
import type { BuildResult } from './build';
import type { RunEvent } from './runner/reporter';

const RUN_TITLES: Record<string, string> = {
  'resolve-source-image': 'Checking the source image…',
  'create-login': 'Preparing the login…',
  'create-key-pair': 'Creating a temporary key pair…',
  'create-firewall': 'Creating a temporary firewall…',
  'create-host': 'Creating host…',
  'wait-host-running': 'Waiting for the host to run…',
  'connect-ssh': 'Connecting over SSH…',
  provision: 'Provisioning…',
  'stop-host': 'Stopping the host…',
  'create-image': 'Creating the image…',
  'wait-image': 'Waiting for the image to become available…',
  'copy-image': 'Copying the image to other regions…',
};

const CLEANUP_TITLES: Record<string, string> = {
  'create-key-pair': 'Deleting the temporary key pair…',
  'create-firewall': 'Deleting the temporary firewall…',
  'create-host': 'Terminating the host…',
  'connect-ssh': 'Closing the SSH connection…',
  'create-image': 'Keeping or deleting the image…',
  'copy-image': 'Keeping or deleting the image copies…',
};

export interface UiLine {
  /** Packer's ui types: `say` (==> headline), `message` (indented detail), `error`. */
  kind: 'say' | 'message' | 'error';
  target: string;
  text: string;
  /** A line a remote command printed: always indented (`    name: line`), never a `==>` headline, stderr included. */
  remote?: boolean;
}

/** Output of a command on the host: stdout, and stderr of the provision step (the engine's own stderr lines are errors). */
const isRemoteOutput = (event: Extract<RunEvent, { type: 'log' }>): boolean =>
  event.stream === 'stdout' || (event.stream === 'stderr' && event.step === 'provision' && event.phase === 'run');

/** What one event shows, for a build called `name` (null: nothing worth a line). */
export function describeEvent(event: RunEvent, name: string): UiLine | null {
  switch (event.type) {
    case 'step-started':
      if (event.phase === 'run') return { kind: 'say', target: name, text: RUN_TITLES[event.step] ?? `${event.step}…` };
      return CLEANUP_TITLES[event.step] ? { kind: 'say', target: name, text: CLEANUP_TITLES[event.step]! } : null;
    case 'step-finished':
      if (event.ok) return null;
      return { kind: 'error', target: name, text: event.phase === 'run' ? `Error: ${event.error?.userMessage ?? event.error?.message ?? 'failed'}` : `Cleanup of ${event.step} failed: ${event.error?.message ?? ''}` };
    case 'log':
      // Remote stderr keeps Packer's `error` ui type (machine-readable) but reads as output, not a step.
      if (isRemoteOutput(event)) return { kind: event.stream === 'stderr' ? 'error' : 'message', target: name, text: event.text, remote: true };
      return { kind: event.stream === 'stderr' ? 'error' : 'message', target: name, text: event.text };
    case 'resource-created':
      return { kind: 'message', target: name, text: `Created ${event.kind} ${event.id} in ${event.region}` };
    case 'resource-deleted':
      return { kind: 'message', target: name, text: `Deleted ${event.kind} ${event.id} in ${event.region}` };
    case 'artifact':
      return { kind: 'message', target: name, text: `Kept ${event.kind} ${event.id} in ${event.region}` };
    case 'run-finished': {
      const left = event.leftResources?.length ? ` Left behind: ${event.leftResources.map((r) => `${r.kind} ${r.id} (${r.region})`).join(', ')}.` : '';
      if (event.status === 'succeeded') return { kind: 'say', target: name, text: `Build '${name}' finished.${left}` };
      if (event.status === 'cancelled') return { kind: 'error', target: name, text: `Build '${name}' cancelled: ${event.error?.userMessage ?? ''}${left}` };
      return { kind: 'error', target: name, text: `Build '${name}' errored: ${event.error?.userMessage ?? event.error?.message ?? ''}${left}` };
    }
    default:
      return null;
  }
}

/** `==> name: text` for headlines and errors, `    name: text` for details and remote output (Packer's layout). */
export function humanLine(line: UiLine): string {
  return line.kind === 'message' || line.remote ? `    ${line.target}: ${line.text}` : `==> ${line.target}: ${line.text}`;
}

export function escapeMachine(data: string): string {
  return data.replace(/,/g, '%!(PACKER_COMMA)').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

export function machineLine(at: number | Date, target: string, type: string, ...data: string[]): string {
  const ts = Math.floor((typeof at === 'number' ? at : at.getTime()) / 1000);
  return [String(ts), target, type, ...data.map(escapeMachine)].join(',');
}

/** Packer prints ui lines with an empty target and the human text as data. */
export function machineUiLine(at: number, line: UiLine): string {
  return machineLine(at, '', 'ui', line.kind, humanLine(line));
}

/** Turns events into output lines; the CLI tells it each build's name as its run starts. */
export class EventFormatter {
  private readonly names = new Map<string, string>();

  constructor(private readonly mode: 'human' | 'machine') {}

  nameRun(runId: string, name: string): void {
    this.names.set(runId, name);
  }

  format(event: RunEvent): string[] {
    const line = describeEvent(event, this.names.get(event.runId) ?? event.runId);
    if (!line) return [];
    return [this.mode === 'human' ? humanLine(line) : machineUiLine(event.at, line)];
  }

  /** The closing summary: Packer's "Builds finished" block, or its artifact records. */
  summary(results: readonly BuildResult[], at = Date.now()): string[] {
    const ok = results.filter((r) => r.artifact);
    if (this.mode === 'human') {
      const out: string[] = [];
      for (const r of results.filter((x) => x.status !== 'succeeded')) out.push(`==> Build '${r.name}' ${r.status}: ${r.error?.userMessage ?? ''}`);
      if (ok.length === 0) return [...out, '==> Builds finished but no artifacts were created.'];
      out.push('==> Builds finished. The artifacts of successful builds are:');
      for (const r of ok) {
        out.push(`--> ${r.name}: ${r.artifact!.text.trimEnd()}`);
        for (const f of r.artifact!.copyFailures) out.push(`--> ${r.name}: copy to ${f.region} FAILED: ${f.error}`);
      }
      return out;
    }
    const out: string[] = [];
    for (const r of ok) {
      const a = r.artifact!;
      out.push(machineLine(at, r.name, 'artifact-count', '1'));
      out.push(machineLine(at, r.name, 'artifact', '0', 'builder-id', BUILDER_IDS[r.type]));
      out.push(machineLine(at, r.name, 'artifact', '0', 'id', a.id));
      out.push(machineLine(at, r.name, 'artifact', '0', 'string', a.text));
      out.push(machineLine(at, r.name, 'artifact', '0', 'files-count', '0'));
      for (const f of a.copyFailures) out.push(machineLine(at, r.name, 'artifact', '0', 'copy-failure', f.region, f.error));
      out.push(machineLine(at, r.name, 'artifact', '0', 'end'));
    }
    for (const r of results.filter((x) => x.status !== 'succeeded')) out.push(machineLine(at, r.name, 'error', r.error?.userMessage ?? r.status));
    return out;
  }
}
