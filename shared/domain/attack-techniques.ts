/**
 * The ATT&CK techniques Stowaway names, with their names and tactics as published in MITRE ATT&CK Enterprise v17.
 * Bundled (no network at run time) and kept to what container investigations meet: every technique a detector
 * maps to, plus the container and Kubernetes techniques an analyst is likely to cite next to them.
 */
export const ATTACK_VERSION = '17';
export const ATTACK_DOMAIN = 'enterprise-attack';

/** Tactics in the order ATT&CK's matrix shows them, left to right. */
export const TACTICS = [
  'Reconnaissance',
  'Resource Development',
  'Initial Access',
  'Execution',
  'Persistence',
  'Privilege Escalation',
  'Defense Evasion',
  'Credential Access',
  'Discovery',
  'Lateral Movement',
  'Collection',
  'Command and Control',
  'Exfiltration',
  'Impact',
] as const;
export type Tactic = (typeof TACTICS)[number];

export interface AttackTechnique {
  id: string;
  name: string;
  tactics: readonly Tactic[];
}

const IA: Tactic = 'Initial Access';
const EX: Tactic = 'Execution';
const PE: Tactic = 'Persistence';
const PR: Tactic = 'Privilege Escalation';
const DE: Tactic = 'Defense Evasion';
const CA: Tactic = 'Credential Access';
const DI: Tactic = 'Discovery';
const LM: Tactic = 'Lateral Movement';
const CO: Tactic = 'Collection';
const C2: Tactic = 'Command and Control';
const XF: Tactic = 'Exfiltration';
const IM: Tactic = 'Impact';

// [id, name, tactics]; a sub-technique's name is its own, the parent's is looked up for display.
const ROWS: Array<[string, string, Tactic[]]> = [
  ['T1001', 'Data Obfuscation', [C2]],
  ['T1001.001', 'Junk Data', [C2]],
  ['T1003', 'OS Credential Dumping', [CA]],
  ['T1003.007', 'Proc Filesystem', [CA]],
  ['T1003.008', '/etc/passwd and /etc/shadow', [CA]],
  ['T1005', 'Data from Local System', [CO]],
  ['T1014', 'Rootkit', [DE]],
  ['T1021', 'Remote Services', [LM]],
  ['T1021.004', 'SSH', [LM]],
  ['T1027', 'Obfuscated Files or Information', [DE]],
  ['T1027.002', 'Software Packing', [DE]],
  ['T1027.004', 'Compile After Delivery', [DE]],
  ['T1036', 'Masquerading', [DE]],
  ['T1036.004', 'Masquerade Task or Service', [DE]],
  ['T1036.005', 'Match Legitimate Resource Name or Location', [DE]],
  ['T1036.006', 'Space after Filename', [DE]],
  ['T1036.008', 'Masquerade File Type', [DE]],
  ['T1036.009', 'Break Process Trees', [DE]],
  ['T1040', 'Network Sniffing', [CA, DI]],
  ['T1041', 'Exfiltration Over C2 Channel', [XF]],
  ['T1046', 'Network Service Discovery', [DI]],
  ['T1048', 'Exfiltration Over Alternative Protocol', [XF]],
  ['T1053', 'Scheduled Task/Job', [EX, PE, PR]],
  ['T1053.002', 'At', [EX, PE, PR]],
  ['T1053.003', 'Cron', [EX, PE, PR]],
  ['T1053.006', 'Systemd Timers', [EX, PE, PR]],
  ['T1053.007', 'Container Orchestration Job', [EX, PE, PR]],
  ['T1055', 'Process Injection', [DE, PR]],
  ['T1055.008', 'Ptrace System Calls', [DE, PR]],
  ['T1055.009', 'Proc Memory', [DE, PR]],
  ['T1056', 'Input Capture', [CO, CA]],
  ['T1057', 'Process Discovery', [DI]],
  ['T1059', 'Command and Scripting Interpreter', [EX]],
  ['T1059.004', 'Unix Shell', [EX]],
  ['T1059.006', 'Python', [EX]],
  ['T1059.007', 'JavaScript', [EX]],
  ['T1068', 'Exploitation for Privilege Escalation', [PR]],
  ['T1070', 'Indicator Removal', [DE]],
  ['T1070.002', 'Clear Linux or Mac System Logs', [DE]],
  ['T1070.003', 'Clear Command History', [DE]],
  ['T1070.004', 'File Deletion', [DE]],
  ['T1070.006', 'Timestomp', [DE]],
  ['T1070.009', 'Clear Persistence', [DE]],
  ['T1071', 'Application Layer Protocol', [C2]],
  ['T1071.001', 'Web Protocols', [C2]],
  ['T1071.004', 'DNS', [C2]],
  ['T1078', 'Valid Accounts', [DE, PE, PR, IA]],
  ['T1078.001', 'Default Accounts', [DE, PE, PR, IA]],
  ['T1078.003', 'Local Accounts', [DE, PE, PR, IA]],
  ['T1078.004', 'Cloud Accounts', [DE, PE, PR, IA]],
  ['T1082', 'System Information Discovery', [DI]],
  ['T1083', 'File and Directory Discovery', [DI]],
  ['T1087', 'Account Discovery', [DI]],
  ['T1087.001', 'Local Account', [DI]],
  ['T1090', 'Proxy', [C2]],
  ['T1095', 'Non-Application Layer Protocol', [C2]],
  ['T1098', 'Account Manipulation', [PE, PR]],
  ['T1098.001', 'Additional Cloud Credentials', [PE, PR]],
  ['T1098.004', 'SSH Authorized Keys', [PE, PR]],
  ['T1098.006', 'Additional Container Cluster Roles', [PE, PR]],
  ['T1105', 'Ingress Tool Transfer', [C2]],
  ['T1133', 'External Remote Services', [PE, IA]],
  ['T1136', 'Create Account', [PE]],
  ['T1136.001', 'Local Account', [PE]],
  ['T1140', 'Deobfuscate/Decode Files or Information', [DE]],
  ['T1190', 'Exploit Public-Facing Application', [IA]],
  ['T1204', 'User Execution', [EX]],
  ['T1195', 'Supply Chain Compromise', [IA]],
  ['T1195.002', 'Compromise Software Supply Chain', [IA]],
  ['T1204.003', 'Malicious Image', [EX]],
  ['T1210', 'Exploitation of Remote Services', [LM]],
  ['T1222', 'File and Directory Permissions Modification', [DE]],
  ['T1222.002', 'Linux and Mac File and Directory Permissions Modification', [DE]],
  ['T1485', 'Data Destruction', [IM]],
  ['T1489', 'Service Stop', [IM]],
  ['T1486', 'Data Encrypted for Impact', [IM]],
  ['T1496', 'Resource Hijacking', [IM]],
  ['T1496.001', 'Compute Hijacking', [IM]],
  ['T1496.002', 'Bandwidth Hijacking', [IM]],
  ['T1499', 'Endpoint Denial of Service', [IM]],
  ['T1505', 'Server Software Component', [PE]],
  ['T1505.003', 'Web Shell', [PE]],
  ['T1525', 'Implant Internal Image', [PE]],
  ['T1528', 'Steal Application Access Token', [CA]],
  ['T1531', 'Account Access Removal', [IM]],
  ['T1543', 'Create or Modify System Process', [PE, PR]],
  ['T1543.002', 'Systemd Service', [PE, PR]],
  ['T1543.005', 'Container Service', [PE, PR]],
  ['T1546', 'Event Triggered Execution', [PR, PE]],
  ['T1546.004', 'Unix Shell Configuration Modification', [PR, PE]],
  ['T1548', 'Abuse Elevation Control Mechanism', [PR, DE]],
  ['T1548.001', 'Setuid and Setgid', [PR, DE]],
  ['T1548.003', 'Sudo and Sudo Caching', [PR, DE]],
  ['T1552', 'Unsecured Credentials', [CA]],
  ['T1555', 'Credentials from Password Stores', [CA]],
  ['T1556', 'Modify Authentication Process', [CA, DE, PE]],
  ['T1556.003', 'Pluggable Authentication Modules', [CA, DE, PE]],
  ['T1552.001', 'Credentials In Files', [CA]],
  ['T1552.004', 'Private Keys', [CA]],
  ['T1552.005', 'Cloud Instance Metadata API', [CA]],
  ['T1552.007', 'Container API', [CA]],
  ['T1554', 'Compromise Host Software Binary', [PE]],
  ['T1560', 'Archive Collected Data', [CO]],
  ['T1557', 'Adversary-in-the-Middle', [CA, CO]],
  ['T1557.002', 'ARP Cache Poisoning', [CA, CO]],
  ['T1562', 'Impair Defenses', [DE]],
  ['T1562.001', 'Disable or Modify Tools', [DE]],
  ['T1562.008', 'Disable or Modify Cloud Logs', [DE]],
  ['T1562.003', 'Impair Command History Logging', [DE]],
  ['T1562.004', 'Disable or Modify System Firewall', [DE]],
  ['T1562.006', 'Indicator Blocking', [DE]],
  ['T1562.012', 'Disable or Modify Linux Audit System', [DE]],
  ['T1564', 'Hide Artifacts', [DE]],
  ['T1564.001', 'Hidden Files and Directories', [DE]],
  ['T1564.006', 'Run Virtual Instance', [DE]],
  ['T1564.007', 'VBA Stomping', [DE]],
  ['T1564.013', 'Bind Mounts', [DE]],
  ['T1565', 'Data Manipulation', [IM]],
  ['T1565.001', 'Stored Data Manipulation', [IM]],
  ['T1571', 'Non-Standard Port', [C2]],
  ['T1572', 'Protocol Tunneling', [C2]],
  ['T1574', 'Hijack Execution Flow', [PE, PR, DE]],
  ['T1574.006', 'Dynamic Linker Hijacking', [PE, PR, DE]],
  ['T1609', 'Container Administration Command', [EX]],
  ['T1610', 'Deploy Container', [DE, EX]],
  ['T1611', 'Escape to Host', [PR]],
  ['T1612', 'Build Image on Host', [DE]],
  ['T1613', 'Container and Resource Discovery', [DI]],
  ['T1620', 'Reflective Code Loading', [DE]],
];

export const ATTACK_TECHNIQUES: ReadonlyMap<string, AttackTechnique> = new Map(
  ROWS.map(([id, name, tactics]) => [id, { id, name, tactics }]),
);

/** The table's entry, or undefined for an id the bundled table does not know. */
export const attackTechnique = (id: string): AttackTechnique | undefined => ATTACK_TECHNIQUES.get(id);

/** "Hide Artifacts: Bind Mounts" for a sub-technique, the plain name for a technique, the id itself when unknown. */
export function attackName(id: string): string {
  const t = ATTACK_TECHNIQUES.get(id);
  if (!t) return id;
  const dot = id.indexOf('.');
  const parent = dot > 0 ? ATTACK_TECHNIQUES.get(id.slice(0, dot)) : undefined;
  return parent ? `${parent.name}: ${t.name}` : t.name;
}

/** "T1564.013 Hide Artifacts: Bind Mounts". */
export const attackLabel = (id: string): string => {
  const name = attackName(id);
  return name === id ? id : `${id} ${name}`;
};

/** The tactics a technique belongs to; empty when unknown. */
export const attackTactics = (id: string): readonly Tactic[] => ATTACK_TECHNIQUES.get(id)?.tactics ?? [];

export const attackUrl = (id: string) => `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;
