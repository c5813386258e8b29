import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';

/** Containers that may gain privileges (setuid, file capabilities) while running as root. */
export const kubePrivilegeEscalation: Detector = {
  meta: {
    id: 'kube-privilege-escalation',
    title: 'Kubernetes container allows privilege escalation as root',
    strategy: ['ADS-evasion'],
    attack: ['T1548.001', 'T1611'],
    severity: 'medium',
    kind: 'state',
    dataSources: [
      'Kubernetes API: securityContext.allowPrivilegeEscalation, runAsUser and runAsNonRoot of containers and pods',
    ],
    goal: 'Find containers that allow privilege escalation (no_new_privs off) and run as root (Pod Security Standards restricted "Privilege Escalation" and "Running as Non-root"): an explicit `allowPrivilegeEscalation: true` or `runAsUser: 0` is medium; both left to their defaults, so root with escalation allowed unless the image sets a user, is low.',
    blindSpots: [
      "The image's USER is not read from the API: a container with defaults whose image runs as a user is still reported at low.",
      'Privileged containers are reported by kube-privileged-pod and skipped here.',
    ],
    falsePositives: [
      'Images that need root at start (package managers in init containers, legacy daemons). Allowlist with a versioned suppression on `match.image` or `match.namespace` and `maxSeverity: low`.',
    ],
    response: [
      'Set `allowPrivilegeEscalation: false`, `runAsNonRoot: true` and a numeric user in the pod template; rebuild images that need root.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const w of ev.kube ? rootsOf(ev.kube) : []) {
      const t = w.template;
      for (const c of t.containers) {
        if (c.privileged || c.allowPrivilegeEscalation === false) continue;
        const uid = c.runAsUser ?? t.runAsUser;
        const nonRoot = c.runAsNonRoot ?? t.runAsNonRoot;
        if ((uid !== undefined && uid !== 0) || (uid === undefined && nonRoot === true)) continue;
        const explicit = c.allowPrivilegeEscalation === true || uid === 0;
        hits.push(
          workloadHit(w, c, {
            ref: `privesc:${c.name}`,
            summary: `${oneLine(wlabel(w), 160)} container ${oneLine(c.name, 60)} ${c.allowPrivilegeEscalation === true ? 'sets allowPrivilegeEscalation: true' : 'leaves allowPrivilegeEscalation at its default (true)'} and ${uid === 0 ? 'runs as user 0' : 'does not require a non-root user'}.`,
            evidence: [
              objectRef(
                ev,
                w,
                `spec.containers[${c.name}].securityContext: allowPrivilegeEscalation=${c.allowPrivilegeEscalation ?? 'unset'} runAsUser=${uid ?? 'unset'} runAsNonRoot=${nonRoot ?? 'unset'}`,
              ),
            ],
            severity: explicit ? 'medium' : 'low',
          }),
        );
      }
    }
    return hits;
  },
};
