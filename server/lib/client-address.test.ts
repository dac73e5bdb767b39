import { describe, expect, it } from 'vitest';
import { normalizeAddress, parseTrustedProxies, resolveClientAddress } from './client-address';

describe('the client address', () => {
  const none = parseTrustedProxies(undefined);
  const proxies = parseTrustedProxies(' 127.0.0.1 , 10.0.0.0/8, fd00::/8 ');

  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(resolveClientAddress('::ffff:203.0.113.7', '1.2.3.4', none)).toBe('203.0.113.7');
    expect(resolveClientAddress('203.0.113.7', '1.2.3.4, 10.0.0.1', proxies)).toBe('203.0.113.7');
  });

  it('behind trusted proxies is the right-most hop that is not one of them', () => {
    expect(resolveClientAddress('127.0.0.1', '6.6.6.6, 198.51.100.4, 10.1.2.3', proxies)).toBe('198.51.100.4');
    expect(resolveClientAddress('::ffff:10.9.9.9', '198.51.100.4', proxies)).toBe('198.51.100.4');
    expect(resolveClientAddress('fd00::1', '2001:DB8::5, fd00::2', proxies)).toBe('2001:db8::5');
    // Only our own hops: the left-most of them; no header: the proxy itself.
    expect(resolveClientAddress('127.0.0.1', '10.0.0.7, 10.0.0.8', proxies)).toBe('10.0.0.7');
    expect(resolveClientAddress('127.0.0.1', null, proxies)).toBe('127.0.0.1');
    // A malformed hop ends the walk at the last address a trusted proxy vouched for.
    expect(resolveClientAddress('127.0.0.1', '198.51.100.4, not-an-ip, 10.0.0.3', proxies)).toBe('10.0.0.3');
    expect(resolveClientAddress('127.0.0.1', '198.51.100.4:5123', proxies)).toBe('198.51.100.4');
  });

  it('normalizes addresses and refuses what is not one', () => {
    expect(normalizeAddress('[::1]:443')).toBe('::1');
    expect(normalizeAddress('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeAddress('example.com')).toBeNull();
    expect(normalizeAddress('')).toBeNull();
  });

  it('refuses TRUSTED_PROXIES entries that are not an IP or CIDR, naming them', () => {
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0.1/8/1', 'fd00::/129', '10.0.0.0/x']) {
      expect(() => parseTrustedProxies(`127.0.0.1, ${bad}`)).toThrow(`"${bad}" is not an IP address or CIDR range`);
    }
    expect(parseTrustedProxies('10.0.0.0/8').contains('10.255.0.1')).toBe(true);
    expect(parseTrustedProxies('10.0.0.0/8').contains('11.0.0.1')).toBe(false);
  });
});
