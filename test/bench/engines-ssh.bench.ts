// Engine API calls over ssh: dockerode's own ssh mode (one ssh handshake per call) against Stowaway's
// persistent session, with and without channel reuse. Needs sshd and the local dockerd.
// Run: node --import tsx test/bench/engines-ssh.bench.ts   (prints per-call times and ratios measured in this run)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { createSshDockerClient } from '../../electron/engine/ssh/ssh-docker.js';
import { startSshd } from '../helpers/sshd.js';

const N = 20;
const sshd = await startSshd();

async function perCall(docker: Docker): Promise<{ ping: number; list: number }> {
  await docker.ping(); // warm-up: the handshake of a persistent session is paid once
  let t = performance.now();
  for (let i = 0; i < N; i++) await docker.ping();
  const ping = (performance.now() - t) / N;
  t = performance.now();
  for (let i = 0; i < N; i++) await docker.listContainers({ all: true });
  return { ping, list: (performance.now() - t) / N };
}

try {
  const key = readFileSync(path.join(sshd.home, '.ssh/id_ed25519'));
  const native = new Docker({
    protocol: 'ssh',
    host: '127.0.0.1',
    port: sshd.port,
    username: 'root',
    sshOptions: { privateKey: key },
  } as Docker.DockerOptions);
  const endpoint = { type: 'ssh' as const, host: '127.0.0.1', port: sshd.port, user: 'root' };
  const plain = createSshDockerClient(endpoint, { env: {}, home: sshd.home, timeoutMs: 15_000, keepAlive: false });
  const reuse = createSshDockerClient(endpoint, { env: {}, home: sshd.home, timeoutMs: 15_000, keepAlive: true });
  const a = await perCall(native);
  const b = await perCall(plain.docker);
  const c = await perCall(reuse.docker);
  plain.session.close();
  reuse.session.close();
  const f = (n: number) => `${n.toFixed(1)} ms`;
  console.log(`calls over ssh, ${N} each (per call):`);
  console.log(`  dockerode ssh mode      ping ${f(a.ping)}  list ${f(a.list)}`);
  console.log(
    `  persistent session      ping ${f(b.ping)}  list ${f(b.list)}   ratio vs dockerode ${(a.ping / b.ping).toFixed(1)}x / ${(a.list / b.list).toFixed(1)}x`,
  );
  console.log(
    `  + channel reuse         ping ${f(c.ping)}  list ${f(c.list)}   ratio vs dockerode ${(a.ping / c.ping).toFixed(1)}x / ${(a.list / c.list).toFixed(1)}x`,
  );
} finally {
  await sshd.stop();
}
