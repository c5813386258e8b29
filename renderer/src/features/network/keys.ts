import type { KeyHelp } from '../../workbench/key-help.js';

export const NETWORK_KEYS: KeyHelp[] = [
  ['f', 'fit the graph to the view'],
  ['u', 'unpin every node'],
  ['p', 'show / hide processes'],
  ['Esc', 'clear the selection'],
];
