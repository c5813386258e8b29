import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { listedRef, objectHit, objectRef, rootsOf, wlabel, workloadHit } from './kube-hits.js';

/**
 * Credentials kept where Kubernetes does not protect them as secrets: in ConfigMaps (readable by every role that
 * reads configuration, never encrypted at rest) and secrets handed to containers as environment variables
 * (inherited by every child process, printed by crash dumps and `env`, CIS 5.4.1).
 */
export const kubeCredentialExposure: Detector = {
  meta: {
    id: 'kube-credential-exposure',
    title: 'Kubernetes credentials in ConfigMaps or environment variables',
    strategy: ['ADS-evasion'],
    attack: ['T1552.007', 'T1552.001'],
    severity: 'medium',
    kind: 'state',
    dataSources: [
      'Kubernetes API: ConfigMap keys (names kept only when the key or its value looks like a credential; values are never kept)',
      'Kubernetes API: env[].valueFrom.secretKeyRef and envFrom[].secretRef of pod specs and workload templates',
    ],
    goal: 'Find credentials an attacker with ordinary read access collects without touching a Secret: ConfigMaps whose keys are named like passwords, tokens or access keys with a real value, or whose values embed an AWS key, a private key or a `password=` line (medium, T1552.007); and workloads that take secrets as environment variables rather than files (low, CIS 5.4.1, T1552.001).',
    blindSpots: [
      'Credentials under innocuous key names, encoded, or split across keys are not recognized; binaryData is not read.',
      'Plain environment values (`value:` rather than a secret reference) that hold a password are not judged.',
      "Only what the scan could list: a 403 on configmaps is an entry in the scan's errors.",
    ],
    falsePositives: [
      'Keys that name a credential without holding one (`password-min-length: "12"`, `${DB_PASSWORD}` templates, placeholders) are skipped; others (public keys named `*_key`, example files) are medium. Allowlist with a versioned suppression on `match.ref` (`configmap:team-a/*`).',
      'Images that can read configuration only from the environment (many off-the-shelf ones). Suppress per namespace on `match.namespace` with `maxSeverity: low`.',
    ],
    response: [
      'Move the credential into a Secret (encrypted at rest, its reads audited), rotate it, and check the audit log for who read the ConfigMap.',
      'Mount secrets as files (a projected or secret volume) instead of environment variables.',
    ],
  },
  detect(ev) {
    const k = ev.kube;
    if (!k) return [];
    const hits: Hit[] = [];
    for (const c of k.configMaps) {
      hits.push(
        objectHit('ConfigMap', c.namespace, c.name, {
          ref: `configmap:${c.namespace}/${c.name}`,
          cause: 'configmap-credentials',
          summary: `ConfigMap ${oneLine(`${c.namespace}/${c.name}`, 140)} holds what looks like credentials in ${oneLine(c.credentialKeys.join(', '), 200)}: readable by every role that reads configuration, and not encrypted at rest.`,
          evidence: [
            listedRef(
              ev,
              'configmaps',
              `configmap/${c.namespace}/${c.name}`,
              `data keys=${c.credentialKeys.join(',')} (values not kept)`,
            ),
          ],
          attack: ['T1552.007'],
        }),
      );
    }
    for (const w of rootsOf(k)) {
      for (const c of w.template.containers) {
        if (!c.envSecrets?.length) continue;
        hits.push(
          workloadHit(w, c, {
            ref: `env-secrets:${c.name}`,
            cause: 'secrets-in-env',
            summary: `${oneLine(wlabel(w), 160)} container ${oneLine(c.name, 60)} takes secret${c.envSecrets.length > 1 ? 's' : ''} ${oneLine(c.envSecrets.join(', '), 160)} as environment variables: every process it starts inherits them.`,
            evidence: [
              objectRef(
                ev,
                w,
                `spec.containers[${c.name}].env valueFrom.secretKeyRef / envFrom.secretRef: ${c.envSecrets.join(',')}`,
              ),
            ],
            severity: 'low',
            attack: ['T1552.001'],
          }),
        );
      }
    }
    return hits;
  },
};
