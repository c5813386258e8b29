import { clip, LIMITS } from '@shared/domain/bounds.js';

/**
 * Which keys of a ConfigMap hold what looks like a credential: a key named like one (password, token, access
 * key...) with a real value, or a value that embeds one (an AWS key id, a private key block, a `password=` line
 * of a properties file). Only key names leave this module: the values are evidence of the leak, not something
 * Stowaway should copy into its own reports.
 */

/** Key names of credentials, in snake, kebab, dotted or camel case (`DB_PASSWORD`, `db.password`, `apiKey`). */
const KEY_NAME =
  /(password|passwd|passphrase|secret|token|api[_.-]?key|access[_.-]?key|private[_.-]?key|client[_.-]?secret|credentials?|auth[_.-]?key)|(^|[^a-z])(pass|pwd)([^a-z]|$)/i;
/** Keys that describe a credential rather than hold one: its name, where it lives, its policy. */
const ABOUT =
  /(name|ref|path|file|dir|mount|length|len|ttl|expiry|expiration|timeout|policy|header|type|enabled|mode|version|count|size|url|uri|endpoint|location|format)$/i;
/** Values that name a credential without being one: placeholders, references, numbers, switches. */
const NOT_A_VALUE =
  /^\s*$|^\$\{[^}]*\}$|^\$\([^)]*\)$|^<[^>]*>$|^(true|false|yes|no|on|off|none|null|-?\d+(\.\d+)?[a-z]{0,2})$/i;
const EMBEDDED: Array<{ re: RegExp; what: string }> = [
  { re: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/, what: 'AWS access key id' },
  { re: /\baws[_-](s3[_-])?(access[_-]key[_-]id|secret[_-]access[_-]key)\s*[=:]\s*\S/i, what: 'AWS credentials' },
  { re: /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----/, what: 'private key' },
  {
    re: /(^|[\s.;_-])(pass(word|wd|phrase)?|secret|token)\s*[=:]\s*["']?(?!\$\{|<|["']?\s*$)[^\s"']{3,}/im,
    what: 'password line',
  },
];
/** Scanning is bounded: a ConfigMap holds at most 1 MiB, a key's first 64 KiB is enough to recognize these. */
const MAX_SCAN = 64 * 1024;

/** Key names (with what was recognized) of the credential-looking entries of a ConfigMap's `data`. */
export function credentialKeys(data: unknown, max = 64): string[] {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return [];
  const out: string[] = [];
  for (const [key, raw] of Object.entries(data as Record<string, unknown>)) {
    if (out.length >= max) break;
    if (typeof raw !== 'string') continue;
    const value = raw.slice(0, MAX_SCAN);
    const single = !value.includes('\n');
    if (single && KEY_NAME.test(key) && !ABOUT.test(key) && !NOT_A_VALUE.test(value) && !value.startsWith('/')) {
      out.push(clip(key, LIMITS.name));
      continue;
    }
    const hit = EMBEDDED.find((e) => e.re.test(value));
    if (hit) out.push(clip(`${key} (${hit.what})`, LIMITS.name));
  }
  return out;
}
