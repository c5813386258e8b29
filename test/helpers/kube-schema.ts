/**
 * Checks a manifest against the Kubernetes OpenAPI schema as @kubernetes/client-node's generated models carry it
 * (one model per OpenAPI definition, with each property's name and type): every field must exist in its model
 * and hold a value of that type. A misspelt or misplaced field, which kubectl would reject or silently drop, fails.
 */
type Model = { getAttributeTypeMap(): Array<{ name: string; baseName: string; type: string }> };

export async function schemaErrors(manifest: unknown, model: string): Promise<string[]> {
  const k8s = (await import('@kubernetes/client-node')) as unknown as Record<string, Model | undefined>;
  const errors: string[] = [];
  const check = (v: unknown, type: string, at: string): void => {
    if (v === undefined || v === null) return;
    const arr = /^Array<(.+)>$/.exec(type);
    if (arr) {
      if (!Array.isArray(v)) return void errors.push(`${at}: expected an array (${type})`);
      return v.forEach((x, i) => check(x, arr[1]!, `${at}[${i}]`));
    }
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) {
      if (typeof v !== 'object' || Array.isArray(v)) return void errors.push(`${at}: expected a map (${type})`);
      return Object.entries(v as object).forEach(([k, x]) => check(x, map[1]!, `${at}.${k}`));
    }
    switch (type) {
      case 'string':
        if (typeof v !== 'string') errors.push(`${at}: expected a string`);
        return;
      case 'number':
        if (typeof v !== 'number') errors.push(`${at}: expected a number`);
        return;
      case 'boolean':
        if (typeof v !== 'boolean') errors.push(`${at}: expected a boolean`);
        return;
      case 'Date':
        if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) errors.push(`${at}: expected a date-time`);
        return;
      case 'any':
      case 'object':
        return;
      case 'IntOrString':
        if (typeof v !== 'string' && typeof v !== 'number') errors.push(`${at}: expected an int or a string`);
        return;
    }
    const m = k8s[type];
    if (!m?.getAttributeTypeMap) return void errors.push(`${at}: unknown schema type ${type}`);
    if (typeof v !== 'object' || Array.isArray(v)) return void errors.push(`${at}: expected an object (${type})`);
    const props = new Map(m.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
    for (const [k, x] of Object.entries(v as object)) {
      const t = props.get(k);
      if (!t) errors.push(`${at}.${k}: no such field in ${type}`);
      else check(x, t, `${at}.${k}`);
    }
  };
  check(manifest, model, model);
  return errors;
}
