import type { KeyHelp } from '../../workbench/key-help.js';

export const FINDINGS_KEYS: KeyHelp[] = [
  ['n / p', 'next / previous finding'],
  ['Enter', 'open the view behind its evidence'],
  ['s', 'search findings'],
  ['c', 'confirm, then the next finding'],
  ['x', 'mark false positive, then the next finding'],
  ['u', 'reset to new'],
];
