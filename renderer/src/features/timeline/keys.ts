import type { KeyHelp } from '../../workbench/key-help.js';

export const TIMELINE_KEYS: KeyHelp[] = [
  ['n / p', 'next / previous item'],
  ['z', 'zoom to the selected item'],
  ['0', 'reset zoom'],
  ['l', 'live on / off'],
  ['Esc', 'clear the brushed range, then the selection'],
];
