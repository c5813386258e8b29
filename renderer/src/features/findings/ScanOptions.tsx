import { useState } from 'react';
import type { ScanOptions } from '@shared/api/scan.js';
import type { EngineView } from '@shared/domain/engine.js';
import { useApi } from '../../workbench/api-context.js';
import { useQuery } from '../../lib/use-query.js';

const OBSERVE = /^\d+(ms|s|m)$/;

/** The CLI's --baseline, --observe, --kube-context and --kube-audit for the Scan button, chosen in a small panel. */
export function ScanOptionsPanel(p: {
  engines: EngineView[];
  value: ScanOptions;
  onChange: (o: ScanOptions) => void;
  onClose: () => void;
}) {
  const api = useApi();
  const catalogue = useQuery(() => api.call('detectors.list', {}), []);
  const [audit, setAudit] = useState((p.value.kubeAudit ?? []).join('\n'));
  const [observe, setObserve] = useState(p.value.observe ?? '');
  const setObserveText = (text: string) => {
    setObserve(text);
    const v = text.trim();
    // Only a duration the backend accepts is passed on; the field shows what is wrong with anything else.
    p.onChange({ ...p.value, observe: OBSERVE.test(v) ? v : undefined });
  };
  const observeInvalid = observe.trim() !== '' && !OBSERVE.test(observe.trim());
  const contexts = [
    ...new Set(p.engines.flatMap((e) => (e.endpoint.type === 'kubernetes' ? [e.endpoint.context] : []))),
  ];
  const chosen = new Set(p.value.baselines ?? []);
  const toggle = (name: string) => {
    const next = new Set(chosen);
    if (!next.delete(name)) next.add(name);
    p.onChange({ ...p.value, baselines: next.size ? [...next] : undefined });
  };
  const setAuditText = (text: string) => {
    setAudit(text);
    const files = text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(0, 8);
    p.onChange({ ...p.value, kubeAudit: files.length ? files : undefined });
  };
  return (
    <div
      className="fv-options"
      role="dialog"
      aria-label="Scan options"
      data-testid="scan-options"
      onKeyDown={(e) => e.key === 'Escape' && p.onClose()}
    >
      <fieldset>
        <legend>Baselines</legend>
        {(catalogue.data?.baselines ?? []).map((b) => (
          <label key={b.name} title={b.reason} className="fv-opt">
            <input
              type="checkbox"
              checked={chosen.has(b.name)}
              onChange={() => toggle(b.name)}
              data-testid={`scan-baseline-${b.name}`}
            />{' '}
            {b.name}
            <span className="muted small">
              {' '}
              · {b.detectors.length} detector{b.detectors.length === 1 ? '' : 's'}
            </span>
          </label>
        ))}
        {catalogue.data && !catalogue.data.baselines.length ? <span className="muted small">none shipped</span> : null}
      </fieldset>
      <fieldset>
        <legend>Observe</legend>
        <label className="fv-opt">
          Sample processes, sockets and stats for{' '}
          <input
            type="text"
            size={6}
            value={observe}
            placeholder="e.g. 8s"
            aria-invalid={observeInvalid}
            title="Duration such as 8s or 2m (up to 10m): the scan samples running containers every 1-2 s for this long, so beaconing, short connections, CPU spikes and processes that come and go show up"
            onChange={(e) => setObserveText(e.target.value)}
            data-testid="scan-observe"
          />
        </label>
        {observeInvalid ? (
          <span className="muted small" data-testid="scan-observe-error">
            use a duration such as 8s or 2m
          </span>
        ) : null}
      </fieldset>
      <fieldset>
        <legend>Kubernetes</legend>
        <label className="fv-opt">
          Pods of context{' '}
          <select
            value={p.value.kubeContext ?? ''}
            onChange={(e) => p.onChange({ ...p.value, kubeContext: e.target.value || undefined })}
            data-testid="scan-kube-context"
          >
            <option value="">none</option>
            {contexts.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="fv-opt fv-opt-block">
          Audit logs on this machine, one path a line
          <textarea
            rows={2}
            value={audit}
            spellCheck={false}
            onChange={(e) => setAuditText(e.target.value)}
            placeholder="/var/log/kubernetes/audit.log"
            data-testid="scan-kube-audit"
          />
        </label>
      </fieldset>
      <button type="button" className="ghost" onClick={p.onClose}>
        Done
      </button>
    </div>
  );
}

/** A short summary of the options in force, shown beside the Scan button. */
export function describeScanOptions(o: ScanOptions): string {
  const parts = [
    ...(o.observe ? [`observe ${o.observe}`] : []),
    ...(o.baselines ?? []).map((b) => `baseline ${b}`),
    ...(o.kubeContext ? [`pods of ${o.kubeContext}`] : []),
    ...(o.kubeAudit?.length ? [`${o.kubeAudit.length} audit log${o.kubeAudit.length > 1 ? 's' : ''}`] : []),
  ];
  return parts.join(', ');
}
