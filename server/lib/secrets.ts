import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// AES-256-GCM with a random 96-bit IV per value. The sealed form is self-describing
// ("v1.<iv>.<tag>.<ciphertext>", base64url) so the scheme can change without a migration.

const VERSION = 'v1';

/** A 32-byte key from the configured secret (any length; hashed so operators need not produce raw bytes). */
export function deriveKey(secret: string): Buffer {
  return createHash('sha256').update(`rome-console-secrets:${secret}`).digest();
}

export function seal(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

/** Throws when the value was sealed with another key or tampered with (GCM authenticates it). */
export function unseal(sealed: string, key: Buffer): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

/** What may be shown of a key: its last four characters. */
export function keyHint(value: string): string {
  return `••••${value.slice(-4)}`;
}
