// Best-effort OS family/version from the free text the clouds give: UCloud's OsName
// ("Ubuntu 22.04 64位"), EC2's AMI name/description ("ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-
// amd64-server-20240207", "al2023-ami-2023.3…", "debian-12-amd64-…"). EC2 has no OS fields at
// all, so this is display and filtering help, never a basis for a decision.

const FAMILIES: [RegExp, string][] = [
  [/\bubuntu\b/i, 'Ubuntu'],
  [/\bdebian\b/i, 'Debian'],
  [/\bcentos\b/i, 'CentOS'],
  [/\brocky\b/i, 'Rocky'],
  [/\balma ?linux\b/i, 'AlmaLinux'],
  [/\b(amazon ?linux|amzn\d*|al20\d\d)\b/i, 'Amazon Linux'],
  [/\b(rhel|red ?hat)\b/i, 'RHEL'],
  [/\b(suse|sles)\b/i, 'SUSE'],
  [/\bopen ?euler\b/i, 'openEuler'],
  [/\b(anolis)\b/i, 'Anolis'],
  [/\bwindows\b/i, 'Windows'],
];

export interface OsInfo {
  osFamily: string;
  osVersion: string;
}

export function parseOs(...texts: (string | undefined)[]): OsInfo {
  for (const text of texts) {
    if (!text) continue;
    // Word boundaries do not split on "_" or digits, so read "amzn2" / "al2023" as words of their own.
    const spaced = text.replace(/[/_-]+/g, ' ');
    for (const [pattern, family] of FAMILIES) {
      const m = pattern.exec(spaced);
      if (!m) continue;
      const after = spaced.slice(m.index);
      const version = /(\d+(?:\.\d+)*)/.exec(family === 'Amazon Linux' ? after : after.slice(m[0].length))?.[1] ?? '';
      return { osFamily: family, osVersion: version };
    }
  }
  return { osFamily: '', osVersion: '' };
}
