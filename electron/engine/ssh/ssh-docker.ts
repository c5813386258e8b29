import type Docker from 'dockerode';
import { dockerFor } from '../docker/own-endpoint.js';
import type { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client as SshClient, ClientChannel, ConnectConfig } from 'ssh2';
import type { Endpoint } from '@shared/domain/engine.js';
import { AppError } from '@shared/errors.js';
import { toAppError } from '../errors.js';
import { boundStreamsUntilHeaders } from '../docker/stream-timeouts.js';
import { ChannelPool } from './channel-pool.js';
import { ChannelAgent } from './pool-agent.js';
import { readSshConfig } from './ssh-config.js';
import { loadSsh2 } from './load-ssh2.js';
import {
  checkHostKey,
  fingerprint,
  keyType,
  knownHostsName,
  readKnownHosts,
  type HostKeyVerdict,
} from './known-hosts.js';

type SshEndpoint = Extract<Endpoint, { type: 'ssh' }>;

export interface SshDockerOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  timeoutMs: number;
  apiVersion?: string;
  /**
   * Reuse a dial-stdio channel for later requests (HTTP keep-alive). Each new channel starts a `docker` process
   * on the remote, so reuse saves most of the per-call cost. On by default.
   */
  keepAlive?: boolean;
  /** Stowaway's own known_hosts (keys the analyst trusted in the app), consulted after the user's files. */
  trustedKnownHosts?: string;
  /** Channels per connection to start with (the server's MaxSessions, when known); the pool lowers it when refused. */
  maxChannels?: number;
  /** Called once when an established session ends, so the registry can mark the engine lost. */
  onClose?: (reason: string) => void;
}

/** sshd's default MaxSessions is 10; stay below it until the server tells us less. */
const MAX_CHANNELS = 8;
/** Further connections carry streams that find no room on the first one. */
const MAX_CONNECTIONS = 4;
const MAX_OPENING = 2;
const IDLE_CHANNEL_MS = 10_000;

/**
 * The ssh connections of one engine; every Engine API request runs over a `docker system dial-stdio` channel
 * from a pool that stays within the server's MaxSessions. This avoids the 250-330 ms handshake per call of
 * dockerode's own ssh mode, and lets us check the host key against known_hosts (dockerode checks none).
 */
export class SshSession {
  readonly pool: ChannelPool;

  constructor(
    private readonly endpoint: SshEndpoint,
    private readonly opts: SshDockerOptions,
  ) {
    this.pool = new ChannelPool({
      openConnection: () => this.open(),
      openChannel: (conn) => this.dial(conn),
      maxChannels: opts.maxChannels ?? MAX_CHANNELS,
      maxConnections: MAX_CONNECTIONS,
      maxOpening: MAX_OPENING,
      idleMs: IDLE_CHANNEL_MS,
      stallMs: Math.max(opts.timeoutMs * 2, 1000),
      keepAlive: opts.keepAlive ?? true,
      target: this.target,
      onLost: opts.onClose,
    });
  }

  get target(): string {
    return `ssh://${this.endpoint.user ? `${this.endpoint.user}@` : ''}${this.endpoint.host}:${this.endpoint.port}`;
  }

  connect(): Promise<SshClient> {
    return this.pool.connect();
  }

  close(): void {
    this.pool.close();
  }

  /**
   * Opens `docker system dial-stdio` on the remote: a raw byte stream to its Engine API. The channel is handed out
   * only once the remote `docker` answers a ping: the login shell and the process start can take seconds, and a
   * request waiting on a channel that is still starting would wait longer than one that takes a warm channel.
   */
  private dial(conn: SshClient): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      conn.exec('docker system dial-stdio', (err, stream) => {
        if (err)
          return reject(/open failed|Channel open failure/i.test(err.message) ? err : toAppError(err, this.target));
        let stderr = '';
        stream.stderr.on('data', (d: Buffer) => {
          if (stderr.length < 2000) stderr += d.toString('utf8');
        });
        // ClientChannel's typing hides Duplex#destroy(error); the error is what the pending request reports.
        const fail = (e: Error) => (stream as unknown as { destroy(e: Error): void }).destroy(e);
        stream.on('exit', (code: number | null) => {
          if (code === 127 || /not found/.test(stderr)) {
            fail(
              new AppError(
                'ENGINE_ERROR',
                `${this.target} has no \`docker\` command on the PATH of non-interactive ssh sessions; Stowaway needs it for \`docker system dial-stdio\``,
              ),
            );
          } else if (code && code !== 0) {
            fail(
              new AppError(
                'ENGINE_UNREACHABLE',
                `\`docker system dial-stdio\` on ${this.target} failed: ${stderr.split('\n')[0]!.slice(0, 300) || `exit ${code}`}`,
              ),
            );
          }
        });
        awaitPing(stream, this.opts.timeoutMs * 2).then(
          () => resolve(withSocketShims(stream, this.target)),
          (e: Error) => {
            stream.close();
            reject(
              e instanceof AppError
                ? e
                : new AppError(
                    'ENGINE_UNREACHABLE',
                    `\`docker system dial-stdio\` on ${this.target} did not answer: ${e.message}`,
                  ),
            );
          },
        );
      });
    });
  }

  private open(): Promise<SshClient> {
    const env = this.opts.env ?? process.env;
    const home = this.opts.home ?? os.homedir();
    // Host aliases from ~/.ssh/config, as the docker CLI's ssh would apply them; the endpoint's own values win.
    const { host, port, knownFiles, cfg } = resolveSshHost(this.endpoint, home, this.opts.trustedKnownHosts);
    const endpoint: SshEndpoint = {
      ...this.endpoint,
      host,
      port,
      user: this.endpoint.user ?? cfg.user,
      identityFile: this.endpoint.identityFile ?? cfg.identityFile,
    };
    const known = readKnownHosts(knownFiles);
    let verdict: { v: HostKeyVerdict; key: Buffer } | undefined;
    const auth = authConfig(endpoint, env, home);

    const config: ConnectConfig = {
      host,
      port,
      username: endpoint.user ?? env.USER ?? os.userInfo().username,
      readyTimeout: this.opts.timeoutMs,
      keepaliveInterval: 10_000,
      keepaliveCountMax: 3,
      ...auth,
      hostVerifier: (key: Buffer) => {
        const v = checkHostKey(known.text, host, port, key);
        verdict = { v, key };
        return v.status === 'known';
      },
    };

    return new Promise<SshClient>((resolve, reject) => {
      const conn = new (loadSsh2().Client)();
      let isReady = false;
      conn.once('ready', () => {
        isReady = true;
        resolve(conn);
      });
      conn.on('error', (err) => {
        if (isReady) return;
        if (verdict && verdict.v.status !== 'known')
          return reject(hostKeyError(verdict.v, verdict.key, host, port, known.files));
        reject(toAppError(err, this.target));
      });
      conn.once('close', () => {
        if (!isReady)
          reject(new AppError('ENGINE_UNREACHABLE', `${this.target} closed the ssh connection during the handshake`));
      });
      conn.connect(config);
    });
  }
}

/**
 * Where an ssh endpoint really goes and which known_hosts files vouch for it: ~/.ssh/config aliases apply (the
 * endpoint's own values win), the endpoint's known_hosts path replaces the user's and the system's, and keys
 * trusted in Stowaway are always consulted too.
 */
export function resolveSshHost(ep: SshEndpoint, home: string, trustedKnownHosts?: string) {
  const cfg = readSshConfig(home, ep.host);
  const host = cfg.hostName ?? ep.host;
  const port = ep.port !== 22 ? ep.port : (cfg.port ?? 22);
  const knownFiles = ep.knownHostsPath
    ? [ep.knownHostsPath]
    : [cfg.userKnownHostsFile ?? path.join(home, '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];
  if (trustedKnownHosts) knownFiles.push(trustedKnownHosts);
  return { host, port, knownFiles, cfg };
}

/** A dockerode client whose every request travels over the persistent ssh session. */
export function createSshDockerClient(
  endpoint: SshEndpoint,
  opts: SshDockerOptions,
): { docker: Docker; session: SshSession } {
  const session = new SshSession(endpoint, opts);
  const agent = new ChannelAgent(session.pool, opts.keepAlive ?? true);
  const docker = boundStreamsUntilHeaders(
    dockerFor({
      protocol: 'http',
      host: 'docker',
      port: 80,
      agent,
      timeout: opts.timeoutMs,
      version: opts.apiVersion,
    } as Docker.DockerOptions),
    opts.timeoutMs,
  );
  return { docker, session };
}

function authConfig(
  endpoint: SshEndpoint,
  env: NodeJS.ProcessEnv,
  home: string,
): Pick<ConnectConfig, 'agent' | 'privateKey'> {
  const out: Pick<ConnectConfig, 'agent' | 'privateKey'> = {};
  if (env.SSH_AUTH_SOCK) out.agent = env.SSH_AUTH_SOCK;
  const candidates = endpoint.identityFile
    ? [endpoint.identityFile]
    : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => path.join(home, '.ssh', f));
  for (const file of candidates) {
    if (!existsSync(file)) {
      if (endpoint.identityFile) throw new AppError('SSH_AUTH_FAILED', `The identity file ${file} does not exist`);
      continue;
    }
    const key = readFileSync(file);
    const parsed = loadSsh2().utils.parseKey(key);
    if (parsed instanceof Error) {
      // Passphrases are never stored: an encrypted key must come through ssh-agent.
      if (/passphrase|encrypted/i.test(parsed.message)) {
        if (endpoint.identityFile && !out.agent)
          throw new AppError(
            'SSH_AUTH_FAILED',
            `The identity file ${file} is encrypted; load it into ssh-agent (ssh-add) and set SSH_AUTH_SOCK`,
          );
        continue;
      }
      if (endpoint.identityFile)
        throw new AppError(
          'SSH_AUTH_FAILED',
          `The identity file ${file} is not a private key Stowaway can read: ${parsed.message}`,
        );
      continue;
    }
    out.privateKey = key;
    break;
  }
  if (!out.agent && !out.privateKey)
    throw new AppError(
      'SSH_AUTH_FAILED',
      `No ssh key for ${knownHostsName(endpoint.host, endpoint.port)}: start ssh-agent (SSH_AUTH_SOCK) or choose an identity file`,
    );
  return out;
}

function hostKeyError(v: HostKeyVerdict, key: Buffer, host: string, port: number, files: string[]): AppError {
  const fp = fingerprint(key);
  const type = keyType(key);
  const name = knownHostsName(host, port);
  const recorded = v.status === 'mismatch' && v.recorded ? fingerprint(v.recorded) : undefined;
  const details = {
    fingerprint: fp,
    keyType: type,
    host: name,
    port,
    knownHosts: files,
    recordedFingerprint: recorded,
  };
  if (v.status === 'mismatch' || v.status === 'revoked') {
    const where = `${files.length ? files.join(', ') : 'known_hosts'} line ${v.line}${recorded ? ` (recorded ${recorded})` : ''}`;
    return new AppError(
      'SSH_HOST_KEY_MISMATCH',
      `The ${type} host key of ${name} is ${fp}, which ${v.status === 'revoked' ? 'is marked @revoked' : 'does not match the key recorded'} in ${where}. Someone may be intercepting the connection, or the host was reinstalled. Confirm with its administrator before removing the old line (ssh-keygen -R '${name}').`,
      details,
    );
  }
  return new AppError(
    'SSH_UNKNOWN_HOST_KEY',
    `The host key of ${name} is not in known_hosts: ${type} ${fp}. Check this fingerprint with the host's administrator, then trust it in Stowaway (stowaway contexts --trust-host-key '${name}' --fingerprint ${fp}) or add it to ~/.ssh/known_hosts.`,
    details,
  );
}

/** Sends one ping over a fresh dial-stdio channel and consumes the whole answer, leaving the channel clean. */
function awaitPing(stream: ClientChannel, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const done = (e?: Error) => {
      clearTimeout(timer);
      stream.removeListener('data', onData);
      stream.removeListener('error', onError);
      stream.removeListener('close', onClose);
      if (e) reject(e);
      else resolve();
    };
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return buf.length > 16_384 ? done(new Error('no HTTP answer')) : undefined;
      const head = buf.subarray(0, end).toString('latin1');
      if (!/^HTTP\/1\.[01] 200 /.test(head)) return done(new Error(head.split('\r\n')[0]!.slice(0, 200)));
      const len = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length >= end + 4 + len) done();
    };
    const onError = (e: Error) => done(e);
    const onClose = () => done(new Error('the channel closed'));
    const timer = setTimeout(() => done(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    stream.on('data', onData);
    stream.once('error', onError);
    stream.once('close', onClose);
    stream.write('GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n');
  });
}

/** http sets time-outs and socket options on its socket; an ssh channel has none, so give it equivalents. */
function withSocketShims(stream: ClientChannel, target: string): ClientChannel {
  const s = stream as ClientChannel & Record<string, unknown>;
  // http destroys its socket to cut a call (docker-modem's time-out, an abort). ssh2's destroy only ends and closes
  // the channel, and the end that follows would complete a half-received answer as if it were whole: a silent
  // inspect came back as an empty success. The cut fails the call instead, as a reset socket would.
  const sshDestroy = stream.destroy.bind(stream);
  let cut = false;
  (stream as unknown as { destroy(err?: Error): ClientChannel }).destroy = (err?: Error) => {
    if (cut) return stream;
    cut = true;
    // Upgraded sockets (exec, attach) are detached from their request; http reports a socket error on the request.
    const req = s._httpMessage as (EventEmitter & { res?: { complete: boolean } }) | null | undefined;
    sshDestroy();
    const failure =
      err ??
      (req?.res && !req.res.complete
        ? new AppError('ENGINE_TIMEOUT', `${target} stopped answering in the middle of a response; the call was cut`)
        : undefined);
    if (failure && req && req.listenerCount('error') > 0) process.nextTick(() => stream.emit('error', failure));
    return stream;
  };
  let timer: NodeJS.Timeout | undefined;
  let idleMs = 0;
  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = idleMs > 0 ? setTimeout(() => stream.emit('timeout'), idleMs) : undefined;
  };
  // A reused channel serves many requests, each adding its own time-out listener.
  stream.setMaxListeners(50);
  s.setTimeout = (ms: number, cb?: () => void) => {
    idleMs = ms;
    if (cb && ms === 0) stream.removeListener('timeout', cb);
    else if (cb) stream.once('timeout', cb);
    arm();
    return stream;
  };
  stream.on('data', () => idleMs && arm());
  stream.once('close', () => timer && clearTimeout(timer));
  s.setNoDelay = () => stream;
  s.setKeepAlive = () => stream;
  s.ref = () => stream;
  s.unref = () => stream;
  return stream;
}
