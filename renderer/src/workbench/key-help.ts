/** One line of the shortcut help: the key as printed, and what it does. */
export type KeyHelp = readonly [keys: string, does: string];

/** Keys that work in every view (the shell's own). */
export const GLOBAL_KEYS: KeyHelp[] = [
  ['j / ↓', 'next container'],
  ['k / ↑', 'previous container'],
  ['/', 'filter containers'],
  ['Ctrl/⌘ K', 'command palette: jump to a container, finding, view or action'],
  ['1 … 9', 'switch view'],
  ['t', 'toggle light / dark theme'],
  ['r', 'refresh engines and containers'],
  ['Esc', 'close dialog, clear filter'],
  ['?', 'this help'],
];
