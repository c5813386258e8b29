import type { KeyHelp } from '../../workbench/key-help.js';

/** The tree keys work while a tree has focus (click it, or Enter from the search box). */
export const PROCESS_KEYS: KeyHelp[] = [
  ['s / Ctrl+F', 'search processes'],
  ['j / k / ↓ / ↑', 'next / previous process'],
  ['→ / ←', 'expand, or go to child / collapse, or go to parent'],
  ['Home / End', 'first / last process'],
  ['PgDn / PgUp', 'a page down / up'],
  ['+ / −', 'zoom in / out'],
  ['0', 'reset zoom'],
];
