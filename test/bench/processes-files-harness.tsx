// Page harness for processes-files.bench.ts: mounts the real ProcessTree and FsDiff components on fixture evidence of
// a chosen size, with no backend. Bundled by esbuild and loaded into headless chromium.
import { createRoot, type Root } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { ApiClient, type Transport } from '../../renderer/src/api/client.js';
import { ApiProvider } from '../../renderer/src/workbench/api-context.js';
import { WorkbenchContext, type Workbench } from '../../renderer/src/workbench/workbench.js';
import { ProcessTree } from '../../renderer/src/features/processes/ProcessTree.js';
import { FsDiff } from '../../renderer/src/features/files/FsDiffView.js';
import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import type { ProcessInfo } from '@shared/domain/process.js';
import type { FileChange } from '@shared/domain/file-change.js';
import { steps } from './frame-probe.js';

const offline: Transport = {
  kind: 'http',
  invoke: async () => ({ ok: false, error: { code: 'ENGINE_UNREACHABLE', message: 'bench harness has no backend' } }),
  subscribe: () => () => undefined,
};
const api = new ApiClient(offline);

let seed = 7;
const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;

/** A process table shaped like a busy container: a few supervisors, worker pools, shells, some flagged. */
function processes(n: number): ProcessInfo[] {
  const out: ProcessInfo[] = [
    {
      pid: 1000,
      ppid: 1,
      nsPid: 1,
      user: 'root',
      comm: 'init',
      cmdline: '/sbin/init',
      exe: '/sbin/init',
      flags: [],
      startTime: new Date(0).toISOString(),
    },
  ];
  for (let i = 1; i < n; i++) {
    const parent = out[Math.floor(rnd() ** 2 * out.length)]!;
    const r = rnd();
    const flags: ProcessInfo['flags'] =
      r < 0.004 ? ['hidden'] : r < 0.008 ? ['deleted-exe', 'tmp-exe'] : r < 0.01 ? ['masquerade'] : [];
    out.push({
      pid: 1000 + i,
      ppid: parent.pid,
      nsPid: i + 1,
      user: rnd() < 0.8 ? 'app' : 'root',
      comm: `worker-${i % 37}`,
      cmdline: `/usr/bin/worker --pool ${i % 37} --id ${i} --config /etc/app/worker-${i % 37}.yaml --log-level info`,
      exe: '/usr/bin/worker',
      startTime: new Date(1_700_000_000_000 + i * 1000).toISOString(),
      flags,
    });
  }
  return out;
}

/** A filesystem diff shaped like a package install plus logs: deep directories, some flagged files. */
function files(n: number): FileChange[] {
  const out: FileChange[] = [];
  const kinds: FileChange['kind'][] = ['added', 'changed', 'deleted'];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    const flags: FileChange['flags'] =
      r < 0.002 ? ['setuid', 'executable'] : r < 0.004 ? ['hidden'] : r < 0.05 ? ['executable'] : [];
    out.push({
      path: `/usr/lib/pkg-${i % 97}/mod-${Math.floor(i / 97) % 131}/${r < 0.004 ? '.' : ''}file-${i}.${['py', 'so', 'txt', 'json'][i % 4]}`,
      kind: kinds[Math.floor(rnd() * 3)]!,
      size: Math.floor(rnd() * 100_000),
      mode: 0o100644,
      mtime: new Date(1_700_000_000_000 + i * 1000).toISOString(),
      flags,
    });
  }
  return out;
}

function evidence(procs: number, fileCount: number): ContainerEvidence {
  const host = processes(procs);
  const inside = host
    .filter((p) => !p.flags.includes('hidden'))
    .map((p) => ({ ...p, pid: p.nsPid!, ppid: host.find((q) => q.pid === p.ppid)?.nsPid ?? 0, flags: [] }));
  return {
    container: {
      id: 'a'.repeat(64),
      engineId: 'bench',
      name: 'bench',
      image: 'bench:1',
      imageId: 'sha256:' + 'b'.repeat(64),
      command: 'init',
      state: 'running',
      status: 'Up',
      created: new Date(0).toISOString(),
      labels: {},
      entrypoint: [],
      cmd: [],
      user: '',
      privileged: false,
      capAdd: [],
      capDrop: [],
      pidMode: '',
      networkMode: 'none',
      ipcMode: '',
      securityOpt: [],
      mounts: [],
      networks: [],
      ports: [],
      exposedPorts: [],
      logDriver: 'json-file',
      restartPolicy: 'no',
      env: [],
      utsMode: '',
      usernsMode: '',
      cgroupnsMode: '',
      devices: [],
      readonlyRootfs: false,
      autoRemove: false,
      logOptions: {},
      appArmorProfile: '',
      graphDriver: { name: 'overlay2' },
    },
    processes: {
      host: {
        containerId: 'a'.repeat(64),
        view: 'host',
        source: 'fixture',
        collectedAt: new Date().toISOString(),
        processes: host,
      },
      container: {
        containerId: 'a'.repeat(64),
        view: 'container',
        source: 'fixture',
        collectedAt: new Date().toISOString(),
        processes: inside,
      },
    },
    sockets: [],
    files: files(fileCount),
    tmpfsFiles: [],
    volumeFiles: [],
    fileContents: [],
    engineFiles: [],
    engineFilesRewritten: [],
    mountPoints: [],
    stats: [],
    artifacts: [],
    access: 'host',
    errors: [],
  } satisfies ContainerEvidence;
}

const workbench: Workbench = {
  engineId: 'bench',
  containerId: 'a'.repeat(64),
  tab: 'processes',
  selectEngine: () => undefined,
  selectContainer: () => undefined,
  openTab: () => undefined,
  focus: undefined,
  setFocus: () => undefined,
};

let root: Root | undefined;

/**
 * Mounts a view synchronously and returns the time React took to commit it. A view that fails to render throws its
 * own error here, rather than leaving an empty page for the steps to trip over.
 */
function mount(view: 'processes' | 'files', procs: number, fileCount: number): { buildMs: number; mountMs: number } {
  const t0 = performance.now();
  const ev = evidence(procs, fileCount);
  const t1 = performance.now();
  root?.unmount();
  const el = document.getElementById('root')!;
  let failed: unknown;
  root = createRoot(el, {
    onUncaughtError: (e) => (failed ??= e),
    onCaughtError: (e) => (failed ??= e),
  });
  flushSync(() =>
    root!.render(
      <ApiProvider client={api}>
        <WorkbenchContext.Provider value={workbench}>
          <div className="app" data-theme="dark" style={{ display: 'block', height: '100vh' }}>
            <div className="view" style={{ height: '100vh' }}>
              {view === 'processes' ? <ProcessTree evidence={ev} /> : <FsDiff evidence={ev} engineId="bench" />}
            </div>
          </div>
        </WorkbenchContext.Provider>
      </ApiProvider>,
    ),
  );
  const mountMs = performance.now() - t1;
  if (failed) throw new Error(`${view} view failed to render: ${String((failed as Error).stack ?? failed)}`);
  const mounted = q(view === 'processes' ? '[data-testid="process-tree-host"]' : '[data-testid="fs-scroll"]');
  if (!mounted) throw new Error(`${view} view rendered without its scrolling area`);
  return { buildMs: t1 - t0, mountMs };
}

const q = (sel: string) => document.querySelector(sel) as HTMLElement;
const attr = (sel: string, a: string) => () => q(sel)?.getAttribute(a) ?? '';

/** Sets a React-controlled input the way typing does. */
function typeInto(input: HTMLInputElement, value: string) {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

const wheel = (el: HTMLElement, dy: number, ctrl = false) =>
  el.dispatchEvent(
    new WheelEvent('wheel', { deltaY: dy, ctrlKey: ctrl, bubbles: true, cancelable: true, clientX: 200, clientY: 200 }),
  );
const key = (el: HTMLElement, k: string) =>
  el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));

const processSteps = {
  pan: () => {
    const vp = q('[data-testid="process-tree-host"]');
    return steps(
      60,
      (i) => wheel(vp, i < 30 ? 240 : -240),
      () => q('[data-testid="process-tree-host"] .pt-world')?.style.transform ?? '',
    );
  },
  zoom: () => {
    const vp = q('[data-testid="process-tree-host"]');
    return steps(
      20,
      (i) => wheel(vp, i % 2 ? 120 : -120, true),
      attr('[data-testid="process-tree-host"]', 'data-zoom'),
    );
  },
  search: () => {
    const input = q('[data-testid="process-search"]') as HTMLInputElement;
    const terms = ['worker-3', 'hidden', '--id 4999', 'deleted', ''];
    return steps(
      terms.length,
      (i) => typeInto(input, terms[i]!),
      attr('[data-testid="process-tree-host"]', 'data-rows'),
    );
  },
  collapse: () => {
    const vp = q('[data-testid="process-tree-host"]');
    key(vp, 'Home');
    return steps(
      10,
      (i) => key(vp, i % 2 ? 'ArrowRight' : 'ArrowLeft'),
      attr('[data-testid="process-tree-host"]', 'data-rows'),
    );
  },
  rendered: () => document.querySelectorAll('[data-testid="process-node"]').length,
};

const fileSteps = {
  scroll: () => {
    const sc = q('[data-testid="fs-scroll"]');
    return steps(
      100,
      (i) => (sc.scrollTop = (i + 1) * 720),
      () => q('[data-testid="fs-row"]')?.style.transform ?? '',
    );
  },
  jump: () => {
    const sc = q('[data-testid="fs-scroll"]');
    return steps(
      10,
      (i) => (sc.scrollTop = (((i * 7919) % 10) * sc.scrollHeight) / 10),
      () => q('[data-testid="fs-row"]')?.style.transform ?? '',
    );
  },
  filter: () => {
    const input = q('[data-testid="fs-search"]') as HTMLInputElement;
    const terms = ['file-4242', 'setuid', '.so', 'mod-7/', ''];
    return steps(terms.length, (i) => typeInto(input, terms[i]!), attr('[data-testid="fs-diff"]', 'data-rows'));
  },
  flagged: () => steps(4, () => q('[data-testid="fs-flagged"]').click(), attr('[data-testid="fs-diff"]', 'data-rows')),
  rendered: () => document.querySelectorAll('[data-testid="fs-row"]').length,
};

(window as unknown as { VA: unknown }).VA = { mount, processSteps, fileSteps };
