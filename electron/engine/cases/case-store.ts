import { existsSync } from 'node:fs';
import path from 'node:path';
import { CaseService } from './case-service.js';
import type { Suppression } from '@shared/domain/suppression.js';
import { isAppError } from '@shared/errors.js';

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
    /** Allowlist entries of the case with this name or id, whether or not it is current; none when there is no such case. */
    caseSuppressions: (ref: string): Suppression[] => {
      if (!service && !existsSync(path.join(dataDir, 'cases.db'))) return [];
      const cases = (service ??= new CaseService(dataDir, user));
      try {
        return cases.suppressions(cases.resolve(ref).id);
      } catch (e) {
        if (isAppError(e) && e.code === 'NOT_FOUND') return [];
        throw e;
      }
    },
    dispose: () => {
      service?.dispose();
      service = undefined;
    },
  };
}
