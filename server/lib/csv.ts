// Spreadsheets run a cell that starts with one of these as a formula (CSV injection):
// `=HYPERLINK(...)` in an audited name would run on the admin's machine. Tab and CR too (OWASP).
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field (RFC 4180), defused against formula injection by a leading apostrophe. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows to CSV text: CRLF line ends, and a byte-order mark so spreadsheet apps read UTF-8 (Chinese names). */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string {
  const lines = [header, ...rows].map((r) => r.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
