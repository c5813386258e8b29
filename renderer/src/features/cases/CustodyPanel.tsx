import type { CustodyEntry } from '@shared/domain/case.js';
import type { VerifyResult } from '@shared/api/cases.js';
import { shown } from '../../lib/visible-text.js';

/** The append-only custody log, newest first, and evidence verification. */
export function CustodyPanel({
  entries,
  evidenceCount,
  verify,
  onVerify,
  busy,
}: {
  entries: CustodyEntry[];
  evidenceCount: number;
  verify: VerifyResult | undefined;
  onVerify(): void;
  busy: boolean;
}) {
  return (
    <section className="cv-panel cv-wide" aria-label="Custody log" data-testid="custody-log">
      <h3>Evidence and custody</h3>
      <div className="cv-row">
        <span>{evidenceCount} evidence items</span>
        <button type="button" onClick={onVerify} disabled={busy} data-testid="case-verify">
          Verify hashes
        </button>
        {verify ? (
          <span className={verify.ok ? 'cv-ok' : 'cv-bad'} data-testid="case-verify-result" role="status">
            {verify.ok
              ? `All ${verify.checked} hashes match; custody chain intact`
              : `${verify.problems.length} problem(s): ${verify.problems.map((p) => p.detail).join('; ')}`}
          </span>
        ) : null}
      </div>
      <div className="cv-custody">
        <table className="grid">
          <thead>
            <tr>
              <th>#</th>
              <th>Time</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {[...entries].reverse().map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td className="mono">{e.at.slice(0, 19).replace('T', ' ')}</td>
                <td>{shown(e.actor, 64)}</td>
                <td>{e.action}</td>
                <td className="cv-detail">{shown(e.detail, 8192)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
