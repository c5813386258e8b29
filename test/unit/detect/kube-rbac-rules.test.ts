import { describe, expect, it } from 'vitest';
import { powersOf } from '../../../electron/engine/detect/kube/rbac-rules.js';

/** The permissions CIS Kubernetes 5.1 names, each recognized in the rule shapes RBAC writes them in. */
const rule = (apiGroups: string[], resources: string[], verbs: string[]) => ({
  apiGroups,
  resources,
  verbs,
  nonResourceURLs: [],
});
const ids = (rules: ReturnType<typeof rule>[]) => powersOf(rules).map((p) => p.id);

describe('powers of RBAC rules', () => {
  it('recognizes each CIS 5.1 permission', () => {
    expect(ids([rule([''], ['nodes/proxy'], ['get'])])).toEqual(['nodes-proxy']);
    expect(
      ids([
        rule(['certificates.k8s.io'], ['certificatesigningrequests/approval'], ['update']),
        rule(['certificates.k8s.io'], ['signers'], ['approve']),
      ]),
    ).toEqual(['csr-approve', 'write']);
    expect(ids([rule(['admissionregistration.k8s.io'], ['mutatingwebhookconfigurations'], ['patch'])])).toEqual([
      'webhooks',
      'write',
    ]);
    expect(ids([rule([''], ['serviceaccounts/token'], ['create'])])).toEqual(['token-create', 'write']);
    expect(ids([rule([''], ['persistentvolumes'], ['create'])])).toEqual(['pv-create', 'write']);
    expect(ids([rule(['batch'], ['cronjobs'], ['create'])])).toEqual(['pods-create', 'write']);
    expect(ids([rule(['rbac.authorization.k8s.io'], ['roles'], ['bind'])])).toEqual(['escalate']);
    expect(ids([rule([''], ['serviceaccounts'], ['impersonate'])])).toEqual(['impersonate']);
    expect(ids([rule([''], ['pods/*'], ['get'])])).toEqual(['pods-exec']);
    expect(ids([rule(['*'], ['*'], ['*'])])).toEqual(['wildcard-all']);
    expect(ids([rule(['apps'], ['*'], ['get'])])).toEqual(['wildcard']);
  });

  it('leaves read-only rules and look-alike names alone', () => {
    expect(ids([rule([''], ['pods', 'pods/log', 'services', 'configmaps'], ['get', 'list', 'watch'])])).toEqual([]);
    expect(ids([rule([''], ['nodes'], ['get', 'list'])])).toEqual([]);
    // The right resource in the wrong API group grants nothing.
    expect(ids([rule(['apps'], ['secrets'], ['get'])])).toEqual([]);
    expect(ids([rule(['example.com'], ['nodes/proxy'], ['get'])])).toEqual([]);
  });
});
