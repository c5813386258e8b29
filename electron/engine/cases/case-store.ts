import { existsSync } from 'node:fs';
import path from 'node:path';
import { CaseService } from './case-service.js';
import type { Suppression } from '../../../shared/domain/suppression.js';

/**
 * Opens the case database on first use, not at start-up: `stowaway scan` without `--case` and a UI
 * that never opens the Case tab create no files in the data directory.
 */
export function lazyCaseStore(dataDir: string, user: string) {
  let service: CaseService | undefined;
  return {
    get: (): CaseService => (service ??= new CaseService(dataDir, user)),
    /** Allowlist entries of the current case, for scans; none when no case is open. */
    currentSuppressions: (): Suppression[] => {
      if (!service && !existsSync(path.join(dataDir, 'cases.db'))) return [];
      const cases = (service ??= new CaseService(dataDir, user));
      const id = cases.currentId();
      return id ? cases.suppressions(id) : [];
    },
    dispose: () => {
      service?.dispose();
      service = undefined;
    },
  };
}
