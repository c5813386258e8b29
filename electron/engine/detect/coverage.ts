/**
 * How the detectors cover two public rule sets, rule by rule: Falco's rules (falcosecurity/rules: the stable
 * rules/falco_rules.yaml, and rules/falco-incubating_rules.yaml and rules/falco-sandbox_rules.yaml) and docker-bench-security sections 4 and 5
 * (docker/docker-bench-security tests/4_container_images.sh, tests/5_container_runtime.sh, CIS Docker Benchmark v1.6.0).
 * A unit test checks that every detector named here exists.
 */
export type Verdict = 'covered' | 'partial' | 'needs kernel sensor' | 'host only' | 'out of scope' | 'not covered';

export interface CoverageRow {
  id: string;
  rule: string;
  verdict: Verdict;
  detectors: string[];
  note: string;
}

export interface CoverageTable {
  source: string;
  rows: CoverageRow[];
}

const r = (id: string, rule: string, verdict: Verdict, detectors: string[], note: string): CoverageRow => ({
  id,
  rule,
  verdict,
  detectors,
  note,
});

export const FALCO_STABLE: CoverageTable = {
  source: 'Falco rules, falcosecurity/rules `rules/falco_rules.yaml` (25 rules)',
  rows: [
    r('F1', 'Directory traversal monitored file read', 'needs kernel sensor', [], 'A read leaves no artifact.'),
    r('F2', 'Read sensitive file trusted after startup', 'needs kernel sensor', [], 'A read leaves no artifact.'),
    r('F3', 'Read sensitive file untrusted', 'needs kernel sensor', [], 'A read leaves no artifact.'),
    r(
      'F4',
      'Run shell untrusted',
      'partial',
      ['reverse-shell', 'shell-pipeline', 'exec-into-container'],
      'Shells alive at collection time, and exec sessions from events; short-lived shells are not seen.',
    ),
    r(
      'F5',
      'System user interactive',
      'partial',
      ['exec-into-container'],
      'Exec sessions with a user and a TTY from events; logins by system users inside are not seen.',
    ),
    r(
      'F6',
      'Terminal shell in container',
      'covered',
      ['exec-into-container'],
      'exec_create events and exec inspect (TTY, user, privileged).',
    ),
    r(
      'F7',
      'Contact K8S API Server From Container',
      'partial',
      ['outbound-nonstandard-port', 'beaconing'],
      'Live or TIME_WAIT connections only; the API server address is not singled out.',
    ),
    r(
      'F8',
      'Netcat Remote Code Execution in Container',
      'covered',
      ['reverse-shell', 'shell-pipeline', 'command-override'],
      'nc -e / mkfifo / pipelines, live (fd links) and in the container command.',
    ),
    r(
      'F9',
      'Search Private Keys or Passwords',
      'partial',
      ['sensitive-links'],
      'Shortcuts to secrets are seen; the search itself (find/grep) is transient.',
    ),
    r(
      'F10',
      'Clear Log Activities',
      'covered',
      ['indicator-removal', 'sensitive-links'],
      'Logs deleted, emptied or cut against the image size; links to /dev/null.',
    ),
    r(
      'F11',
      'Remove Bulk Data from Disk',
      'partial',
      ['indicator-removal'],
      'Deletions of what the image holds show in the diff; shred/wipe of volumes does not.',
    ),
    r(
      'F12',
      'Create Symlink Over Sensitive Files',
      'covered',
      ['sensitive-links'],
      'Link targets read host-side with readlink.',
    ),
    r(
      'F13',
      'Create Hardlink Over Sensitive Files',
      'partial',
      ['sensitive-links', 'account-tampering'],
      'Hard links are not told apart from files; content checks of critical files apply.',
    ),
    r(
      'F14',
      'Packet socket created in container',
      'covered',
      ['packet-socket'],
      'Open AF_PACKET sockets in /proc/net/packet of the container namespace, with their owner; a socket opened and closed between reads is missed.',
    ),
    r(
      'F15',
      'Redirect STDOUT/STDIN to Network Connection in Container',
      'covered',
      ['reverse-shell', 'shell-pipeline'],
      'stdio fd links to sockets, and through pipes to a network holder.',
    ),
    r(
      'F16',
      'Linux Kernel Module Injection Detected',
      'partial',
      ['dangerous-capabilities', 'privileged-container'],
      'The precondition (SYS_MODULE, privileged) is seen; the load is not.',
    ),
    r(
      'F17',
      'Debugfs Launched in Privileged Container',
      'partial',
      ['privileged-container'],
      'The privileged precondition only.',
    ),
    r(
      'F18',
      'Detect release_agent File Container Escapes',
      'partial',
      ['privileged-container', 'dangerous-capabilities'],
      'The preconditions; release_agent content is not read yet.',
    ),
    r(
      'F19',
      'PTRACE attached to process',
      'partial',
      ['dangerous-capabilities'],
      'SYS_PTRACE grants are seen; the attach is transient.',
    ),
    r('F20', 'PTRACE anti-debug attempt', 'needs kernel sensor', [], 'A transient syscall.'),
    r('F21', 'Find AWS Credentials', 'needs kernel sensor', [], 'A search and read leave no artifact.'),
    r(
      'F22',
      'Execution from /dev/shm',
      'covered',
      ['suspicious-exe-location', 'dropped-executable', 'hidden-files'],
      'exe links into scratch dirs; tmpfs listings.',
    ),
    r(
      'F23',
      'Drop and execute new binary in container',
      'covered',
      ['dropped-executable', 'suspicious-exe-location'],
      'Upper-layer ELF files and the exe link of running processes.',
    ),
    r(
      'F24',
      'Disallowed SSH Connection Non Standard Port',
      'covered',
      ['outbound-nonstandard-port', 'tunnel'],
      'Live and TIME_WAIT connections to non-standard ports; ssh clients that forward ports at any port.',
    ),
    r(
      'F25',
      'Fileless execution via memfd_create',
      'covered',
      ['suspicious-exe-location'],
      'exe link /memfd:… read host-side.',
    ),
  ],
};

export const FALCO_INCUBATING: CoverageTable = {
  source: 'Falco rules, falcosecurity/rules `rules/falco-incubating_rules.yaml` (31 rules)',
  rows: [
    r(
      'I1',
      'Modify Shell Configuration File',
      'covered',
      ['shell-rc-tampering'],
      'rc files changed after start, with what they run.',
    ),
    r('I2', 'Schedule Cron Jobs', 'covered', ['cron-persistence'], 'Cron files added or changed after start.'),
    r('I3', 'Read ssh information', 'needs kernel sensor', [], 'A read leaves no artifact.'),
    r(
      'I4',
      'DB program spawned process',
      'partial',
      ['container-tooling'],
      'A shell alive under a database server at collection time.',
    ),
    r(
      'I5',
      'Change thread namespace',
      'partial',
      ['namespace-escape'],
      "Processes that sit in the host's namespaces after setns; the call itself is transient.",
    ),
    r(
      'I6',
      'Change namespace privileges via unshare',
      'partial',
      ['namespace-escape', 'dangerous-capabilities'],
      'The outcome (processes in other namespaces) and the capability that allows it.',
    ),
    r('I7', 'Launch Privileged Container', 'covered', ['privileged-container'], ''),
    r('I8', 'Launch Excessively Capable Container', 'covered', ['dangerous-capabilities'], ''),
    r(
      'I9',
      'System procs network activity',
      'partial',
      ['reverse-shell', 'unexpected-listener'],
      "Sockets held by shells and undeclared listeners at collection time; the rule's list of system binaries targets host daemons.",
    ),
    r(
      'I10',
      'Program run with disallowed http proxy env',
      'partial',
      ['process-env-abuse'],
      "Proxy variables on live processes that the container configuration does not set; the site's allowed proxies are its suppressions.",
    ),
    r(
      'I11',
      'Unexpected UDP Traffic',
      'partial',
      ['unexpected-listener', 'beaconing'],
      'Bound UDP sockets on undeclared ports, and repeated flows with --observe; single datagrams leave no row.',
    ),
    r('I12', 'Non sudo setuid', 'needs kernel sensor', [], 'A setuid() call.'),
    r(
      'I13',
      'User mgmt binaries',
      'partial',
      ['account-tampering'],
      'The accounts they create or change; the run of useradd itself is transient.',
    ),
    r(
      'I14',
      'Create files below dev',
      'partial',
      ['dropped-executable', 'hidden-files'],
      'Files under /dev are listed host-side; executables and hidden names are reported, plain data files are not.',
    ),
    r(
      'I15',
      'Contact EC2 Instance Metadata Service From Container',
      'covered',
      ['cloud-metadata-access'],
      'Live and TIME_WAIT connections to 169.254.169.254, with their owner; older closed connections are gone.',
    ),
    r(
      'I16',
      'Contact cloud metadata service from container',
      'covered',
      ['cloud-metadata-access'],
      'As I15, plus the ECS task, Alibaba and IPv6 metadata addresses.',
    ),
    r(
      'I17',
      'Launch Package Management Process in Container',
      'partial',
      ['container-tooling'],
      'Package managers alive at collection (low); their effect shows as drift in dropped-executable.',
    ),
    r(
      'I18',
      'Launch Suspicious Network Tool in Container',
      'partial',
      ['container-tooling', 'reverse-shell', 'shell-pipeline', 'tunnel'],
      'Scanners, sniffers, netcat, and tunnel and proxy tools (ssh forwards, chisel, socat relays, DNS tunnels) alive at collection time.',
    ),
    r('I19', 'Launch Suspicious Network Tool on Host', 'host only', [], "Host processes are not containers' evidence."),
    r(
      'I20',
      'Delete or rename shell history',
      'covered',
      ['indicator-removal', 'sensitive-links'],
      'Histories deleted, cut or linked to /dev/null.',
    ),
    r(
      'I21',
      'Set Setuid or Setgid bit',
      'partial',
      ['dropped-executable'],
      'setuid/setgid files added after start (upper layer mode bits).',
    ),
    r(
      'I22',
      'Launch Remote File Copy Tools in Container',
      'partial',
      ['container-tooling'],
      'scp, rsync, sftp, rclone alive at collection time.',
    ),
    r(
      'I23',
      'Network Connection outside Local Subnet',
      'partial',
      ['outbound-nonstandard-port', 'beaconing'],
      "Connections to non-standard ports and steady check-ins; a site's subnet list is policy, not evidence.",
    ),
    r(
      'I24',
      'Mount Launched in Privileged Container',
      'partial',
      ['privileged-container', 'proc-bind-mount'],
      'Mount points read from mountinfo; the mount call is transient.',
    ),
    r(
      'I25',
      'Launch Ingress Remote File Copy Tools in Container',
      'partial',
      ['container-tooling', 'dropped-executable', 'exec-into-container'],
      'Copy tools alive, what they dropped, and exec commands that download.',
    ),
    r('I26', 'Read environment variable from /proc files', 'needs kernel sensor', [], 'A read leaves no artifact.'),
    r(
      'I27',
      'Exfiltrating Artifacts via Kubernetes Control Plane',
      'partial',
      ['kube-pod-exec'],
      'kubectl cp runs as an exec (tar) the audit log records.',
    ),
    r('I28', 'Adding ssh keys to authorized_keys', 'covered', ['ssh-authorized-keys'], ''),
    r(
      'I29',
      'Potential Local Privilege Escalation via Environment Variables Misuse',
      'partial',
      ['process-env-abuse'],
      'GLIBC_TUNABLES on live processes, high when shaped like the exploit; the setuid run itself is transient.',
    ),
    r(
      'I30',
      'Backdoored library loaded into SSHD (CVE-2024-3094)',
      'partial',
      ['runtime-hardening'],
      'sshd running in a container is reported (5.7); its loaded liblzma version is not read.',
    ),
    r(
      'I31',
      'BPF Program Not Profiled',
      'needs kernel sensor',
      [],
      'BPF loads are syscalls; the preconditions (CAP_BPF, CAP_SYS_ADMIN, privileged) are reported by dangerous-capabilities.',
    ),
  ],
};

export const FALCO_SANDBOX: CoverageTable = {
  source: 'Falco rules, falcosecurity/rules `rules/falco-sandbox_rules.yaml` (37 rules)',
  rows: [
    r(
      'S1',
      'Unexpected inbound connection source',
      'partial',
      ['unexpected-listener', 'inter-container-connection'],
      "Established inbound rows at collection time; the site's allowed sources are policy.",
    ),
    r('S2', 'Read Shell Configuration File', 'needs kernel sensor', [], 'A read leaves no artifact.'),
    r(
      'S3',
      'Update Package Repository',
      'partial',
      ['image-build-hygiene', 'dropped-executable'],
      'Repository files changed after start show in the diff; build-time index refreshes in history (4.7).',
    ),
    r(
      'S4',
      'Write below binary dir',
      'partial',
      ['dropped-executable'],
      'Executables added or replaced under bin and sbin directories, from the diff; other files written there are in the diff view, unjudged.',
    ),
    r(
      'S5',
      'Write below monitored dir',
      'partial',
      ['account-tampering', 'sudoers-nopasswd', 'ssh-authorized-keys'],
      'Critical files read and compared with the image.',
    ),
    r(
      'S6',
      'Write below etc',
      'partial',
      ['account-tampering', 'sudoers-nopasswd', 'cron-persistence', 'ld-preload'],
      'Critical files under /etc; other /etc changes are in the diff view, unjudged.',
    ),
    r(
      'S7',
      'Write below root',
      'partial',
      ['shell-rc-tampering', 'ssh-authorized-keys', 'hidden-files'],
      'Persistence files under /root.',
    ),
    r(
      'S8',
      'Write below rpm database',
      'partial',
      ['dropped-executable'],
      'What a run-time install drops; the rpm database write itself is not judged.',
    ),
    r(
      'S9',
      'Modify binary dirs',
      'partial',
      ['dropped-executable'],
      'A renamed executable reappears as an added one; deletions are in the diff view, unjudged.',
    ),
    r(
      'S10',
      'Mkdir binary dirs',
      'partial',
      ['dropped-executable', 'hidden-files'],
      'New directories carry no finding unless they hold executables or hidden names.',
    ),
    r('S11', 'Launch Sensitive Mount Container', 'covered', ['sensitive-host-mount'], ''),
    r('S12', 'Launch Disallowed Container', 'covered', ['unauthorized-deployment'], 'policy.allowedImages.'),
    r(
      'S13',
      'Interpreted procs inbound network activity',
      'partial',
      ['unexpected-listener', 'reverse-shell'],
      'Listeners and socket shells held by interpreters at collection time.',
    ),
    r(
      'S14',
      'Interpreted procs outbound network activity',
      'partial',
      ['reverse-shell', 'outbound-nonstandard-port'],
      'As S13, outbound.',
    ),
    r(
      'S15',
      'Unexpected K8s NodePort Connection',
      'partial',
      ['unexpected-listener'],
      'Node ports are cluster policy; listeners on undeclared ports are reported.',
    ),
    r('S16', 'Create Hidden Files or Directories', 'covered', ['hidden-files'], ''),
    r(
      'S17',
      'Detect outbound connections to common miner pool ports',
      'covered',
      ['outbound-nonstandard-port', 'resource-hijack'],
      'Pool ports are non-standard; miner evidence raises resource-hijack.',
    ),
    r(
      'S18',
      'Detect crypto miners using the Stratum protocol',
      'covered',
      ['resource-hijack'],
      'stratum+tcp URLs in command lines.',
    ),
    r(
      'S19',
      'Kubernetes Client Tool Launched in Container',
      'partial',
      ['container-tooling'],
      'kubectl, helm, crictl and the like alive at collection time.',
    ),
    r(
      'S20',
      'Container Drift Detected (chmod)',
      'covered',
      ['dropped-executable'],
      'Files changed after start that are now executable.',
    ),
    r(
      'S21',
      'Container Drift Detected (open+create)',
      'covered',
      ['dropped-executable'],
      'Executables created after start, from the diff and tmpfs listings.',
    ),
    r(
      'S22',
      'Container Run as Root User',
      'partial',
      ['image-build-hygiene'],
      'Root where the image could run as someone else (CIS 4.1); root by default is not reported, to keep the noise down.',
    ),
    r(
      'S23',
      'Sudo Potential Privilege Escalation',
      'needs kernel sensor',
      [],
      "An exploit run (CVE-2021-3156) is transient; NOPASSWD rules are sudoers-nopasswd's.",
    ),
    r(
      'S24',
      'Unprivileged Delegation of Page Faults Handling to a Userspace Process',
      'needs kernel sensor',
      [],
      'A userfaultfd() call.',
    ),
    r(
      'S25',
      'Polkit Local Privilege Escalation Vulnerability (CVE-2021-4034)',
      'needs kernel sensor',
      [],
      'An execve with an empty argv.',
    ),
    r(
      'S26',
      'Java Process Class File Download',
      'partial',
      ['dropped-executable', 'outbound-nonstandard-port'],
      'Class files are not executables; the download connection shows when it is live.',
    ),
    r(
      'S27',
      'Modify Container Entrypoint',
      'partial',
      ['dropped-executable', 'command-override'],
      'An entrypoint binary changed in the upper layer, and suspicious command overrides.',
    ),
    r(
      'S28',
      'Decoding Payload in Container',
      'partial',
      ['command-override', 'exec-into-container', 'cron-persistence'],
      'base64 decoding piped to a shell in commands, exec records and cron; a decode run alone is transient.',
    ),
    r(
      'S29',
      'Basic Interactive Reconnaissance',
      'needs kernel sensor',
      [],
      "whoami, id, uname finish in milliseconds; exec sessions that ran them are exec-into-container's.",
    ),
    r(
      'S30',
      'Netcat/Socat Remote Code Execution on Host',
      'host only',
      [],
      "Host processes are not containers' evidence.",
    ),
    r(
      'S31',
      'Network Tool Executed During NPM Package Install',
      'needs kernel sensor',
      [],
      'Install scripts run and exit during the build or the install.',
    ),
    r(
      'S32',
      'Known Cryptominer Process Executed',
      'covered',
      ['resource-hijack'],
      'Miner names and pool arguments of live processes.',
    ),
    r(
      'S33',
      'Web Server Spawned Shell',
      'partial',
      ['container-tooling'],
      'A shell alive under a web server at collection time.',
    ),
    r(
      'S34',
      'Web Server Spawned Suspicious Child Process',
      'partial',
      ['container-tooling'],
      'Shells under servers; other children are not judged.',
    ),
    r(
      'S35',
      'Reverse Shell from Web Server',
      'covered',
      ['reverse-shell', 'container-tooling'],
      'A socket shell, and its server parent.',
    ),
    r(
      'S36',
      'Privileged Container Device Access',
      'covered',
      ['privileged-container', 'runtime-hardening'],
      'Privileged mode and raw devices mapped in (5.18).',
    ),
    r(
      'S37',
      'Container Access to Host Sensitive Paths',
      'covered',
      ['sensitive-host-mount', 'sensitive-links'],
      'Host paths mounted in, and links to host interfaces.',
    ),
  ],
};

export const BENCH_4: CoverageTable = {
  source: 'docker-bench-security section 4, container images (`tests/4_container_images.sh`)',
  rows: [
    r(
      '4.1',
      'Ensure a user for the container has been created',
      'partial',
      ['image-build-hygiene'],
      "Root is reported where the image could run as someone else: it declares a non-root USER that the run overrides (medium), or its history creates an account (low). Root in images with no other account is not reported: the benchmark's blanket warning would fire on most images.",
    ),
    r(
      '4.2',
      'Ensure containers use only trusted base images',
      'partial',
      ['unauthorized-deployment', 'image-tampering'],
      'Image allowlist policy; images never pulled from a registry.',
    ),
    r(
      '4.3',
      'Ensure unnecessary packages are not installed',
      'out of scope',
      [],
      'Which packages a workload needs is a judgement of its owner; no artifact decides it.',
    ),
    r(
      '4.4',
      'Ensure images are scanned and rebuilt with security patches',
      'out of scope',
      [],
      'Vulnerability scanning needs an advisory database, which a read-only investigation does not carry.',
    ),
    r(
      '4.5',
      'Ensure Content trust for Docker is enabled',
      'out of scope',
      [],
      "DOCKER_CONTENT_TRUST is a setting of the docker CLI on the operator's machine; the engine never sees it.",
    ),
    r(
      '4.6',
      'Ensure HEALTHCHECK instructions have been added to images',
      'covered',
      ['runtime-hardening'],
      "5.27 on the running container, whose Config.Healthcheck includes the image's.",
    ),
    r(
      '4.7',
      'Ensure update instructions are not used alone in Dockerfiles',
      'covered',
      ['image-build-hygiene'],
      'A history step that refreshes a package index and installs nothing; once per image.',
    ),
    r(
      '4.8',
      'Ensure setuid and setgid permissions are removed',
      'partial',
      ['dropped-executable'],
      'setuid/setgid files added after start; those shipped in the image are not listed.',
    ),
    r(
      '4.9',
      'Ensure COPY is used instead of ADD',
      'covered',
      ['image-build-hygiene'],
      "ADD steps in the history, remote URLs named; a base image's root filesystem ADD is ignored.",
    ),
    r(
      '4.10',
      'Ensure secrets are not stored in Dockerfiles',
      'covered',
      ['image-build-hygiene'],
      'Secret-named variables and token formats (cloud keys, private keys, vendor tokens) in history, image env and container env; values are masked.',
    ),
    r(
      '4.11',
      'Ensure only verified packages are installed',
      'out of scope',
      [],
      'Package signatures are checked at install time by the package manager; the image keeps no record of it.',
    ),
    r(
      '4.12',
      'Ensure all signed artifacts are validated',
      'out of scope',
      [],
      'Signatures live in the registry (Notary, cosign), not on the engine.',
    ),
  ],
};

export const BENCH_5: CoverageTable = {
  source: 'docker-bench-security section 5, container runtime (`tests/5_container_runtime.sh`)',
  rows: [
    r(
      '5.1',
      'Ensure swarm mode is not enabled, if not needed',
      'covered',
      ['runtime-hardening'],
      'GET /info Swarm.LocalNodeState; managers are medium.',
    ),
    r('5.2', 'Ensure an AppArmor profile is enabled', 'covered', ['security-profile-disabled'], 'unconfined profiles.'),
    r(
      '5.3',
      'Ensure SELinux security options are set',
      'covered',
      ['runtime-hardening', 'security-profile-disabled'],
      'No label options on an engine that reports SELinux (GET /info SecurityOptions); label=disable on any engine, high where SELinux is enforced.',
    ),
    r(
      '5.4',
      'Ensure Linux kernel capabilities are restricted',
      'covered',
      ['dangerous-capabilities'],
      'CapAdd beyond the defaults.',
    ),
    r('5.5', 'Ensure privileged containers are not used', 'covered', ['privileged-container'], ''),
    r('5.6', 'Ensure sensitive host system directories are not mounted', 'covered', ['sensitive-host-mount'], ''),
    r(
      '5.7',
      'Ensure sshd is not run within containers',
      'covered',
      ['runtime-hardening'],
      'Host-side process list, no exec.',
    ),
    r('5.8', 'Ensure privileged ports are not mapped', 'covered', ['runtime-hardening'], ''),
    r(
      '5.9',
      'Ensure only needed ports are open',
      'covered',
      ['unexpected-listener'],
      'Published ports and LISTEN sockets the image does not declare.',
    ),
    r('5.10', "Ensure the host's network namespace is not shared", 'covered', ['host-namespaces'], ''),
    r('5.11', 'Ensure memory usage is limited', 'covered', ['runtime-hardening'], ''),
    r('5.12', 'Ensure CPU priority is set appropriately', 'covered', ['runtime-hardening'], ''),
    r('5.13', 'Ensure the root filesystem is mounted read only', 'covered', ['runtime-hardening'], ''),
    r('5.14', 'Ensure incoming traffic is bound to a specific host interface', 'covered', ['runtime-hardening'], ''),
    r('5.15', "Ensure 'on-failure' restart policy is set to 5", 'covered', ['runtime-hardening'], ''),
    r('5.16', "Ensure the host's process namespace is not shared", 'covered', ['host-namespaces'], ''),
    r('5.17', "Ensure the host's IPC namespace is not shared", 'covered', ['host-namespaces'], ''),
    r(
      '5.18',
      'Ensure host devices are not directly exposed',
      'covered',
      ['runtime-hardening'],
      'Raw disks and /dev/mem are high.',
    ),
    r('5.19', 'Ensure the default ulimit is overwritten if needed', 'covered', ['runtime-hardening'], ''),
    r('5.20', 'Ensure mount propagation mode is not shared', 'covered', ['runtime-hardening'], ''),
    r('5.21', "Ensure the host's UTS namespace is not shared", 'covered', ['host-namespaces'], ''),
    r('5.22', 'Ensure the default seccomp profile is not disabled', 'covered', ['security-profile-disabled'], ''),
    r(
      '5.23',
      'Ensure docker exec commands are not used with the privileged option',
      'covered',
      ['exec-into-container'],
      'exec_create events and exec inspect, which the bench only notes.',
    ),
    r(
      '5.24',
      'Ensure docker exec commands are not used with the user=root option',
      'covered',
      ['exec-into-container'],
      'exec inspect ProcessConfig.user.',
    ),
    r('5.25', 'Ensure that cgroup usage is confirmed', 'covered', ['runtime-hardening'], ''),
    r(
      '5.26',
      'Ensure that the container is restricted from acquiring additional privileges',
      'covered',
      ['runtime-hardening'],
      '',
    ),
    r('5.27', 'Ensure that container health is checked at runtime', 'covered', ['runtime-hardening'], ''),
    r(
      '5.28',
      'Ensure that Docker commands always make use of the latest version of their image',
      'covered',
      ['image-tampering'],
      'A tag that now points to another image than the running one.',
    ),
    r('5.29', 'Ensure that the PIDs cgroup limit is used', 'covered', ['runtime-hardening'], ''),
    r('5.30', 'Ensure that Docker\'s default bridge "docker0" is not used', 'covered', ['runtime-hardening'], ''),
    r('5.31', "Ensure that the host's user namespaces are not shared", 'covered', ['host-namespaces'], ''),
    r(
      '5.32',
      'Ensure that the Docker socket is not mounted inside any containers',
      'covered',
      ['sensitive-host-mount'],
      '',
    ),
  ],
};

export const COVERAGE: readonly CoverageTable[] = [FALCO_STABLE, FALCO_INCUBATING, FALCO_SANDBOX, BENCH_4, BENCH_5];

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The coverage tables as Markdown, for the generated catalogue. */
export function renderCoverage(tables: readonly CoverageTable[] = COVERAGE): string {
  const out: string[] = ['## Coverage of public rule sets', ''];
  out.push(
    'Verdicts: **covered** (a detector reports the condition), **partial** (a precondition or a lasting trace only), **needs kernel sensor** (a transient syscall with no lasting artifact), **host only** (about host processes, not containers), **out of scope** (a judgement or a setting no container, image or engine shows), **not covered** (visible without an agent, not implemented yet).',
    '',
  );
  for (const t of tables) {
    const counts = t.rows.reduce<Record<string, number>>(
      (a, x) => ({ ...a, [x.verdict]: (a[x.verdict] ?? 0) + 1 }),
      {},
    );
    out.push(
      `### ${t.source}`,
      '',
      Object.entries(counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') + '.',
      '',
    );
    out.push('| # | Rule / check | Verdict | Detectors | Note |', '|---|---|---|---|---|');
    for (const x of t.rows)
      out.push(
        `| ${x.id} | ${cell(x.rule)} | ${x.verdict} | ${x.detectors.map((d) => `\`${d}\``).join(', ') || '-'} | ${cell(x.note) || '-'} |`,
      );
    out.push('');
  }
  return out.join('\n');
}
