import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { migrate, schemaVersion } from './migrations.js';

/**
 * The database and its WAL and shared-memory files are readable by their owner only: they hold evidence. SQLite
 * gives -wal and -shm the mode of the database file, so the file is made 0600 before SQLite first opens it; files
 * of older installations are tightened on open.
 */
function ownerOnly(file: string): void {
  if (process.platform === 'win32') return;
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

/**
 * Opens (creating when missing) the case database. WAL lets the UI read while a scan writes;
 * synchronous=FULL makes every commit durable before it returns, because evidence handling must
 * survive a killed process; foreign keys are off by default in SQLite and must be asked for.
 */
export function openCaseDb(
  file: string,
  opts: { migrateTo?: number; onMigrate?: (from: number, to: number) => void } = {},
): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  ownerOnly(file);
  const db = new Database(file);
  try {
    // Takes effect only when the file is created: 8 KB pages halve the page writes of a large scan's commit.
    // Existing databases keep the size they were made with.
    db.pragma('page_size = 8192');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // 64 MB page cache: bulk inserts into several indexes thrash the 2 MB default.
    db.pragma('cache_size = -65536');
    const from = schemaVersion(db);
    const to = migrate(db, opts.migrateTo);
    if (to !== from) opts.onMigrate?.(from, to);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** SQLite's default: checkpoint once the WAL holds this many pages. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * Runs a bulk write without copying the WAL into the database file at its commit: the commit is already durable
 * in the WAL, and the copy (tens of MB for a large scan) would otherwise delay the scan's return. The copy runs
 * shortly after as a passive checkpoint, or when the database closes.
 */
export function withDeferredCheckpoint<T>(db: Database.Database, write: () => T): T {
  db.pragma('wal_autocheckpoint = 0');
  try {
    return write();
  } finally {
    db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    setTimeout(() => {
      if (db.open && !db.inTransaction) db.pragma('wal_checkpoint(PASSIVE)');
    }, 1000).unref();
  }
}
