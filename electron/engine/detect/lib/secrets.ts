/**
 * Secrets written into image metadata or container configuration, which anyone who can inspect the image or the
 * container reads back (docker history, docker inspect). Values are never repeated in findings: only their shape.
 */
export interface SecretSighting {
  /** The variable name, or the kind of token when the value gave it away. */
  name: string;
  /** A recognisable credential format (cloud key, private key, vendor token), not just a suggestive name. */
  strong: boolean;
  /** The value masked: its first two characters and its length. */
  masked: string;
}

const SECRET_NAME =
  /(^|_)(PASSWORD|PASSWD|PASSPHRASE|SECRET|SECRET_KEY|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)$/i;
/** References to a secret, not the secret: Docker secrets files, paths, URLs of a vault. */
const REFERENCE_NAME = /_(FILE|PATH|DIR|URL|URI|HOST|PORT|USER|USERNAME|NAME|ID|LENGTH|METHOD|TYPE)$/i;
const PLACEHOLDER =
  /^(|x+|\*+|changeme|change-me|password|secret|none|null|undefined|true|false|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)$/i;

const TOKEN_FORMATS: Array<[RegExp, string]> = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'AWS access key id'],
  [/-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/, 'private key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36}\b/, 'GitHub token'],
  [/\bglpat-[A-Za-z0-9_-]{20}\b/, 'GitLab token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}\b/, 'Slack token'],
  [/\bsk_live_[A-Za-z0-9]{20,}\b/, 'Stripe live key'],
];

export const maskSecret = (v: string): string => `${v.slice(0, 2)}… (${v.length} chars)`;

/** `NAME=value` assignments (an env entry, or ENV/ARG values in a build step) that carry a secret. */
export function secretsIn(text: string): SecretSighting[] {
  const out: SecretSighting[] = [];
  const seen = new Set<string>();
  for (const [re, kind] of TOKEN_FORMATS) {
    const m = re.exec(text);
    if (m && !seen.has(kind)) {
      seen.add(kind);
      out.push({ name: kind, strong: true, masked: maskSecret(m[0]) });
    }
  }
  for (const m of text.matchAll(/(?:^|[\s"'|;])([A-Za-z_][A-Za-z0-9_]{0,127})=("[^"]*"|'[^']*'|[^\s"';|&]*)/g)) {
    const name = m[1]!;
    const value = m[2]!.replace(/^["']|["']$/g, '');
    if (
      !SECRET_NAME.test(name) ||
      REFERENCE_NAME.test(name) ||
      PLACEHOLDER.test(value) ||
      value.length < 4 ||
      seen.has(name)
    )
      continue;
    // A recognised token format already reported this value.
    if (TOKEN_FORMATS.some(([re]) => re.test(value))) continue;
    seen.add(name);
    out.push({ name, strong: false, masked: maskSecret(value) });
  }
  return out;
}
