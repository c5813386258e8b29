// A kubeconfig exec credential plugin, as `aws eks get-token` or `gke-gcloud-auth-plugin` are: prints an
// ExecCredential carrying the token given as the first argument. When a second argument names a file,
// each run appends a line to it, so tests can see the plugin ran.
import { appendFileSync } from 'node:fs';

const [token, log] = process.argv.slice(2);
if (log) appendFileSync(log, `${process.env.KUBERNETES_EXEC_INFO ? 'with-exec-info' : 'run'}\n`);
if (!token) {
  process.stderr.write('no token configured\n');
  process.exit(1);
}
process.stdout.write(
  JSON.stringify({
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    status: { token, expirationTimestamp: new Date(Date.now() + 3600_000).toISOString() },
  }),
);
