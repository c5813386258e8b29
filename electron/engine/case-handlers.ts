import type { DetectorMeta, Finding } from '@shared/domain/finding.js';
import type { Handlers } from './handlers.js';
import type { ScanResult } from '@shared/domain/scan.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import { AppError } from '@shared/errors.js';
import type { CaseService } from './cases/case-service.js';
import { generateReport, toReportOutput } from './reports/generate-report.js';
import { importBundle } from './bundle/import-bundle.js';
import type { OpenedBundle } from './bundle/read-bundle.js';
import type { CaseView } from '@shared/api/cases.js';
import { readFile } from 'node:fs/promises';
import { isAppError } from '@shared/errors.js';
import { verifyReport } from './reports/report-seal.js';

type CaseOpName =
  | 'cases.list'
  | 'cases.resolve'
  | 'cases.scans'
  | 'custody.key'
  | 'reports.verify'
  | 'cases.create'
  | 'cases.open'
  | 'cases.current'
  | 'cases.rename'
  | 'cases.close'
  | 'cases.reopen'
  | 'cases.archive'
  | 'cases.addScan'
  | 'cases.containers'
  | 'cases.containerEvidence'
  | 'findings.list'
  | 'findings.setState'
  | 'findings.history'
  | 'suppressions.list'
  | 'suppressions.add'
  | 'notes.add'
  | 'notes.edit'
  | 'notes.list'
  | 'evidence.list'
  | 'evidence.verify'
  | 'custody.list'
  | 'reports.generate'
  | 'bundles.open';

/** The latest scans the scan service keeps (per engine), for recording them in a case. */
export interface LatestScans {
  of(engineId: string): { result: ScanResult | null; evidence: EngineEvidence | null; suppressed?: Finding[] };
  engineIds(): string[];
}

/** Opened bundles, investigated as read-only engines too. */
export interface BundleEngineViews {
  /** Told of every bundle opened. */
  opened(c: CaseView, b: OpenedBundle): void;
  /** Told of every case opened or shown as current: a case imported before a restart comes back as its engine. */
  shown(c: CaseView): void;
}

/** Contract handlers of the case store; the analyst of each call is the actor in the custody log. */
export function caseHandlers(
  store: () => CaseService,
  detectors: () => readonly DetectorMeta[],
  env: NodeJS.ProcessEnv = process.env,
  latest?: LatestScans,
  bundles?: BundleEngineViews,
): Pick<Handlers, CaseOpName> {
  /** Records a scan unless this exact result is already in the case. */
  const record = (caseId: string, engineId: string, actor: string): boolean => {
    const l = latest?.of(engineId);
    if (!l?.result) return false;
    if (!store().hasScan(caseId, l.result))
      store().addScan(caseId, l.result, l.evidence ?? undefined, { actor, suppressed: l.suppressed });
    return true;
  };
  const shown = <T extends CaseView | null>(c: T): T => {
    if (c) bundles?.shown(c);
    return c;
  };
  return {
    'cases.list': async ({ includeArchived }) => store().list(includeArchived),
    'cases.create': async ({ name }, ctx) => store().create(name, ctx.user),
    'cases.resolve': async ({ ref, create }, ctx) => {
      try {
        return store().resolve(ref);
      } catch (e) {
        if (create && isAppError(e) && e.code === 'NOT_FOUND') return store().create(ref, ctx.user);
        throw e;
      }
    },
    'cases.scans': async ({ caseId }) => store().scans(caseId),
    'cases.open': async ({ caseId }, ctx) => shown(store().open(caseId, ctx.user)),
    'cases.current': async () => shown(store().current()),
    'cases.rename': async ({ caseId, name }, ctx) => store().rename(caseId, name, ctx.user),
    'cases.close': async ({ caseId }, ctx) => store().close(caseId, ctx.user),
    'cases.reopen': async ({ caseId }, ctx) => store().reopen(caseId, ctx.user),
    'cases.archive': async ({ caseId }, ctx) => store().archive(caseId, ctx.user),
    'cases.addScan': async ({ caseId, engineId }, ctx) => {
      if (!record(caseId, engineId, ctx.user))
        throw new AppError('NOT_FOUND', `Engine ${engineId.slice(0, 128)} has not been scanned yet: run a scan first`);
      return store().get(caseId);
    },
    'cases.containers': async ({ caseId }) => store().containers(caseId),
    'cases.containerEvidence': async ({ caseId, containerId }) => store().containerEvidence(caseId, containerId),
    'findings.list': async ({ caseId, ...q }) => store().findings(caseId, q),
    'findings.setState': async ({ caseId, findingId, state, reason }, ctx) => {
      // Triage of a finding from a scan not yet in the case first records that scan, so the judgement
      // always sits next to the evidence it was made on.
      if (!store().hasFinding(caseId, findingId)) {
        const engineId = latest
          ?.engineIds()
          .find((id) => latest.of(id).result?.findings.some((f) => f.id === findingId));
        if (engineId) record(caseId, engineId, ctx.user);
      }
      return store().setFindingState(caseId, findingId, state, reason, ctx.user);
    },
    'findings.history': async ({ caseId, findingId }) => store().history(caseId, findingId),
    'suppressions.list': async ({ caseId }) => store().suppressions(caseId),
    'suppressions.add': async ({ caseId, suppression }, ctx) => store().addSuppression(caseId, suppression, ctx.user),
    'notes.add': async ({ caseId, markdown, findingId }, ctx) => store().addNote(caseId, markdown, findingId, ctx.user),
    'notes.edit': async ({ caseId, noteId, markdown }, ctx) => store().editNote(caseId, noteId, markdown, ctx.user),
    'notes.list': async ({ caseId, versions }) => store().notes(caseId, { versions }),
    'evidence.list': async ({ caseId }) => store().listEvidence(caseId),
    'evidence.verify': async ({ caseId }, ctx) => store().verify(caseId, ctx.user),
    'custody.list': async ({ caseId }) => store().custody(caseId),
    'custody.key': async () => {
      const { publicPem, fingerprint } = store().key();
      return { publicPem, fingerprint };
    },
    // A report is checked without the case database: the recipient of a report may have none.
    'reports.verify': async ({ path, keyPath }) =>
      verifyReport(await readFile(path), keyPath ? await readFile(keyPath, 'utf8') : undefined),
    'reports.generate': async ({ caseId, format }, ctx) =>
      toReportOutput(await generateReport(store(), caseId, format, detectors(), { actor: ctx.user, env })),
    'bundles.open': async ({ path }, ctx) =>
      importBundle(store(), path, { actor: ctx.user, onOpened: bundles && ((c, b) => bundles.opened(c, b)) }),
  };
}
