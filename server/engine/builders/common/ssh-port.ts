/**
 * The port to SSH to: the template's `ssh_port` when it sets one other than the default, else the
 * engine's override (the sandbox cloud serves every host on one shared port), else 22.
 */
export function sshPortFor(templatePort: number | undefined, override: number | undefined): number {
  if (templatePort !== undefined && templatePort !== 22) return templatePort;
  return override ?? templatePort ?? 22;
}
