// Page harness for engine-rail.bench.ts: mounts the real EngineRail (virtual container list) on a fixture list of a
// chosen size, with no backend, and a shell that walks it with j/k the way the workbench does.
import { useCallback, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { ApiClient, type Transport } from '../../renderer/src/api/client.js';
import { ApiProvider } from '../../renderer/src/workbench/api-context.js';
import { steps } from './frame-probe.js';
import { EngineRail } from '../../renderer/src/features/engines/EngineRail.js';
import { useHotkeys } from '../../renderer/src/lib/use-hotkeys.js';
import type { ContainerSummary } from '@shared/domain/container.js';
import type { EngineView } from '@shared/domain/engine.js';

const offline: Transport = {
  kind: 'http',
  invoke: async () => ({ ok: false, error: { code: 'ENGINE_UNREACHABLE', message: 'bench harness has no backend' } }),
  subscribe: () => () => undefined,
};
const api = new ApiClient(offline);

const engine = {
  id: 'bench',
  name: 'bench',
  kind: 'docker',
  source: 'env',
  current: true,
  endpoint: { type: 'unix', path: '/var/run/docker.sock' },
  state: { engineId: 'bench', status: 'connected', since: new Date(0).toISOString() },
} as unknown as EngineView;

function containers(n: number): ContainerSummary[] {
  const states = ['running', 'running', 'running', 'exited', 'created'] as const;
  return Array.from({ length: n }, (_, i) => ({
    id: (i.toString(16).padStart(8, '0') + 'c'.repeat(56)).slice(0, 64),
    engineId: 'bench',
    name: `svc-${i % 97}-replica-${i}`,
    image: `registry.local/team-${i % 13}/app:${i % 7}`,
    imageId: `sha256:${'d'.repeat(64)}`,
    command: 'app --serve',
    state: states[i % states.length]!,
    status: 'Up 3 hours',
    created: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    labels: { team: `t${i % 13}` },
  }));
}

function Shell({ list }: { list: ContainerSummary[] }) {
  const [sel, setSel] = useState<string>();
  const [filter, setFilter] = useState('');
  const [order, setOrder] = useState<string[]>([]);
  const onOrder = useCallback((ids: string[]) => setOrder(ids), []);
  const move = (d: number) => {
    if (!order.length) return;
    const i = order.indexOf(sel ?? '');
    setSel(order[Math.max(0, Math.min(order.length - 1, i < 0 ? 0 : i + d))]);
  };
  useHotkeys({ j: () => move(1), k: () => move(-1) });
  return (
    <div
      className="app"
      data-theme="dark"
      style={{ display: 'grid', gridTemplateColumns: '260px 1fr', height: '100vh' }}
      data-selected={sel ?? ''}
    >
      <EngineRail
        engines={[engine]}
        engineId="bench"
        onEngine={() => undefined}
        containers={list}
        containersError={undefined}
        containersLoading={false}
        containerId={sel}
        onContainer={setSel}
        filter={filter}
        onFilter={setFilter}
        onRetry={() => undefined}
        onOrder={onOrder}
      />
    </div>
  );
}

let root: Root | undefined;
function mount(n: number): { mountMs: number } {
  const list = containers(n);
  root?.unmount();
  root = createRoot(document.getElementById('root')!);
  const t0 = performance.now();
  flushSync(() =>
    root!.render(
      <ApiProvider client={api}>
        <Shell list={list} />
      </ApiProvider>,
    ),
  );
  return { mountMs: performance.now() - t0 };
}

const q = (sel: string) => document.querySelector(sel) as HTMLElement;
const key = (k: string) =>
  window.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
const selectedRow = () =>
  q('[data-testid="container-item"][aria-selected="true"]')?.getAttribute('data-container-id') ?? '';
function typeInto(input: HTMLInputElement, value: string) {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

const railSteps = {
  // j held down: each press must select the next row and keep it in view.
  keys: () => steps(120, () => key('j'), selectedRow),
  scroll: () => {
    const sc = q('[data-testid="container-list"]');
    // Back and forth over the whole list, so a short list is scrolled as often as a long one.
    const span = Math.max(1, sc.scrollHeight - sc.clientHeight);
    const at = (i: number) => Math.abs((((i + 1) * 600) % (2 * span)) - span);
    return steps(
      100,
      (i) => (sc.scrollTop = at(i)),
      () => String(sc.scrollTop) + (q('[data-testid="container-item"]')?.style.transform ?? ''),
    );
  },
  filter: () => {
    const input = q('input[aria-label="Filter containers"]') as HTMLInputElement;
    const terms = ['svc-4', 'replica-19', 'team-3', 'exited', ''];
    return steps(
      terms.length,
      (i) => typeInto(input, terms[i]!),
      () => q('.rail-title .muted')?.textContent ?? '',
    );
  },
  /** Whether the selected row is inside the list's visible box. */
  selectedVisible: () => {
    const row = q('[data-testid="container-item"][aria-selected="true"]');
    if (!row) return false;
    const a = row.getBoundingClientRect();
    const b = q('[data-testid="container-list"]').getBoundingClientRect();
    return a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
  },
  rendered: () => document.querySelectorAll('[data-testid="container-item"]').length,
};

(window as unknown as { VR: unknown }).VR = { mount, railSteps };
