import type { CustodyEntry } from '@shared/domain/case.js';

/**
 * The response both ADS reports prescribe, as the five steps a report walks through, each with the custody
 * actions that count as having done it. Keeping the mapping here means a report shows, for every step,
 * what the analyst actually did in the case rather than only what should be done.
 */
export interface ResponseStep {
  id: 'verify' | 'contain' | 'investigate' | 'remediate' | 'report';
  title: string;
  prescribed: string;
  actions: CustodyEntry['action'][];
}

export const RESPONSE_STEPS: ResponseStep[] = [
  {
    id: 'verify',
    title: 'Verify the alert',
    prescribed:
      'Cross-reference the alert with other indicators of compromise across logs and systems; confirm or dismiss each finding.',
    actions: ['triage', 'verify', 'suppress'],
  },
  {
    id: 'contain',
    title: 'Contain the threat',
    prescribed: 'Isolate affected containers or nodes from the network to stop spread and command-and-control traffic.',
    actions: ['isolate', 'pause', 'stop'],
  },
  {
    id: 'investigate',
    title: 'Investigate and analyze impact',
    prescribed:
      'Analyze images, runtime behaviour and metadata to understand the scope; determine whether data was exfiltrated or systems compromised.',
    actions: ['scan', 'evidence', 'exec', 'note', 'preserve'],
  },
  {
    id: 'remediate',
    title: 'Remediate',
    prescribed: 'Remove malicious containers, patch vulnerabilities, update security policies and improve monitoring.',
    actions: ['stop', 'suppress', 'close'],
  },
  {
    id: 'report',
    title: 'Report',
    prescribed: 'Document the findings and update security policies as necessary.',
    actions: ['export', 'archive'],
  },
];

/** Blind spots both ADS reports state for the strategy as a whole, beside each detector's own. */
export const ADS_BLIND_SPOTS: Array<{ strategy: string; text: string }> = [
  {
    strategy: 'ADS-evasion',
    text: 'Limited visibility into orchestration layers (e.g. Kubernetes) that are not monitored.',
  },
  { strategy: 'ADS-evasion', text: 'Zero-day vulnerabilities and novel evasion techniques are hard to detect.' },
  {
    strategy: 'ADS-evasion',
    text: 'Assumes access at both host and container level; a scan over the Engine API alone sees less than host-side collection.',
  },
  {
    strategy: 'ADS-c2-abuse',
    text: 'Highly sophisticated attacks that mimic legitimate container usage patterns may be missed.',
  },
  {
    strategy: 'ADS-c2-abuse',
    text: 'Assumes detailed container logs and network traffic are captured; a point-in-time scan sees only what exists at that moment.',
  },
];

export function stepEntries(step: ResponseStep, custody: readonly CustodyEntry[]): CustodyEntry[] {
  return custody.filter((e) => step.actions.includes(e.action));
}
