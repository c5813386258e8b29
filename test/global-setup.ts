import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const IMAGES = ['stowaway-test/busybox:1', 'stowaway-test/web:1', 'stowaway-test/attrs:1'];

/**
 * Builds the offline test images once, before any suite, when the engine lacks them: a machine with Docker but
 * without a prior `.ci/run` would otherwise fail every container test with "No such image". Without a reachable
 * engine nothing is built, and the Docker suites report that themselves.
 */
export default function setup(): void {
  const inspect = spawnSync('docker', ['image', 'inspect', ...IMAGES], { stdio: 'ignore' });
  if (inspect.error || inspect.status === 0) return;
  const version = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore' });
  if (version.status !== 0) return;
  const build = spawnSync('bash', [path.join(ROOT, '.ci/images.sh')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building the offline test images failed:\n${build.stdout}${build.stderr}`);
  process.stdout.write(build.stdout);
}
