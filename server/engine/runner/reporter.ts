// The engine reports through an injected reporter (STYLE.md: it never touches the database).
// A job turns these events into run rows, log lines and the resource ledger; tests collect them.
import type { CleanupOutcome, LogStream } from './step';

export type RunStatus = 'succeeded' | 'failed' | 'cancelled';
export type StepPhase = 'run' | 'cleanup';

/** Identifies one cloud resource for the ledger; `kind` is e.g. 'host', 'key-pair', 'firewall', 'image'. */
export interface ResourceRef {
  kind: string;
  id: string;
  region: string;
}

export interface TrackedResource extends ResourceRef {
  tags: Record<string, string>;
}

/** The run's product (an image in one region). Reporting it takes it off the "left behind" list. */
export interface ArtifactInfo extends ResourceRef {
  name?: string;
  /** The region the image was copied from, for copies. */
  sourceRegion?: string;
}

/** Errors as they travel in events: plain, redacted, safe to store. */
export interface ReportedError {
  message: string;
  userMessage?: string;
  step?: string;
}

interface EventBase {
  runId: string;
  /** Epoch milliseconds. */
  at: number;
}

export type RunEvent = EventBase &
  (
    | { type: 'run-started'; steps: string[] }
    | { type: 'run-finished'; status: RunStatus; error?: ReportedError; leftResources?: TrackedResource[] }
    | { type: 'step-started'; step: string; phase: StepPhase; outcome?: CleanupOutcome }
    | { type: 'step-finished'; step: string; phase: StepPhase; durationMs: number; ok: boolean; error?: ReportedError }
    | { type: 'log'; step: string; phase: StepPhase; stream: LogStream; text: string }
    | ({ type: 'resource-created'; step: string } & TrackedResource)
    | ({ type: 'resource-deleted'; step: string } & ResourceRef)
    | ({ type: 'artifact'; step: string } & ArtifactInfo)
  );

export type RunEventType = RunEvent['type'];
export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

export interface Reporter {
  /** Must not throw or block; the runner guards against a throwing reporter anyway. */
  emit(event: RunEvent): void;
}

export interface CollectingReporter extends Reporter {
  readonly events: RunEvent[];
  of<T extends RunEventType>(type: T): RunEventOf<T>[];
  /** Log texts, optionally of one step. */
  lines(step?: string): string[];
}

/** Keeps every event in memory; for tests and the CLI. */
export function collectingReporter(): CollectingReporter {
  const events: RunEvent[] = [];
  return {
    events,
    emit: (event) => void events.push(event),
    of: <T extends RunEventType>(type: T) => events.filter((e): e is RunEventOf<T> => e.type === type),
    lines: (step) => events.flatMap((e) => (e.type === 'log' && (step === undefined || e.step === step) ? [e.text] : [])),
  };
}

/** Fans events out to several reporters (e.g. the database and the live log stream). */
export function teeReporter(...reporters: Reporter[]): Reporter {
  return { emit: (event) => reporters.forEach((r) => r.emit(event)) };
}

const resourceKey = (r: ResourceRef) => `${r.kind}\u0000${r.region}\u0000${r.id}`;

/** Created minus deleted minus kept (artifacts), in creation order: what a run would leave behind. */
export class ResourceLedger {
  private readonly open = new Map<string, TrackedResource>();

  observe(event: RunEvent): void {
    if (event.type === 'resource-created') {
      this.open.set(resourceKey(event), { kind: event.kind, id: event.id, region: event.region, tags: { ...event.tags } });
    } else if (event.type === 'resource-deleted' || event.type === 'artifact') {
      this.open.delete(resourceKey(event));
    }
  }

  left(): TrackedResource[] {
    return [...this.open.values()];
  }
}

// ---- redaction -------------------------------------------------------------------------------

export const REDACTED = '[redacted]';
/** Shorter secrets (and base64 fragments) would redact ordinary words; they are not worth hiding. */
const MIN_SECRET_LENGTH = 4;
const MIN_FRAGMENT_LENGTH = 8;

/**
 * Every form a secret takes in a log: itself, its base64 and base64url encodings, and the
 * stable middle of its encoding at each of the three byte alignments — a password inside a
 * base64'd cloud-init payload lands at an arbitrary offset, which changes its leading and
 * trailing characters but not the ones in between.
 */
function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([secret]);
  const whole = bytes.toString('base64');
  forms.add(whole);
  forms.add(whole.replace(/=+$/, ''));
  forms.add(bytes.toString('base64url'));
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes, Buffer.alloc(3)]);
    const encoded = padded.toString('base64');
    // Characters whose 6 bits lie wholly inside the secret's bits.
    const first = Math.ceil((8 * offset) / 6);
    const last = Math.floor((8 * (offset + bytes.length) - 6) / 6);
    const fragment = encoded.slice(first, last + 1);
    if (fragment.length >= MIN_FRAGMENT_LENGTH) {
      forms.add(fragment);
      forms.add(fragment.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...forms];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export type Redactor = (text: string) => string;

/** Replaces every occurrence of each secret, and of its base64 forms, with `[redacted]`. */
export function redactor(secrets: readonly string[]): Redactor {
  const forms = new Set<string>();
  for (const secret of secrets) if (secret && secret.length >= MIN_SECRET_LENGTH) secretForms(secret).forEach((f) => forms.add(f));
  if (forms.size === 0) return (text) => text;
  // Longest first, so a whole encoding is replaced before a fragment of it could match.
  const pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, REDACTED);
}
