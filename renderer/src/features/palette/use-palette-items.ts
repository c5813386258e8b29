import { useEffect, useMemo, useState } from 'react';
import { useApi } from '../../workbench/api-context.js';
import type { Workbench } from '../../workbench/workbench.js';
import type { ViewDef } from '../../app/views.js';
import type { ContainerSummary } from '@shared/domain/container.js';
import { severityRank, type Finding } from '@shared/domain/finding.js';
import { attackLabel } from '@shared/domain/attack-techniques.js';
import type { PaletteItem } from './palette-model.js';

export interface PaletteActions {
  toggleTheme(): void;
  showHelp(): void;
  reload(): void;
}

/** What the palette offers: views, actions, the engine's containers, and the findings of its latest scan (read when it opens). */
export function usePaletteItems(
  open: boolean,
  wb: Workbench,
  views: ViewDef[],
  containers: ContainerSummary[] | undefined,
  actions: PaletteActions,
): { items: PaletteItem[]; loading: boolean } {
  const api = useApi();
  const [findings, setFindings] = useState<Finding[]>([]);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    if (!open || !wb.engineId) return;
    let live = true;
    setLoading(true);
    api
      .call('scan.latest', { engineId: wb.engineId })
      .then(
        (r) => live && setFindings(r?.findings ?? []),
        () => live && setFindings([]),
      )
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [api, open, wb.engineId]);

  const items = useMemo<PaletteItem[]>(() => {
    const out: PaletteItem[] = [];
    views.forEach((v, i) =>
      out.push({
        id: `view:${v.id}`,
        group: 'View',
        label: v.label,
        hint: `key ${i + 1}`,
        run: () => wb.openTab(v.id),
      }),
    );
    out.push(
      {
        id: 'action:engine-overview',
        group: 'Action',
        label: 'Engine overview',
        hint: 'clear the container selection',
        run: () => {
          wb.selectContainer(undefined);
          wb.openTab('overview');
        },
      },
      {
        id: 'action:scan',
        group: 'Action',
        label: 'Scan the engine',
        hint: 'run every detector',
        run: () =>
          wb.engineId &&
          (wb.openTab('findings'), void api.call('scan.run', { engineId: wb.engineId }).catch(() => undefined)),
      },
      { id: 'action:theme', group: 'Action', label: 'Toggle light / dark theme', hint: 't', run: actions.toggleTheme },
      { id: 'action:help', group: 'Action', label: 'Keyboard shortcuts', hint: '?', run: actions.showHelp },
      { id: 'action:reload', group: 'Action', label: 'Refresh engines and containers', hint: 'r', run: actions.reload },
    );
    for (const c of containers ?? [])
      out.push({
        id: `container:${c.id}`,
        group: 'Container',
        label: c.name,
        hint: `${c.state} · ${c.image} · ${c.id.slice(0, 12)}`,
        run: () => {
          wb.selectContainer(c.id);
          wb.openTab('overview');
        },
      });
    const sorted = [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    for (const f of sorted)
      out.push({
        id: `finding:${f.id}`,
        group: 'Finding',
        label: `${f.severity}: ${f.title}`,
        hint: `${f.container?.name ?? 'engine'} · ${f.attack.map(attackLabel).join(', ')}`,
        run: () => wb.showFindings?.({ findingId: f.id }),
      });
    return out;
  }, [views, containers, findings, wb, api, actions]);
  return { items, loading };
}
