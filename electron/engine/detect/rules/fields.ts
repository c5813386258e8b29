import type { ContainerEvidence, EngineEvidence } from '@shared/domain/evidence-set.js';
import type { EvidenceRef } from '@shared/domain/finding.js';
import type { RuleScope } from '@shared/domain/detection-rule.js';
import type { Hit } from '../detector.js';
import { imageOf } from '../lib/images.js';
import { processesOf } from '../lib/process.js';
import { inspectRef, oneLine, ref } from '../lib/refs.js';
import { endpoint } from '../lib/sockets.js';

export type FieldValue = string | number | boolean | string[] | Record<string, string> | undefined;
export type Fields = Record<string, FieldValue>;

/** One object a rule can judge: its fields, and what a finding about it carries. */
export interface RuleSubject {
  fields: Fields;
  container?: ContainerEvidence;
  subject?: Hit['subject'];
  at?: string;
  /** Stable name of the object, for the finding id (no pids, no times unless the object is an event). */
  ref: string;
  evidence: EvidenceRef;
}

/** The fields each scope offers, documented for rule authors (and checked: a rule naming another field is an error). */
export const SCOPE_FIELDS: Record<RuleScope, string[]> = {
  container: [
    'name',
    'id',
    'image',
    'imageId',
    'state',
    'user',
    'command',
    'entrypoint',
    'cmd',
    'privileged',
    'networkMode',
    'pidMode',
    'ipcMode',
    'capAdd',
    'capDrop',
    'securityOpt',
    'env',
    'labels',
    'mounts',
    'devices',
    'ports',
    'restartPolicy',
    'readonlyRootfs',
    'logDriver',
  ],
  process: [
    'pid',
    'ppid',
    'comm',
    'exe',
    'cmdline',
    'user',
    'flags',
    'env',
    'stdio',
    'fdPaths',
    'cpuPercent',
    'rssBytes',
    'parent.comm',
    'parent.exe',
    'parent.cmdline',
    'view',
  ],
  socket: ['protocol', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', 'state', 'process', 'inode'],
  file: ['path', 'kind', 'flags', 'size', 'mode', 'sha256', 'linkTarget', 'tmpfs', 'volume'],
  image: ['id', 'repoTags', 'repoDigests', 'user', 'env', 'labels', 'cmd', 'entrypoint', 'exposedPorts', 'history'],
  event: ['type', 'action', 'actorId', 'actorName', 'attributes', 'time', 'byStowaway'],
  exec: ['execId', 'command', 'user', 'privileged', 'tty', 'time'],
};

/** Fields of the container an object belongs to, available in every scope but image as `container.<field>`. */
const CONTAINER_PREFIXED = ['name', 'image', 'imageId', 'user', 'privileged', 'networkMode', 'labels', 'state'];

export function knownField(scope: RuleScope, field: string): boolean {
  if (SCOPE_FIELDS[scope].includes(field)) return true;
  if (scope === 'event' && field.startsWith('attributes.')) return true;
  if (scope === 'process' && field.startsWith('env.')) return true;
  if (scope === 'container' && field.startsWith('labels.')) return true;
  return (
    scope !== 'image' &&
    scope !== 'container' &&
    field.startsWith('container.') &&
    CONTAINER_PREFIXED.includes(field.slice(10))
  );
}

function containerFields(c: ContainerEvidence): Fields {
  const d = c.container;
  return {
    name: d.name,
    id: d.id,
    image: d.image,
    imageId: d.imageId,
    state: d.state,
    user: d.user,
    command: d.command,
    entrypoint: d.entrypoint,
    cmd: d.cmd,
    privileged: d.privileged,
    networkMode: d.networkMode,
    pidMode: d.pidMode,
    ipcMode: d.ipcMode,
    capAdd: d.capAdd,
    capDrop: d.capDrop,
    securityOpt: d.securityOpt,
    env: d.env,
    labels: d.labels,
    mounts: d.mounts.map((m) => `${m.source}:${m.destination}${m.readOnly ? ':ro' : ''}`),
    devices: d.devices,
    ports: d.ports.map((p) => `${p.hostIp ?? ''}:${p.hostPort ?? ''}->${p.containerPort}/${p.protocol}`),
    restartPolicy: d.restartPolicy,
    readonlyRootfs: d.readonlyRootfs,
    logDriver: d.logDriver,
  };
}

const withContainer = (c: ContainerEvidence, f: Fields): Fields => {
  const cf = containerFields(c);
  for (const k of CONTAINER_PREFIXED) f[`container.${k}`] = cf[k];
  return f;
};

/** Every object of a scope in the evidence, with its fields. */
export function subjects(scope: RuleScope, ev: EngineEvidence): RuleSubject[] {
  const out: RuleSubject[] = [];
  const byId = new Map(ev.containers.map((c) => [c.container.id, c]));
  if (scope === 'container') {
    for (const c of ev.containers) {
      const f = containerFields(c);
      for (const [k, v] of Object.entries(c.container.labels)) f[`labels.${k}`] = v;
      out.push({
        fields: f,
        container: c,
        ref: 'container',
        evidence: inspectRef(
          c,
          'Config',
          `${oneLine(c.container.name, 60)} (${oneLine(c.container.image, 80)}) ${c.container.state}: ${oneLine(c.container.command, 200)}`,
        ),
      });
    }
  } else if (scope === 'process') {
    for (const c of ev.containers) {
      const { view, list } = processesOf(c);
      const byPid = new Map(list.map((p) => [p.pid, p]));
      for (const p of list) {
        const parent = byPid.get(p.ppid);
        const f: Fields = {
          pid: p.pid,
          ppid: p.ppid,
          comm: p.comm,
          exe: p.exe,
          cmdline: p.cmdline,
          user: p.user,
          flags: p.flags,
          env: Object.entries(p.env ?? {}).map(([k, v]) => `${k}=${v}`),
          stdio: p.stdio,
          fdPaths: p.fdPaths,
          cpuPercent: p.cpuPercent,
          rssBytes: p.rssBytes,
          'parent.comm': parent?.comm,
          'parent.exe': parent?.exe,
          'parent.cmdline': parent?.cmdline,
          view,
        };
        for (const [k, v] of Object.entries(p.env ?? {})) f[`env.${k}`] = v;
        out.push({
          fields: withContainer(c, f),
          container: c,
          ref: `process:${p.exe ?? p.comm}`,
          evidence: ref(
            'process',
            `pid ${p.pid}`,
            `${oneLine(p.cmdline || p.comm, 300)}; exe ${oneLine(p.exe ?? '?', 200)}; user ${p.user}`,
          ),
        });
      }
    }
  } else if (scope === 'socket') {
    for (const c of ev.containers) {
      const seen = new Set<string>();
      for (const snap of c.sockets) {
        for (const s of snap.sockets) {
          const key = `${s.protocol}:${s.localAddress}:${s.localPort}:${s.remoteAddress}:${s.remotePort}:${s.state}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const f: Fields = {
            protocol: s.protocol,
            localAddress: s.localAddress,
            localPort: s.localPort,
            remoteAddress: s.remoteAddress,
            remotePort: s.remotePort,
            state: s.state,
            process: s.process,
            inode: s.inode,
          };
          out.push({
            fields: withContainer(c, f),
            container: c,
            ref: `socket:${s.protocol}:${s.remoteAddress}:${s.remotePort}:${s.localPort}`,
            evidence: ref(
              'socket',
              `${s.protocol} ${endpoint(s, 'local')} -> ${endpoint(s, 'remote')}`,
              `${s.state} inode ${s.inode}${s.process ? `; owner ${oneLine(s.process, 60)}` : ''}; from ${snap.source}`,
            ),
          });
        }
      }
    }
  } else if (scope === 'file') {
    for (const c of ev.containers) {
      for (const [list, where] of [
        [c.files, ''],
        [c.tmpfsFiles, 'tmpfs'],
        [c.volumeFiles, 'volume'],
      ] as const) {
        const tmpfs = where === 'tmpfs';
        for (const x of list) {
          const f: Fields = {
            path: x.path,
            kind: x.kind,
            flags: x.flags,
            size: x.size,
            mode: x.mode,
            sha256: x.sha256,
            linkTarget: x.linkTarget,
            tmpfs,
            volume: where === 'volume',
          };
          out.push({
            fields: withContainer(c, f),
            container: c,
            ref: `file:${x.path}`,
            evidence: ref(
              'file',
              x.path,
              `${x.kind}${where ? ` (${where})` : ''}${x.flags.length ? ` ${x.flags.join(',')}` : ''}${x.size !== undefined ? `, ${x.size} bytes` : ''}`,
              x.sha256,
            ),
          });
        }
      }
    }
  } else if (scope === 'image') {
    for (const img of ev.images) {
      const runs = ev.containers.filter((c) => imageOf(ev, c)?.id === img.id);
      const f: Fields = {
        id: img.id,
        repoTags: img.repoTags,
        repoDigests: img.repoDigests,
        user: img.user,
        env: img.env,
        labels: img.labels,
        cmd: img.cmd,
        entrypoint: img.entrypoint,
        exposedPorts: img.exposedPorts,
        history: img.history.map((h) => h.createdBy),
      };
      out.push({
        fields: f,
        container: runs.length === 1 ? runs[0] : undefined,
        ref: `image:${img.id}`,
        evidence: ref(
          'image',
          img.id,
          `${oneLine(img.repoTags.join(', ') || img.id, 200)}; run by ${runs.length} container(s)${
            runs.length
              ? `: ${runs
                  .slice(0, 5)
                  .map((c) => oneLine(c.container.name, 40))
                  .join(', ')}`
              : ''
          }`,
        ),
      });
    }
  } else if (scope === 'event') {
    for (const e of ev.events) {
      const f: Fields = {
        type: e.type,
        action: e.action,
        actorId: e.actorId,
        actorName: e.actorName,
        attributes: e.attributes,
        time: e.time,
        byStowaway: e.byStowaway !== undefined,
      };
      for (const [k, v] of Object.entries(e.attributes)) f[`attributes.${k}`] = v;
      const c = byId.get(e.actorId);
      if (c) withContainer(c, f);
      out.push({
        fields: f,
        container: c,
        subject: c
          ? undefined
          : e.type === 'container'
            ? {
                id: e.actorId,
                name: e.attributes.name ?? e.actorName ?? e.actorId.slice(0, 12),
                image: e.attributes.image,
              }
            : undefined,
        at: e.time,
        ref: `event:${e.type}/${e.action}@${e.timeNano ?? e.time}:${e.actorId.slice(0, 64)}`,
        evidence: ref(
          'event',
          `${e.type}/${e.action}@${e.time}`,
          oneLine(
            `${e.action} ${e.actorId.slice(0, 12)} ${Object.entries(e.attributes)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}`,
            600,
          ),
        ),
      });
    }
  } else {
    for (const x of ev.execs) {
      const f: Fields = {
        execId: x.execId,
        command: x.command,
        user: x.user,
        privileged: x.privileged,
        tty: x.tty,
        time: x.time,
      };
      const c = byId.get(x.containerId);
      if (c) withContainer(c, f);
      out.push({
        fields: f,
        container: c,
        subject: c ? undefined : { id: x.containerId, name: x.containerId.slice(0, 12) },
        at: x.time,
        ref: `exec:${x.execId}`,
        evidence: ref(
          'exec',
          x.execId,
          oneLine(
            `${x.command}${x.user ? ` (user ${x.user})` : ''}${x.privileged ? ' privileged' : ''}${x.tty ? ' tty' : ''}`,
            600,
          ),
        ),
      });
    }
  }
  return out;
}
