import { BlockList, isIP, isIPv4 } from 'node:net';

// Who is on the other end of a request. The TCP peer is the only address a client cannot
// make up; X-Forwarded-For is believed only when that peer is a proxy the operator listed
// in TRUSTED_PROXIES, and then only up to the first hop that is not one of theirs.

/** `::ffff:127.0.0.1` (a v4 peer on a dual-stack socket) → `127.0.0.1`; anything not an IP → null. */
export function normalizeAddress(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let value = raw.trim();
  // "[::1]:443" and "10.0.0.1:443" (some proxies add the port) → the address alone.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(value);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  const family = isIP(value);
  if (family === 0) return null;
  return family === 6 ? value.toLowerCase() : value;
}

export interface TrustedProxies {
  /** The entries as written, for messages. */
  entries: readonly string[];
  contains(address: string): boolean;
}

/** Parses `10.0.0.1, 10.1.0.0/16, fd00::/8`; throws naming the entry that is not an IP or CIDR. */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const entries = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const ip = normalizeAddress(address);
    const family = ip ? (isIPv4(ip) ? 'ipv4' : 'ipv6') : null;
    const bits = prefix === undefined ? null : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    if (!ip || !family || extra !== undefined || Number.isNaN(bits) || (bits !== null && bits > (family === 'ipv4' ? 32 : 128))) {
      throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range (e.g. 10.0.0.1 or 10.0.0.0/8).`);
    }
    if (bits === null) list.addAddress(ip, family);
    else list.addSubnet(ip, bits, family);
  }
  return {
    entries,
    contains: (address) => {
      const ip = normalizeAddress(address);
      return !!ip && list.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6');
    },
  };
}

/**
 * The client's address: the socket peer, unless the peer is a trusted proxy; then the
 * right-most X-Forwarded-For hop that is not a trusted proxy (hops further left were
 * written by whoever connected to our proxy, and may be made up). A malformed hop stops
 * the walk at the last address a trusted proxy vouched for.
 */
export function resolveClientAddress(peer: string | null, forwardedFor: string | null, trusted: TrustedProxies): string | null {
  const direct = normalizeAddress(peer);
  if (!direct || !trusted.contains(direct)) return direct;
  const hops = (forwardedFor ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  let last = direct;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress(hops[i]);
    if (!hop) return last;
    if (!trusted.contains(hop)) return hop;
    last = hop;
  }
  return last;
}
