/** The audit record of `kubectl exec` into a pod, as the API server writes it. */
export const podExecAudit = (pod: string) =>
  JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `a-${pod}`,
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/kube-system/pods/${pod}/exec?command=sh`,
    verb: 'create',
    user: { username: 'mallory', groups: ['system:authenticated'] },
    sourceIPs: ['127.0.0.1'],
    userAgent: 'kubectl/v1.30.2 (linux/amd64) kubernetes/39683505',
    objectRef: { resource: 'pods', subresource: 'exec', namespace: 'kube-system', name: pod, apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 101 },
    requestReceivedTimestamp: '2026-11-23T10:00:00.000000Z',
    stageTimestamp: '2026-11-23T10:00:00.100000Z',
  });
