import type { KubeAuditEvent } from '@shared/domain/evidence-set.js';
import type { KubeWorkload } from '@shared/domain/kube-evidence.js';
import type { Detector, Hit } from '../detector.js';
import { globMatch } from '../lib/glob.js';
import { oneLine } from '../lib/refs.js';
import { isControllerUser, isImperativeManager, isPersonManager } from './identity.js';
import { minerSign } from './images.js';
import { auditHit, auditRef, kindOfResource, objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';

const WORKLOAD_RESOURCES = /^(deployments|daemonsets|statefulsets|replicasets|jobs|cronjobs|pods)$/;

/**
 * Workloads created or changed by a person rather than a controller. The cluster records the tool of each
 * write in managedFields (kubectl-create, kubectl-edit, a browser...) but not the user; the audit log, when
 * given, names the user and settles it: a controller identity behind a kubectl write (CI running kubectl)
 * is a rollout and stays quiet.
 */
export const kubeManualChange: Detector = {
  meta: {
    id: 'kube-manual-change',
    title: 'Kubernetes workload created or changed by hand',
    strategy: ['ADS-c2-abuse', 'ADS-evasion'],
    attack: ['T1610', 'T1204.003'],
    severity: 'medium',
    kind: 'state',
    dataSources: [
      'Kubernetes API: metadata.managedFields (manager, operation, time) of workloads',
      'Kubernetes audit log: update and patch of workloads, with user and groups, to name the person and to tell CI from people',
    ],
    goal: "Find workloads written recently (policy.kubeRecentHours, 7 days by default) by a person's tool rather than a controller: imperative kubectl (create, run, edit, patch, set, scale), the dashboard or a desktop client is medium, a declarative `kubectl apply` low, a known cryptominer image high. Audit update and patch requests by people are reported too. Rollouts by controllers (the deployment controller, GitOps agents, Helm and CI service accounts) stay quiet.",
    blindSpots: [
      'managedFields name the tool, not the user: a pipeline that runs `kubectl create` looks like a person until the audit log shows its service account.',
      "A person using a GitOps agent's credentials or a service-account token looks like a controller.",
      'Field managers can be set by the client (`--field-manager`); a careful attacker names a controller.',
    ],
    falsePositives: [
      'Operators scaling or patching during an incident and developers in their own namespaces. Allowlist with a versioned suppression on `match.user` (the audit user or the field manager) or `match.namespace`, with `maxSeverity: medium` so a miner still alerts.',
    ],
    response: [
      'Find the change in the audit log (user, source IP, user agent) and ask the person.',
      'Compare the workload with its source of truth (Git, Helm release) and revert unexplained changes.',
    ],
  },
  detect(ev, { policy }) {
    const hits: Hit[] = [];
    const k = ev.kube;
    const now = Date.parse(k?.listedAt ?? ev.collectedAt);
    const since = now - policy.kubeRecentHours * 3_600_000;
    const audits = new Map<string, KubeAuditEvent[]>();
    for (const a of ev.kubeAudit) {
      if (!WORKLOAD_RESOURCES.test(a.resource) || !['create', 'update', 'patch'].includes(a.verb)) continue;
      const key = `${kindOfResource(a.resource)}/${a.namespace ?? 'default'}/${a.name ?? '?'}`;
      audits.set(key, [...(audits.get(key) ?? []), a]);
    }
    const allowed = (img: string) => policy.allowedImages.some((g) => globMatch(g, img));
    const miner = (w: KubeWorkload) =>
      w.template.containers.map((c) => minerSign(c.image, [...c.command, ...c.args])).find(Boolean);

    for (const w of k ? rootsOf(k) : []) {
      const people = w.managers.filter((m) => isPersonManager(m.manager) && (!m.time || Date.parse(m.time) >= since));
      if (!people.length) continue;
      const logged = audits.get(`${w.kind}/${w.namespace}/${w.name}`) ?? [];
      // The audit log names who wrote it: a controller identity behind the tool is a pipeline.
      if (logged.length && logged.every((a) => isControllerUser(a.user, a.groups))) continue;
      const person = logged.find((a) => !isControllerUser(a.user, a.groups));
      const m = people.find((p) => isImperativeManager(p.manager)) ?? people[0]!;
      const sign = miner(w);
      const outside = w.template.containers.filter((c) => !allowed(c.image));
      const imperative = isImperativeManager(m.manager);
      const severity = sign ? 'high' : imperative && outside.length ? 'medium' : 'low';
      hits.push(
        workloadHit(w, undefined, {
          ref: `manual:${m.manager}`,
          user: person?.user ?? m.manager,
          summary: `${oneLine(wlabel(w), 160)} was ${m.operation === 'Apply' ? 'applied' : w.managers[0]?.manager === m.manager ? 'created' : 'changed'} by hand with ${oneLine(m.manager, 60)}${m.time ? ` at ${m.time}` : ''}${person ? ` by ${oneLine(person.user, 60)}` : ''}, running ${oneLine(w.template.containers.map((c) => c.image).join(', '), 160)}${sign ? `, a known cryptominer (${sign.what} ${oneLine(sign.match, 60)})` : ''}.`,
          evidence: [
            objectRef(
              ev,
              w,
              `metadata.managedFields: ${w.managers.map((x) => `${x.manager} ${x.operation} ${x.time ?? ''}`.trim()).join('; ')}`,
            ),
            ...(person ? [auditRef(person)] : []),
          ],
          severity,
          attack: sign ? ['T1610', 'T1204.003', 'T1496'] : ['T1610', 'T1204.003'],
        }),
      );
    }
    // Changes the audit log shows (the cluster keeps only the latest writer per field).
    for (const list of audits.values())
      for (const a of list) {
        if (a.verb === 'create' || isControllerUser(a.user, a.groups)) continue;
        hits.push(
          auditHit(a, {
            ref: `audit-change:${a.resource}/${a.namespace ?? '-'}/${a.name ?? '?'}:${a.user}`,
            summary: `${oneLine(a.user, 60)} ${a.verb === 'patch' ? 'patched' : 'replaced'} ${a.resource.replace(/s$/, '')} ${oneLine(`${a.namespace ?? 'default'}/${a.name ?? '?'}`, 120)} at ${a.time}${a.images.length ? ` (images ${oneLine(a.images.join(', '), 120)})` : ''}${a.userAgent ? ` via ${oneLine(a.userAgent, 60)}` : ''}.`,
            evidence: [auditRef(a)],
            severity: a.images.some((i) => minerSign(i, [])) ? 'high' : 'medium',
          }),
        );
      }
    return hits;
  },
};
