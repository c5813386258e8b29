/**
 * People versus controllers. The seeds' false positives are authorized rollouts: those come from service
 * accounts (CI/CD, GitOps agents, the deployment controller) and node identities. A person is a user the
 * cluster's authenticator names (OIDC, client certificate, cloud IAM) and a field manager of an interactive
 * tool. A service-account token used by a person by hand looks like a controller: the audit user agent then
 * tells (kubectl from a workstation), which the detectors add to their summaries.
 */

const CONTROLLER_USER =
  /^system:(serviceaccount:|node:|kube-controller-manager$|kube-scheduler$|apiserver$|kube-proxy$|volume-scheduler$|serviceaccount$)/;
const CONTROLLER_GROUP = /^system:(serviceaccounts|nodes)(:|$)/;

/** An audit user is a controller identity (service account, node, control-plane component). */
export function isControllerUser(user: string, groups: readonly string[] = []): boolean {
  const name = user.replace(/ as .*$/, '');
  if (CONTROLLER_USER.test(name)) return true;
  return groups.some((g) => CONTROLLER_GROUP.test(g));
}

/**
 * Field managers of tools people type into or click in. kubectl's managers name the subcommand
 * (kubectl-create, kubectl-edit, kubectl-client-side-apply...); browsers appear as `Mozilla`.
 */
const PERSON_MANAGER =
  /^(kubectl(-.*)?|kubectl\.exe|Mozilla|k9s|OpenLens|Lens|lens|headlamp|kubernetes-dashboard|dashboard|oc|rancher)$/;
/** kubectl subcommands that are typed by hand rather than run from a pipeline's `apply`. */
const IMPERATIVE =
  /^kubectl-(create|run|edit|patch|set|replace|expose|label|annotate|scale|debug)$|^(kubectl|Mozilla|k9s|OpenLens|Lens|headlamp|kubernetes-dashboard|dashboard)$/;

export const isPersonManager = (manager: string): boolean => PERSON_MANAGER.test(manager);
export const isImperativeManager = (manager: string): boolean => IMPERATIVE.test(manager);
