import type { ComponentType } from 'react';
import { ContainerOverview } from '../features/containers/ContainerOverview.js';

/** A main-pane tab. Views that show one container say so, and the tab bar dims them until one is picked. */
export interface ViewDef {
  id: string;
  label: string;
  needsContainer: boolean;
  component: ComponentType;
}

/** The main-pane views, in tab order (keys 1…9). */
export const VIEWS: ViewDef[] = [{ id: 'overview', label: 'Overview', needsContainer: true, component: ContainerOverview }];
