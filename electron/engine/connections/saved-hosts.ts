import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EngineConfigSchema, type EngineConfig } from '@shared/domain/engine.js';
import { AppError } from '@shared/errors.js';

const FileSchema = z.object({ version: z.literal(1), hosts: z.array(EngineConfigSchema) });

/**
 * Remote hosts the analyst added, kept as JSON in the data directory. Only endpoints are stored: private keys
 * and passphrases are referenced by path or by ssh-agent and never written here.
 */
export class SavedHosts {
  readonly file: string;
  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'engines.json');
  }

  list(): EngineConfig[] {
    let raw: string;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    const parsed = FileSchema.safeParse(safeJson(raw));
    // A damaged file is kept as is (never overwritten silently) and reported once the analyst saves again.
    return parsed.success ? parsed.data.hosts.map((h) => ({ ...h, source: 'saved' as const, current: false })) : [];
  }

  /** Why the file cannot be used, if it exists and is damaged; discovery shows this as a warning. */
  problem(): string | undefined {
    let raw: string;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    return FileSchema.safeParse(safeJson(raw)).success
      ? undefined
      : `${this.file} is not a valid saved-hosts file; saved hosts are not shown until it is fixed or moved away`;
  }

  add(host: Omit<EngineConfig, 'id' | 'source' | 'current'>): EngineConfig {
    const hosts = this.readForWrite();
    const id = `saved:${slug(host.name)}-${randomBytes(3).toString('hex')}`;
    const config: EngineConfig = EngineConfigSchema.parse({ ...host, id, source: 'saved', current: false });
    hosts.push(config);
    this.write(hosts);
    return config;
  }

  remove(id: string): boolean {
    const hosts = this.readForWrite();
    const next = hosts.filter((h) => h.id !== id);
    if (next.length === hosts.length) return false;
    this.write(next);
    return true;
  }

  private readForWrite(): EngineConfig[] {
    let raw: string;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    const parsed = FileSchema.safeParse(safeJson(raw));
    if (!parsed.success)
      throw new AppError('VALIDATION', `${this.file} is not a valid saved-hosts file; fix or move it away first`);
    return parsed.data.hosts;
  }

  private write(hosts: EngineConfig[]): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, hosts }, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'host';
const safeJson = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};
