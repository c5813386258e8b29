/** Matches `*` (any run of characters) and `?` (one character); everything else is literal. */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  );
  return re.test(value);
}

/** `key` matches any value of the label, `key=value` (value may be a glob) matches that value. */
export function labelMatch(spec: string, labels: Record<string, string>): boolean {
  const eq = spec.indexOf('=');
  if (eq < 0) return Object.prototype.hasOwnProperty.call(labels, spec);
  const key = spec.slice(0, eq);
  const value = labels[key];
  return value !== undefined && globMatch(spec.slice(eq + 1), value);
}
