import type { ContainerSummary } from '@shared/domain/container.js';
import { Empty } from '../components/States.js';
import { shown, visible } from '../lib/visible-text.js';

/** Right panel: the inspector for whatever is selected. */
export function SidePanel({ container }: { container: ContainerSummary | undefined }) {
  return (
    <aside className="side" aria-label="Inspector" data-testid="inspector">
      <h3 className="rail-title">Inspector</h3>
      {!container ? (
        <Empty title="Nothing selected" />
      ) : (
        <dl className="inspector">
          <dt>Name</dt>
          <dd>{shown(container.name)}</dd>
          <dt>Image</dt>
          <dd className="mono">{shown(container.image)}</dd>
          <dt>Status</dt>
          <dd>{shown(container.status, 128)}</dd>
          <dt>Command</dt>
          <dd className="mono clamp" title={visible(container.command)}>
            {visible(container.command)}
          </dd>
          <dt>Labels</dt>
          <dd>{Object.keys(container.labels).length}</dd>
        </dl>
      )}
    </aside>
  );
}
