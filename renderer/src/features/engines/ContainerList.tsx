import { useEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ContainerSummary } from '@shared/domain/container.js';
import { ago, shortId } from '../../lib/format.js';
import type { ContainerRisk } from './container-risk.js';
import { shown } from '../../lib/visible-text.js';
import { railItems } from './kube-groups.js';
import './container-list.css';

/**
 * Fixed row height: the list is virtual, so only the rows in view plus a margin are in the page. The margin is
 * generous (a few screens' worth is still a few dozen rows) so that find-in-page and quick scrolls meet drawn rows.
 */
export const RAIL_ROW_H = 46;
const GROUP_ROW_H = 24;

interface Props {
  containers: ContainerSummary[];
  containerId: string | undefined;
  onContainer(id: string): void;
  risk: Map<string, ContainerRisk>;
}

/** The rail's containers: virtual, so thousands scroll smoothly; the selection is always scrolled into view. */
export function ContainerList({ containers, containerId, onContainer, risk }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  // A cluster's pod containers come grouped under their namespace and owning workload.
  const items = useMemo(() => railItems(containers), [containers]);
  const virt = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (items[i]?.type === 'container' ? RAIL_ROW_H : GROUP_ROW_H),
    overscan: 24,
  });
  // Keys (j/k), findings and the other views change the selection: bring it into view wherever it came from.
  const index = containerId ? items.findIndex((it) => it.type === 'container' && it.container.id === containerId) : -1;
  useEffect(() => {
    if (index >= 0) virt.scrollToIndex(index, { align: 'auto' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [index, items.length]);
  let pos = 0;
  return (
    // Focusable, so the list scrolls from the keyboard too; the shell's arrows and j/k move the selection.
    <div
      ref={scroller}
      className="container-list cl-virtual"
      role="listbox"
      aria-label="Containers"
      tabIndex={0}
      aria-activedescendant={
        containerId && virt.getVirtualItems().some((v) => v.index === index) ? `cl-${containerId}` : undefined
      }
      data-testid="container-list"
      data-count={containers.length}
    >
      <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
        {virt.getVirtualItems().map((row) => {
          const it = items[row.index]!;
          if (it.type !== 'container')
            return (
              <div
                key={it.key}
                className={`cl-group cl-group-${it.type}`}
                style={{ transform: `translateY(${row.start}px)`, height: GROUP_ROW_H }}
                data-testid={`rail-${it.type}`}
                title={shown(it.label)}
              >
                <span className="cl-group-label">
                  {it.type === 'namespace' ? 'ns ' : ''}
                  {shown(it.label, 120)}
                </span>
                <span className="muted small">{it.count}</span>
              </div>
            );
          const c = it.container;
          pos = containers.indexOf(c) + 1;
          const r = risk.get(c.id);
          const sel = c.id === containerId;
          return (
            <div
              key={c.id}
              id={`cl-${c.id}`}
              role="option"
              aria-selected={sel}
              aria-setsize={containers.length}
              aria-posinset={pos}
              className={`cl-row ${sel ? 'selected' : ''}`}
              style={{ transform: `translateY(${row.start}px)`, height: RAIL_ROW_H }}
              onClick={() => onContainer(c.id)}
              data-testid="container-item"
              data-container-id={c.id}
              title={`${shown(c.name)}\n${shown(c.image)}\n${shown(c.status, 128)}`}
            >
              <div className="cl-line">
                <span className={`state-pill state-${c.state}`}>{c.state}</span>
                <span className="container-name">{shown(c.name, 120)}</span>
                {r ? (
                  <span
                    className={`cl-risk sev sev-${r.worst}`}
                    title={`Risk ${r.risk}/100 from the latest scan: ${r.findings} finding${r.findings === 1 ? '' : 's'}, worst ${r.worst}`}
                    data-testid="container-risk"
                    data-risk={r.risk}
                  >
                    {r.risk}
                  </span>
                ) : null}
              </div>
              <span className="muted small container-meta">
                {shown(c.image, 120)} · {shortId(c.id)} · {ago(c.created)}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
