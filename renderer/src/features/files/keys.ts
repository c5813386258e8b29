import type { KeyHelp } from '../../workbench/key-help.js';

/** The list keys work while the list of changed files has focus. */
export const FILE_KEYS: KeyHelp[] = [
  ['s / Ctrl+F', 'search changed files'],
  ['j / k / ↓ / ↑', 'next / previous file'],
  ['→ / ←', 'expand / collapse, or go to parent'],
  ['Home / End', 'first / last file'],
  ['PgDn / PgUp', 'a page down / up'],
  ['Enter', 'from the search box: go to the list'],
  ['Esc', 'in the search box: clear it'],
];
