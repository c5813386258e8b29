/**
 * How the detectors cover two public rule sets, rule by rule: Falco's stable container rules
 * (falcosecurity/rules rules/falco_rules.yaml) and docker-bench-security sections 4 and 5
 * (docker/docker-bench-security tests/4_container_images.sh, tests/5_container_runtime.sh, CIS Docker Benchmark v1.6.0).
 * A unit test checks that every detector named here exists.
 */
export type Verdict = 'covered' | 'partial' | 'needs kernel sensor' | 'not covered';

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

const r = (id: string, rule: string, verdict: Verdict, detectors: string[], note: string): CoverageRow => ({ id, rule, verdict, detectors, note });

export const FALCO_STABLE: CoverageTable = {
  source: 'Falco rules, falcosecurity/rules `rules/falco_rules.yaml` (25 rules)',
  rows: [
    r('F1', 'Directory traversal monitored file read', 'needs kernel sensor', [], 'A read leaves no artifact.'),
    r('F2', 'Read sensitive file trusted after startup', 'needs kernel sensor', [], 'A read leaves no artifact.'),
    r('F3', 'Read sensitive file untrusted', 'needs kernel sensor', [], 'A read leaves no artifact.'),
    r('F4', 'Run shell untrusted', 'partial', ['reverse-shell', 'shell-pipeline', 'exec-into-container'], 'Shells alive at collection time, and exec sessions from events; short-lived shells are not seen.'),
    r('F5', 'System user interactive', 'partial', ['exec-into-container'], 'Exec sessions with a user and a TTY from events; logins by system users inside are not seen.'),
    r('F6', 'Terminal shell in container', 'covered', ['exec-into-container'], 'exec_create events and exec inspect (TTY, user, privileged).'),
    r('F7', 'Contact K8S API Server From Container', 'partial', ['outbound-nonstandard-port', 'beaconing'], 'Live or TIME_WAIT connections only; the API server address is not singled out.'),
    r('F8', 'Netcat Remote Code Execution in Container', 'covered', ['reverse-shell', 'shell-pipeline', 'command-override'], 'nc -e / mkfifo / pipelines, live (fd links) and in the container command.'),
    r('F9', 'Search Private Keys or Passwords', 'partial', ['sensitive-links'], 'Shortcuts to secrets are seen; the search itself (find/grep) is transient.'),
    r('F10', 'Clear Log Activities', 'covered', ['indicator-removal', 'sensitive-links'], 'Logs deleted, emptied or cut against the image size; links to /dev/null.'),
    r('F11', 'Remove Bulk Data from Disk', 'partial', ['indicator-removal'], 'Deletions of what the image holds show in the diff; shred/wipe of volumes does not.'),
    r('F12', 'Create Symlink Over Sensitive Files', 'covered', ['sensitive-links'], 'Link targets read host-side with readlink.'),
    r('F13', 'Create Hardlink Over Sensitive Files', 'partial', ['sensitive-links', 'account-tampering'], 'Hard links are not told apart from files; content checks of critical files apply.'),
    r('F14', 'Packet socket created in container', 'not covered', [], 'Visible in /proc/net/packet of the namespace; not collected yet.'),
    r('F15', 'Redirect STDOUT/STDIN to Network Connection in Container', 'covered', ['reverse-shell', 'shell-pipeline'], 'stdio fd links to sockets, and through pipes to a network holder.'),
    r('F16', 'Linux Kernel Module Injection Detected', 'partial', ['dangerous-capabilities', 'privileged-container'], 'The precondition (SYS_MODULE, privileged) is seen; the load is not.'),
    r('F17', 'Debugfs Launched in Privileged Container', 'partial', ['privileged-container'], 'The privileged precondition only.'),
    r('F18', 'Detect release_agent File Container Escapes', 'partial', ['privileged-container', 'dangerous-capabilities'], 'The preconditions; release_agent content is not read yet.'),
    r('F19', 'PTRACE attached to process', 'partial', ['dangerous-capabilities'], 'SYS_PTRACE grants are seen; the attach is transient.'),
    r('F20', 'PTRACE anti-debug attempt', 'needs kernel sensor', [], 'A transient syscall.'),
    r('F21', 'Find AWS Credentials', 'needs kernel sensor', [], 'A search and read leave no artifact.'),
    r('F22', 'Execution from /dev/shm', 'covered', ['suspicious-exe-location', 'dropped-executable', 'hidden-files'], 'exe links into scratch dirs; tmpfs listings.'),
    r('F23', 'Drop and execute new binary in container', 'covered', ['dropped-executable', 'suspicious-exe-location'], 'Upper-layer ELF files and the exe link of running processes.'),
    r('F24', 'Disallowed SSH Connection Non Standard Port', 'covered', ['outbound-nonstandard-port'], 'Live and TIME_WAIT connections to non-standard ports.'),
    r('F25', 'Fileless execution via memfd_create', 'covered', ['suspicious-exe-location'], 'exe link /memfd:… read host-side.'),
  ],
};

export const BENCH_4: CoverageTable = {
  source: 'docker-bench-security section 4, container images (`tests/4_container_images.sh`)',
  rows: [
    r('4.1', 'Ensure a user for the container has been created', 'not covered', [], 'Config.User is collected; root is the default of most images and is not reported yet.'),
    r('4.2', 'Ensure containers use only trusted base images', 'partial', ['unauthorized-deployment', 'image-tampering'], 'Image allowlist policy; images never pulled from a registry.'),
    r('4.3', 'Ensure unnecessary packages are not installed', 'not covered', [], 'Needs a package inventory of the image.'),
    r('4.4', 'Ensure images are scanned and rebuilt with security patches', 'not covered', [], 'Vulnerability scanning is out of scope.'),
    r('4.5', 'Ensure Content trust for Docker is enabled', 'not covered', [], 'A client-side setting of the docker CLI.'),
    r('4.6', 'Ensure HEALTHCHECK instructions have been added to images', 'covered', ['runtime-hardening'], '5.27 on the running container, whose Config.Healthcheck includes the image\'s.'),
    r('4.7', 'Ensure update instructions are not used alone in Dockerfiles', 'not covered', [], 'Image history is collected; the rule is not written.'),
    r('4.8', 'Ensure setuid and setgid permissions are removed', 'partial', ['dropped-executable'], 'setuid/setgid files added after start; those shipped in the image are not listed.'),
    r('4.9', 'Ensure COPY is used instead of ADD', 'not covered', [], 'Image history is collected; the rule is not written.'),
    r('4.10', 'Ensure secrets are not stored in Dockerfiles', 'not covered', [], 'Image history and env are collected; no secret patterns yet.'),
    r('4.11', 'Ensure only verified packages are installed', 'not covered', [], 'Needs package signatures.'),
    r('4.12', 'Ensure all signed artifacts are validated', 'not covered', [], 'Needs registry signature material.'),
  ],
};

export const BENCH_5: CoverageTable = {
  source: 'docker-bench-security section 5, container runtime (`tests/5_container_runtime.sh`)',
  rows: [
    r('5.1', 'Ensure swarm mode is not enabled, if not needed', 'not covered', [], 'An engine setting (GET /info), not a container one.'),
    r('5.2', 'Ensure an AppArmor profile is enabled', 'covered', ['security-profile-disabled'], 'unconfined profiles.'),
    r('5.3', 'Ensure SELinux security options are set', 'not covered', [], 'SecurityOpt is collected; SELinux labels are not judged (most hosts here run AppArmor).'),
    r('5.4', 'Ensure Linux kernel capabilities are restricted', 'covered', ['dangerous-capabilities'], 'CapAdd beyond the defaults.'),
    r('5.5', 'Ensure privileged containers are not used', 'covered', ['privileged-container'], ''),
    r('5.6', 'Ensure sensitive host system directories are not mounted', 'covered', ['sensitive-host-mount'], ''),
    r('5.7', 'Ensure sshd is not run within containers', 'covered', ['runtime-hardening'], 'Host-side process list, no exec.'),
    r('5.8', 'Ensure privileged ports are not mapped', 'covered', ['runtime-hardening'], ''),
    r('5.9', 'Ensure only needed ports are open', 'covered', ['unexpected-listener'], 'Published ports and LISTEN sockets the image does not declare.'),
    r('5.10', 'Ensure the host\'s network namespace is not shared', 'covered', ['host-namespaces'], ''),
    r('5.11', 'Ensure memory usage is limited', 'covered', ['runtime-hardening'], ''),
    r('5.12', 'Ensure CPU priority is set appropriately', 'covered', ['runtime-hardening'], ''),
    r('5.13', 'Ensure the root filesystem is mounted read only', 'covered', ['runtime-hardening'], ''),
    r('5.14', 'Ensure incoming traffic is bound to a specific host interface', 'covered', ['runtime-hardening'], ''),
    r('5.15', 'Ensure \'on-failure\' restart policy is set to 5', 'covered', ['runtime-hardening'], ''),
    r('5.16', 'Ensure the host\'s process namespace is not shared', 'covered', ['host-namespaces'], ''),
    r('5.17', 'Ensure the host\'s IPC namespace is not shared', 'covered', ['host-namespaces'], ''),
    r('5.18', 'Ensure host devices are not directly exposed', 'covered', ['runtime-hardening'], 'Raw disks and /dev/mem are high.'),
    r('5.19', 'Ensure the default ulimit is overwritten if needed', 'covered', ['runtime-hardening'], ''),
    r('5.20', 'Ensure mount propagation mode is not shared', 'covered', ['runtime-hardening'], ''),
    r('5.21', 'Ensure the host\'s UTS namespace is not shared', 'covered', ['host-namespaces'], ''),
    r('5.22', 'Ensure the default seccomp profile is not disabled', 'covered', ['security-profile-disabled'], ''),
    r('5.23', 'Ensure docker exec commands are not used with the privileged option', 'covered', ['exec-into-container'], 'exec_create events and exec inspect, which the bench only notes.'),
    r('5.24', 'Ensure docker exec commands are not used with the user=root option', 'covered', ['exec-into-container'], 'exec inspect ProcessConfig.user.'),
    r('5.25', 'Ensure that cgroup usage is confirmed', 'covered', ['runtime-hardening'], ''),
    r('5.26', 'Ensure that the container is restricted from acquiring additional privileges', 'covered', ['runtime-hardening'], ''),
    r('5.27', 'Ensure that container health is checked at runtime', 'covered', ['runtime-hardening'], ''),
    r('5.28', 'Ensure that Docker commands always make use of the latest version of their image', 'covered', ['image-tampering'], 'A tag that now points to another image than the running one.'),
    r('5.29', 'Ensure that the PIDs cgroup limit is used', 'covered', ['runtime-hardening'], ''),
    r('5.30', 'Ensure that Docker\'s default bridge "docker0" is not used', 'covered', ['runtime-hardening'], ''),
    r('5.31', 'Ensure that the host\'s user namespaces are not shared', 'covered', ['host-namespaces'], ''),
    r('5.32', 'Ensure that the Docker socket is not mounted inside any containers', 'covered', ['sensitive-host-mount'], ''),
  ],
};

export const COVERAGE: readonly CoverageTable[] = [FALCO_STABLE, BENCH_4, BENCH_5];

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The coverage tables as Markdown, for the generated catalogue. */
export function renderCoverage(tables: readonly CoverageTable[] = COVERAGE): string {
  const out: string[] = ['## Coverage of public rule sets', ''];
  out.push('Verdicts: **covered** (a detector reports the condition), **partial** (a precondition or a lasting trace only), **needs kernel sensor** (a transient syscall with no lasting artifact), **not covered** (visible without an agent, not implemented).', '');
  for (const t of tables) {
    const counts = t.rows.reduce<Record<string, number>>((a, x) => ({ ...a, [x.verdict]: (a[x.verdict] ?? 0) + 1 }), {});
    out.push(`### ${t.source}`, '', Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ') + '.', '');
    out.push('| # | Rule / check | Verdict | Detectors | Note |', '|---|---|---|---|---|');
    for (const x of t.rows) out.push(`| ${x.id} | ${cell(x.rule)} | ${x.verdict} | ${x.detectors.map((d) => `\`${d}\``).join(', ') || '-'} | ${cell(x.note) || '-'} |`);
    out.push('');
  }
  return out.join('\n');
}
