import type { ComponentType } from 'react';
import { ContainerOverview } from '../features/containers/ContainerOverview.js';
import { FindingsView } from '../features/findings/FindingsView.js';
import { ProcessTreeView } from '../features/processes/ProcessTree.js';
import { FsDiffView } from '../features/files/FsDiff.js';
import { NetworkView } from '../features/network/NetworkView.js';
import { TimelineView } from '../features/timeline/TimelineView.js';
import { TerminalView } from '../features/terminal/TerminalView.js';
import { CaseView } from '../features/cases/CaseView.js';

/** A main-pane tab. Views that show one container say so, and the tab bar dims them until one is picked. */
export interface ViewDef {
  id: string;
  label: string;
  needsContainer: boolean;
  component: ComponentType;
}

/** The main-pane views, in tab order (keys 1…9). */
export const VIEWS: ViewDef[] = [
  { id: 'overview', label: 'Overview', needsContainer: true, component: ContainerOverview },
  { id: 'findings', label: 'Findings', needsContainer: false, component: FindingsView },
  { id: 'processes', label: 'Processes', needsContainer: true, component: ProcessTreeView },
  { id: 'files', label: 'Files', needsContainer: true, component: FsDiffView },
  { id: 'network', label: 'Network', needsContainer: false, component: NetworkView },
  { id: 'timeline', label: 'Timeline', needsContainer: false, component: TimelineView },
  { id: 'terminal', label: 'Terminal', needsContainer: true, component: TerminalView },
  { id: 'case', label: 'Case', needsContainer: false, component: CaseView },
];
