import { useEffect } from 'react';
import { useApi } from '../../workbench/api-context.js';
import { useWorkbench } from '../../workbench/workbench.js';
import { useQuery } from '../../lib/use-query.js';
import { ErrorState, Loading } from '../../components/States.js';
import type { ContainerDetail } from '@shared/domain/container.js';
import { severityRank, type Finding } from '@shared/domain/finding.js';
import { LiveStats } from './StatsChart.js';
import { CapabilitiesCard, NamespacesCard, RiskReasons } from './overview-cards.js';
import { ConfigTable, LabelsTable, MountsTable, NetworksTable, PortsTable } from './overview-tables.js';
import { OverviewHeader } from './OverviewHeader.js';
import '../../lib/common.css';
import './overview.css';

/** Overview of one container from inspect: what it runs, with which privileges, mounts and networks. */
export function ContainerOverview() {
  const api = useApi();
  const { engineId, containerId } = useWorkbench();
  const q = useQuery(
    engineId && containerId ? () => api.call('containers.inspect', { engineId, containerId }) : undefined,
    [engineId, containerId],
  );
  const scan = useQuery(engineId ? () => api.call('scan.latest', { engineId }) : undefined, [engineId]);

  // A start, stop or rename shows up without the analyst reloading; the page keeps its place.
  useEffect(() => {
    if (!engineId || !containerId) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const offE = api.on('engine.event', (ev) => {
      if (ev.engineId !== engineId || ev.type !== 'container' || !containerId.startsWith(ev.actorId.slice(0, 12)))
        return;
      clearTimeout(timer);
      timer = setTimeout(q.reload, 400);
    });
    const offS = api.on('scan.progress', (p) => p.phase === 'done' && scan.reload());
    return () => {
      offE();
      offS();
      clearTimeout(timer);
    };
  }, [api, engineId, containerId, q.reload, scan.reload]);

  if (!containerId) return null;
  if (q.error && !q.data) return <ErrorState error={q.error} onRetry={q.reload} />;
  if (!q.data) return <Loading what="container" />;
  const findings = (scan.data?.findings ?? [])
    .filter((f) => f.container?.id === containerId)
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const risk = scan.data?.containers.find((c) => c.id === containerId)?.risk ?? q.data.risk;
  return <OverviewBody d={q.data} engineId={engineId!} findings={findings} risk={risk} scanned={Boolean(scan.data)} />;
}

function OverviewBody({
  d,
  engineId,
  findings,
  risk,
  scanned,
}: {
  d: ContainerDetail;
  engineId: string;
  findings: Finding[];
  risk: number | undefined;
  scanned: boolean;
}) {
  return (
    <div className="overview" data-testid="container-overview">
      <OverviewHeader d={d} risk={risk} count={findings.length} scanned={scanned} />

      <div className="ov-grid">
        <section className="ov-card">
          <h3>Resource use</h3>
          <LiveStats engineId={engineId} containerId={d.id} running={d.state === 'running'} />
        </section>
        <RiskReasons findings={findings} scanned={scanned} />
        <CapabilitiesCard d={d} />
        <NamespacesCard d={d} />
      </div>

      <ConfigTable d={d} />
      <MountsTable d={d} />
      <NetworksTable d={d} />
      <PortsTable d={d} />
      <LabelsTable d={d} />
    </div>
  );
}
