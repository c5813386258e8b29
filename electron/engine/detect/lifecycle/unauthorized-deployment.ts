import type { Detector, Hit } from '../detector.js';
import { globMatch, labelMatch } from '../lib/glob.js';
import { oneLine, inspectRef, ref } from '../lib/refs.js';
import { isControllerUser } from '../kube/identity.js';
import { minerSign } from '../kube/images.js';
import { auditHit, auditRef } from '../kube/kube-hits.js';

/**
 * Workloads outside the site's deployment allowlist: Docker containers whose image and labels match no
 * allowed entry, and Kubernetes deployments created (for example with `kubectl create deployment`) with
 * images outside it, from audit-log files.
 */
export const unauthorizedDeployment: Detector = {
  meta: {
    id: 'unauthorized-deployment',
    title: 'Unauthorized deployment',
    strategy: ['ADS-c2-abuse'],
    attack: ['T1610', 'T1204.003', 'T1496'],
    severity: 'medium',
    kind: 'event',
    dataSources: [
      'container inspect: image, labels',
      'Kubernetes audit log: create of deployments/daemonsets/statefulsets/jobs/cronjobs/pods with their images',
      'Kubernetes API: deployments, daemonsets and statefulsets listed from the API server',
    ],
    goal: "Find containers and Kubernetes workloads that no allowlist entry (policy.allowedImages, policy.allowedLabels) authorizes, such as the seeds' `kubectl create deployment --image=<malicious-image>`: a person (not a controller identity) creating a workload is at least medium even without an allowlist, and high when the image or its arguments are a known cryptominer.",
    blindSpots: [
      'Without an allowlist, Docker containers are not judged; Kubernetes workloads a person creates are all reported (medium) for review.',
      'A service-account token used by hand counts as a controller identity and stays quiet; kube-manual-change and the user agent in other findings point at it.',
      'Workloads created through the runtime socket on a node never reach the audit log.',
      "Image names are compared as text; a trusted name pointing to a tampered digest is image-tampering's job.",
    ],
    falsePositives: [
      'Authorized new applications not yet on the allowlist (the seeds\' "authorized deployment of new services"). Add their image prefix or deployment label to the policy, or suppress by image for the rollout window with an expiry date.',
      'Rollouts by CI/CD, GitOps agents and the deployment controller run as service accounts and are not reported. People who deploy by hand on purpose are allowlisted with a versioned suppression on `match.user` (and `maxSeverity: medium`, so a known miner still alerts).',
    ],
    response: [
      'Ask the owning team whether the deployment is theirs; check who created it (audit user, source IP, user agent).',
      'Inspect the image; scale the workload to zero and preserve it if unauthorized.',
    ],
  },
  detect(ev, { policy }) {
    const hits: Hit[] = [];
    const hasPolicy = policy.allowedImages.length > 0 || policy.allowedLabels.length > 0;
    const imageAllowed = (img: string) => policy.allowedImages.some((g) => globMatch(g, img));
    if (hasPolicy) {
      for (const c of ev.containers) {
        const d = c.container;
        if (imageAllowed(d.image) || policy.allowedLabels.some((l) => labelMatch(l, d.labels))) continue;
        hits.push({
          container: c,
          ref: `image:${d.image}`,
          summary: `Container ${d.name} runs image ${oneLine(d.image, 100)}, which matches no allowed image or label.`,
          evidence: [
            inspectRef(
              c,
              'Config.Image',
              `image ${d.image}; labels: ${oneLine(Object.keys(d.labels).join(', ') || 'none', 200)}`,
            ),
          ],
          attack: ['T1610'],
        });
      }
    }
    for (const a of ev.kubeAudit) {
      const listed = a.verb === 'list';
      if (
        (a.verb !== 'create' && !listed) ||
        !/^(deployments|daemonsets|statefulsets|replicasets|jobs|cronjobs|pods)$/.test(a.resource)
      )
        continue;
      // A rollout by a controller identity (CI/CD and GitOps service accounts, the deployment controller
      // creating ReplicaSets and pods) is the seeds' authorized deployment: quiet.
      if (!listed && isControllerUser(a.user, a.groups)) continue;
      const outside = a.images.filter((i) => !imageAllowed(i));
      if (hasPolicy && outside.length === 0) continue;
      // A workload listed from the API server (not an audit record) is judged only against an allowlist.
      if (listed && !hasPolicy) continue;
      const miner =
        a.images.map((i, n) => minerSign(i, a.commands?.[n] ? [a.commands[n]!] : [])).find(Boolean) ??
        (a.commands ?? []).map((c) => minerSign('', [c])).find(Boolean);
      const target = `${a.namespace ?? 'default'}/${a.resource}/${a.name ?? '?'}`;
      const kind = a.resource.replace(/s$/, '');
      const h: Omit<Hit, 'subject' | 'workload'> = {
        ref: `kube:${target}`,
        summary: `${listed ? `The cluster runs ${kind} ${oneLine(target, 120)} (${oneLine(a.user, 60)})` : `${oneLine(a.user, 60)}, a person rather than a controller, created ${kind} ${oneLine(target, 120)}`} with image ${oneLine(a.images.join(', ') || 'unknown', 120)}${miner ? `, a known cryptominer (${miner.what} ${oneLine(miner.match, 60)})` : hasPolicy ? ', outside the allowed images' : ' (no deployment allowlist configured: every image a person deploys is reviewed)'}${a.userAgent ? ` via ${oneLine(a.userAgent, 60)}` : ''}.`,
        evidence: [
          listed
            ? ref(
                'event',
                `audit ${a.time} ${a.verb} ${target}`,
                `user=${oneLine(a.user, 80)} images=${oneLine(a.images.join(','), 300)}`,
              )
            : auditRef(
                a,
                `images=${oneLine(a.images.join(','), 300)}${a.podFlags.length ? ` flags=${a.podFlags.join(',')}` : ''}`,
              ),
        ],
        severity: miner ? 'high' : 'medium',
        attack: miner ? ['T1610', 'T1204.003', 'T1496'] : ['T1610', 'T1204.003'],
      };
      hits.push(
        listed
          ? { ...h, subject: { id: target, name: `${a.resource}/${a.name ?? '?'}`, image: a.images[0] } }
          : auditHit(a, h),
      );
    }
    return hits;
  },
};
