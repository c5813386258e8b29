import { CaseService } from './case-service.js';

/**
 * Opens the case database on first use, not at start-up: `stowaway scan` without `--case` and a UI
 * that never opens the Case tab create no files in the data directory.
 */
export function lazyCaseStore(dataDir: string, user: string) {
  let service: CaseService | undefined;
  return {
    get: (): CaseService => (service ??= new CaseService(dataDir, user)),
    dispose: () => {
      service?.dispose();
      service = undefined;
    },
  };
}
