import type { ComponentType } from 'react';
import { ContainerOverview } from '../features/containers/ContainerOverview.js';
import { EngineOverview } from '../features/overview/EngineOverview.js';
import { useWorkbench } from '../workbench/workbench.js';
import { FindingsView } from '../features/findings/FindingsView.js';
import { ProcessTreeView } from '../features/processes/ProcessTree.js';
import { FsDiffView } from '../features/files/FsDiffView.js';
import { NetworkView } from '../features/network/NetworkView.js';
import { TimelineView } from '../features/timeline/TimelineView.js';
import { TerminalView } from '../features/terminal/TerminalView.js';
import { CaseView } from '../features/cases/CaseView.js';
import type { KeyHelp } from '../workbench/key-help.js';
import { FINDINGS_KEYS } from '../features/findings/keys.js';
import { PROCESS_KEYS } from '../features/processes/keys.js';
import { FILE_KEYS } from '../features/files/keys.js';
import { NETWORK_KEYS } from '../features/network/keys.js';
import { TIMELINE_KEYS } from '../features/timeline/keys.js';

/** A main-pane tab. Views that show one container say so, and the tab bar dims them until one is picked. */
export interface ViewDef {
  id: string;
  label: string;
  needsContainer: boolean;
  component: ComponentType;
  /** The view's own keys, listed by the shortcut help while the view is open. */
  keys?: KeyHelp[];
}

/** Overview: the selected container's, or the whole engine's (and the case's) when none is selected. */
function OverviewView() {
  const { containerId } = useWorkbench();
  return containerId ? <ContainerOverview /> : <EngineOverview />;
}

/** The main-pane views, in tab order (keys 1…9). */
export const VIEWS: ViewDef[] = [
  { id: 'overview', label: 'Overview', needsContainer: false, component: OverviewView },
  { id: 'findings', label: 'Findings', needsContainer: false, component: FindingsView, keys: FINDINGS_KEYS },
  { id: 'processes', label: 'Processes', needsContainer: true, component: ProcessTreeView, keys: PROCESS_KEYS },
  { id: 'files', label: 'Files', needsContainer: true, component: FsDiffView, keys: FILE_KEYS },
  { id: 'network', label: 'Network', needsContainer: false, component: NetworkView, keys: NETWORK_KEYS },
  { id: 'timeline', label: 'Timeline', needsContainer: false, component: TimelineView, keys: TIMELINE_KEYS },
  { id: 'terminal', label: 'Terminal', needsContainer: true, component: TerminalView },
  { id: 'case', label: 'Case', needsContainer: false, component: CaseView },
];
