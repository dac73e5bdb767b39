// Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"), as Packer's `isotime` takes them.
// Times are rendered in UTC, as Packer does for its build start time.

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number, width: number, fill = '0'): string => String(n).padStart(width, fill);

/** The layout chunks Go recognises, longest first where one is a prefix of another. */
const TOKENS: [string, (d: Date) => string][] = [
  ['January', (d) => MONTHS[d.getUTCMonth()] ?? ''],
  ['Jan', (d) => (MONTHS[d.getUTCMonth()] ?? '').slice(0, 3)],
  ['Monday', (d) => DAYS[d.getUTCDay()] ?? ''],
  ['Mon', (d) => (DAYS[d.getUTCDay()] ?? '').slice(0, 3)],
  ['MST', () => 'UTC'],
  ['2006', (d) => pad(d.getUTCFullYear(), 4)],
  ['Z07:00:00', () => 'Z'],
  ['Z070000', () => 'Z'],
  ['Z07:00', () => 'Z'],
  ['Z0700', () => 'Z'],
  ['Z07', () => 'Z'],
  ['-07:00:00', () => '+00:00:00'],
  ['-070000', () => '+000000'],
  ['-07:00', () => '+00:00'],
  ['-0700', () => '+0000'],
  ['-07', () => '+00'],
  ['002', (d) => pad(dayOfYear(d), 3)],
  ['__2', (d) => pad(dayOfYear(d), 3, ' ')],
  ['_2', (d) => pad(d.getUTCDate(), 2, ' ')],
  ['01', (d) => pad(d.getUTCMonth() + 1, 2)],
  ['02', (d) => pad(d.getUTCDate(), 2)],
  ['03', (d) => pad(hour12(d), 2)],
  ['04', (d) => pad(d.getUTCMinutes(), 2)],
  ['05', (d) => pad(d.getUTCSeconds(), 2)],
  ['06', (d) => pad(d.getUTCFullYear() % 100, 2)],
  ['15', (d) => pad(d.getUTCHours(), 2)],
  ['PM', (d) => (d.getUTCHours() >= 12 ? 'PM' : 'AM')],
  ['pm', (d) => (d.getUTCHours() >= 12 ? 'pm' : 'am')],
  ['1', (d) => String(d.getUTCMonth() + 1)],
  ['2', (d) => String(d.getUTCDate())],
  ['3', (d) => String(hour12(d))],
  ['4', (d) => String(d.getUTCMinutes())],
  ['5', (d) => String(d.getUTCSeconds())],
];

function hour12(d: Date): number {
  const h = d.getUTCHours() % 12;
  return h === 0 ? 12 : h;
}

function dayOfYear(d: Date): number {
  return Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** Formats `date` (in UTC) with a Go layout string. Unknown characters are copied, as Go does. */
export function formatGoTime(date: Date, layout: string): string {
  let out = '';
  let i = 0;
  while (i < layout.length) {
    // Fractional seconds: "." or "," then a run of 0s (fixed width) or 9s (trailing zeros dropped),
    // only when not followed by another digit.
    const ch = layout[i];
    if ((ch === '.' || ch === ',') && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
      const digit = layout[i + 1] as string;
      let j = i + 1;
      while (layout[j] === digit) j++;
      if (!/[0-9]/.test(layout[j] ?? '')) {
        const width = j - i - 1;
        const millis = pad(date.getUTCMilliseconds(), 3);
        let frac = (millis + '000000').slice(0, width);
        if (digit === '9') frac = frac.replace(/0+$/, '');
        out += frac === '' ? '' : ch + frac;
        i = j;
        continue;
      }
    }
    const token = TOKENS.find(([t]) => layout.startsWith(t, i));
    // Go treats "Jan"/"Mon" only as tokens; "2006" beats "2"; "Z07" needs the Z.
    if (token) {
      out += token[1](date);
      i += token[0].length;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** Go's time.ParseDuration syntax: "300ms", "1.5h", "2h45m", "0". */
export function isGoDuration(value: string): boolean {
  return value === '0' || /^[+-]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(value);
}

/** Seconds in a Go duration string (assumes isGoDuration). */
export function goDurationSeconds(value: string): number {
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of value.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(m[1]) * (unit[m[2] ?? 's'] ?? 1);
  return value.startsWith('-') ? -total : total;
}
