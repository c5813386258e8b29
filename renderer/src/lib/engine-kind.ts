/** Kubernetes contexts are engines named `kube:<context>`; their pod containers are reached only through pods/exec. */
export const isKubeEngine = (engineId: string | undefined) => engineId?.startsWith('kube:') === true;
