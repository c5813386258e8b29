/** Exit codes of every subcommand: 0 clean, 1 a finding met --fail-on, 2 usage or connection error. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
