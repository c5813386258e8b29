// The body of a bundle import, run in a worker thread: reading, validating and writing a hostile bundle is CPU and
// I/O the main thread (Electron's main process) must never wait on. It opens its own connection to the case
// database; SQLite serialises it with the main thread's.
import { parentPort, workerData } from 'node:worker_threads';
import { AppError, isAppError } from '@shared/errors.js';
import { CaseService } from '../cases/case-service.js';
import { importBundleHere, type ImportJob, type ImportReply } from './import-bundle.js';

const job = workerData as ImportJob;
const reply = (m: ImportReply) => parentPort!.postMessage(m);
const cases = new CaseService(job.dataDir, job.user);
try {
  const { view, opened } = await importBundleHere(cases, job.file, job);
  reply({
    ok: true,
    caseId: view.id,
    opened: opened && {
      manifest: opened.manifest,
      result: opened.result,
      evidence: opened.evidence,
      signer: opened.signer,
    },
  });
} catch (e) {
  const err = isAppError(e) ? e : new AppError('INTERNAL', (e as Error)?.message ?? String(e));
  reply({ ok: false, error: err.toPayload() });
} finally {
  cases.dispose();
}
