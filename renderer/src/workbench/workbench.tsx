import { createContext, useContext } from 'react';

/** The analyst's current focus, shared by every view: which engine, which container, which tab. */
export interface Workbench {
  engineId: string | undefined;
  containerId: string | undefined;
  tab: string;
  selectEngine(id: string): void;
  selectContainer(id: string | undefined): void;
  openTab(id: string): void;
  /** Focus something a finding points at: the view opens with this item selected. */
  focus: { kind: string; ref: string } | undefined;
  setFocus(f: { kind: string; ref: string } | undefined): void;
  /** Time window brushed on the timeline (ISO times); views that show timed items filter by it. Optional for shells that do not keep one. */
  timeRange?: TimeRange;
  setTimeRange?(r: TimeRange | undefined): void;
  /** Filters another view asked Findings to open with (the overview's matrix and charts); `seq` changes per request. */
  findingsFilter?: FindingsFilter & { seq: number };
  showFindings?(f: FindingsFilter): void;
}

export interface FindingsFilter {
  technique?: string;
  detector?: string;
  severity?: 'low' | 'medium' | 'high' | 'critical';
  containerId?: string;
  /** Select this finding (clearing filters that would hide it). */
  findingId?: string;
}

export interface TimeRange {
  from: string;
  to: string;
}

export const WorkbenchContext = createContext<Workbench | null>(null);

export function useWorkbench(): Workbench {
  const w = useContext(WorkbenchContext);
  if (!w) throw new Error('useWorkbench outside the workbench');
  return w;
}
