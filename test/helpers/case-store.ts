import { afterEach, beforeEach } from 'vitest';
import { CaseService } from '../../electron/engine/cases/case-service.js';
import { tempDataDir } from './case-fixtures.js';

/**
 * A fresh case store in a fresh data directory for every test of the calling describe block, disposed and
 * removed after it. The accessors are valid inside tests.
 */
export function freshCaseStore(user = 'alice'): { readonly cases: CaseService; readonly dir: string } {
  let tmp: ReturnType<typeof tempDataDir> | undefined;
  let cases: CaseService | undefined;
  beforeEach(() => {
    tmp = tempDataDir();
    cases = new CaseService(tmp.dir, user);
  });
  afterEach(() => {
    cases?.dispose();
    tmp?.cleanup();
  });
  return {
    get cases() {
      return cases!;
    },
    get dir() {
      return tmp!.dir;
    },
  };
}
