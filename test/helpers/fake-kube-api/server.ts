import { STATUS_CODES } from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { makeClusterPki, type ClusterPki, type Pem } from './certs.js';
import { execRequest, serveExec, type ExecRunner } from './exec-ws.js';
import { BUILTIN_RESOURCES, groupVersion, resourceKey, type ResourceDef } from './resources.js';
import { ObjectStore, type KubeObject, type PutOptions } from './store.js';

/**
 * A fake Kubernetes API server for tests: HTTPS on 127.0.0.1 with the CA, server and client certificates made
 * by openssl; client-certificate and bearer-token authentication; discovery (/version, /api, /apis and each
 * group version); list (limit/continue, labelSelector, fieldSelector on metadata.name/namespace), get,
 * create, delete and watch on a generic store; RBAC-style 403 Status objects for chosen verb+resource.
 * Everything it answers is shaped as kube-apiserver shapes it, so @kubernetes/client-node reads it unchanged.
 */

export interface KubeUser {
  name: string;
  groups: string[];
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The authenticated user, or undefined for a refused request. */
  user?: string;
  /** How the user authenticated. */
  auth?: 'cert' | 'token';
  verb?: string;
  resource?: string;
  namespace?: string;
  status: number;
}

export interface ParsedPath {
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  user: KubeUser;
  path: ParsedPath;
  query: URLSearchParams;
  body: () => Promise<unknown>;
  send: (code: number, body: unknown) => void;
}

/** Handles one verb on a resource or subresource (pods/log, pods/exec, jobs/status...); return false to pass. */
export type Route = (ctx: RouteContext) => boolean | void | Promise<boolean | void>;

export interface ForbidRule {
  verb: string;
  /** `pods`, or `pods/exec` for a subresource. */
  resource: string;
  namespace?: string;
  user?: string;
}

export interface FakeKubeApiOptions {
  /** Bearer tokens the server accepts, and the user each one authenticates. */
  tokens?: Record<string, KubeUser>;
  /** Pages of every list are capped at this many items even when a client asks for more (0: no cap). */
  maxPage?: number;
  gitVersion?: string;
  /** Runs the commands of `pods/exec` (served over WebSocket); without one, exec answers 501. */
  exec?: ExecRunner;
}

export interface FakeKubeApi {
  /** https://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly pki: ClusterPki;
  readonly store: ObjectStore;
  readonly requests: RequestRecord[];
  /** Adds (or replaces) an object; `kind`/`apiVersion` name its resource. */
  put(obj: Record<string, unknown>, opts?: PutOptions): KubeObject;
  /** Adds many objects of one resource quickly, without watch history per object. */
  putMany(objs: Array<Record<string, unknown>>, opts?: PutOptions): void;
  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): void;
  resource(apiVersionOrGroup: string, kindOrResource: string): ResourceDef;
  defineResource(def: ResourceDef): void;
  /** The next matching request is answered 403 Forbidden (until `allow` is called). */
  forbid(rule: ForbidRule): void;
  allow(): void;
  addToken(token: string, user: KubeUser): void;
  /** A client certificate the server accepts for this user. */
  clientCert(user: string, groups?: string[]): Pem;
  route(verb: string, resource: string, handler: Route): void;
  /** Sets who runs `pods/exec` commands. */
  serveExec(runner: ExecRunner): void;
  close(): Promise<void>;
}

export async function startFakeKubeApi(opts: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
  const pki = makeClusterPki();
  const store = new ObjectStore();
  const defs = new Map<string, ResourceDef>();
  const defineResource = (d: ResourceDef) => defs.set(resourceKey(d.group, d.version, d.resource), d);
  BUILTIN_RESOURCES.forEach(defineResource);
  const tokens = new Map(Object.entries(opts.tokens ?? {}));
  const forbidden: ForbidRule[] = [];
  const routes = new Map<string, Route[]>();
  const requests: RequestRecord[] = [];
  const openWatches = new Set<ServerResponse>();
  const gitVersion = opts.gitVersion ?? 'v1.30.2';

  const resource = (apiVersionOrGroup: string, kindOrResource: string): ResourceDef => {
    const [group, version] = apiVersionOrGroup.includes('/')
      ? apiVersionOrGroup.split('/')
      : apiVersionOrGroup === 'v1'
        ? ['', 'v1']
        : [apiVersionOrGroup, undefined];
    for (const d of defs.values())
      if (
        d.group === group &&
        (!version || d.version === version) &&
        (d.kind === kindOrResource || d.resource === kindOrResource)
      )
        return d;
    throw new Error(`fake-kube-api: no resource ${apiVersionOrGroup} ${kindOrResource}`);
  };

  const server = https.createServer(
    { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      handle(req, res).catch((e: Error) => {
        if (!res.headersSent) sendJson(res, 500, status(500, 'InternalError', e.message));
        else res.destroy();
      });
    },
  );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const rec: RequestRecord = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    requests.push(rec);
    if (requests.length > 50_000) requests.splice(0, 10_000);
    const send = (code: number, body: unknown) => {
      rec.status = code;
      sendJson(res, code, body);
    };
    const user = authenticate(req, rec);
    if (!user) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    rec.user = user.name;

    const discovery = discover(url.pathname);
    if (discovery) return send(200, discovery);
    const p = parsePath(url.pathname);
    if (!p) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const verb = verbOf(req.method ?? 'GET', p, url.searchParams);
    const resName = p.subresource ? `${p.def.resource}/${p.subresource}` : p.def.resource;
    Object.assign(rec, { verb, resource: resName, namespace: p.namespace });
    const rule = forbidden.find(
      (f) =>
        f.verb === verb &&
        f.resource === resName &&
        (!f.namespace || f.namespace === p.namespace) &&
        (!f.user || f.user === user.name),
    );
    if (rule) return send(403, forbiddenStatus(user, verb, p));

    const ctx: RouteContext = { req, res, user, path: p, query: url.searchParams, body: () => readBody(req), send };
    for (const r of routes.get(`${verb} ${resName}`) ?? []) if ((await r(ctx)) !== false) return;
    if (p.subresource) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));

    switch (verb) {
      case 'list':
        return send(200, listResponse(p, url.searchParams));
      case 'watch':
        return startWatch(p, url.searchParams, res, rec);
      case 'get': {
        const o = store.get(p.def, p.namespace, p.name!);
        return o ? send(200, o) : send(404, notFound(p));
      }
      case 'create': {
        const body = (await readBody(req)) as Record<string, unknown>;
        const md = (body?.metadata ?? {}) as Record<string, unknown>;
        if (p.def.namespaced && md.namespace && md.namespace !== p.namespace)
          return send(
            400,
            status(
              400,
              'BadRequest',
              'the namespace of the provided object does not match the namespace sent on the request',
            ),
          );
        if (md.name && store.get(p.def, p.namespace, String(md.name)))
          return send(
            409,
            status(
              409,
              'AlreadyExists',
              `${p.def.resource}${p.def.group ? `.${p.def.group}` : ''} "${String(md.name)}" already exists`,
              { name: String(md.name), group: p.def.group, kind: p.def.resource },
            ),
          );
        const manager = url.searchParams.get('fieldManager') ?? (req.headers['user-agent'] ?? 'unknown').split('/')[0]!;
        const { managedFields: _drop, resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, ...rest } = md;
        return send(201, store.put(p.def, { ...body, metadata: { ...rest, namespace: p.namespace } }, { manager }));
      }
      case 'delete': {
        const o = store.delete(p.def, p.namespace, p.name!);
        if (!o) return send(404, notFound(p));
        // Pods and namespaces are deleted gracefully and answer with the object; other resources with a Status.
        if (p.def.resource === 'pods' || p.def.resource === 'namespaces') return send(200, o);
        return send(200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: { name: p.name, group: p.def.group, kind: p.def.resource, uid: o.metadata.uid },
        });
      }
      default:
        return send(
          405,
          status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`),
        );
    }
  }

  function authenticate(req: IncomingMessage, rec: RequestRecord): KubeUser | undefined {
    const authz = req.headers.authorization;
    if (authz?.startsWith('Bearer ')) {
      const u = tokens.get(authz.slice(7).trim());
      if (u) rec.auth = 'token';
      return u;
    }
    const sock = req.socket as TLSSocket;
    if (!sock.authorized) return undefined;
    const subj = sock.getPeerCertificate()?.subject as unknown as Record<string, string | string[]> | undefined;
    if (!subj?.CN) return undefined;
    rec.auth = 'cert';
    const o = subj.O;
    return { name: String(subj.CN), groups: [...(Array.isArray(o) ? o : o ? [o] : []), 'system:authenticated'] };
  }

  function discover(pathname: string): unknown {
    const list = [...defs.values()];
    if (pathname === '/version')
      return {
        major: gitVersion.split('.')[0]!.slice(1),
        minor: gitVersion.split('.')[1],
        gitVersion,
        gitCommit: '39683505b630ff2121012f3c5b16215a1449d5ed',
        gitTreeState: 'clean',
        buildDate: '2024-06-11T20:21:00Z',
        goVersion: 'go1.22.4',
        compiler: 'gc',
        platform: 'linux/amd64',
      };
    if (pathname === '/api')
      return {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${port}` }],
      };
    if (pathname === '/apis') {
      const groups = [...new Set(list.filter((d) => d.group).map((d) => d.group))].map((g) => {
        const versions = [...new Set(list.filter((d) => d.group === g).map((d) => d.version))].map((v) => ({
          groupVersion: `${g}/${v}`,
          version: v,
        }));
        return { name: g, versions, preferredVersion: versions[0] };
      });
      return { kind: 'APIGroupList', apiVersion: 'v1', groups };
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/?$/.exec(pathname);
    if (!m) return undefined;
    const group = m[1] ? '' : m[2]!;
    const version = m[1] ?? m[3]!;
    const inGv = list.filter((d) => d.group === group && d.version === version);
    if (!inGv.length) return undefined;
    const resources = inGv.flatMap((d) => [
      {
        name: d.resource,
        singularName: d.singular,
        namespaced: d.namespaced,
        kind: d.kind,
        verbs: d.verbs ?? [],
        ...(d.shortNames ? { shortNames: d.shortNames } : {}),
        storageVersionHash: Buffer.from(d.resource).toString('base64').slice(0, 11),
      },
      ...(d.subresources ?? []).map((s) => ({
        name: `${d.resource}/${s}`,
        singularName: '',
        namespaced: d.namespaced,
        kind:
          s === 'exec' || s === 'attach' || s === 'portforward' ? `${s[0]!.toUpperCase()}${s.slice(1)}Options` : d.kind,
        verbs: s === 'status' || s === 'scale' ? ['get', 'patch', 'update'] : s === 'log' ? ['get'] : ['create', 'get'],
      })),
    ]);
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
  }

  function parsePath(pathname: string): ParsedPath | undefined {
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.+?)\/?$/.exec(pathname);
    if (!m) return undefined;
    const group = m[1] ? '' : m[2]!;
    const version = m[1] ?? m[3]!;
    const segs = m[4]!.split('/').map(decodeURIComponent);
    const find = (res: string) => defs.get(resourceKey(group, version, res));
    let namespace: string | undefined;
    if (segs[0] === 'namespaces' && segs.length >= 3 && find(segs[2]!)?.namespaced) {
      namespace = segs[1];
      segs.splice(0, 2);
    }
    const def = find(segs[0]!);
    if (!def || segs.length > 3) return undefined;
    if (def.namespaced && segs[1] !== undefined && namespace === undefined) return undefined;
    return { def, namespace, name: segs[1], subresource: segs[2] };
  }

  function listResponse(p: ParsedPath, q: URLSearchParams): unknown {
    const all = store.list(p.def, p.namespace).filter(selects(q));
    const asked = Number(q.get('limit') ?? 0);
    const limit = opts.maxPage && (!asked || asked > opts.maxPage) ? opts.maxPage : asked;
    let start = 0;
    let rv = store.resourceVersion;
    const cont = q.get('continue');
    if (cont) {
      try {
        const tok = JSON.parse(Buffer.from(cont, 'base64').toString('utf8')) as {
          v: string;
          rv: number;
          start: number;
        };
        start = tok.start;
        rv = tok.rv;
      } catch {
        return status(400, 'BadRequest', 'continue key is not valid: illegal base64 data');
      }
    }
    const page = limit > 0 ? all.slice(start, start + limit) : all.slice(start);
    const next = start + page.length;
    const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
    if (limit > 0 && next < all.length) {
      metadata.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: next })).toString('base64');
      metadata.remainingItemCount = all.length - next;
    }
    // Items of a typed list carry no kind/apiVersion of their own, as the API server encodes them.
    const items = page.map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
    return { kind: `${p.def.kind}List`, apiVersion: groupVersion(p.def), metadata, items };
  }

  function startWatch(p: ParsedPath, q: URLSearchParams, res: ServerResponse, rec: RequestRecord): void {
    rec.status = 200;
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    // Clients wait for the headers before they read events; an idle watch must not hold them back.
    res.flushHeaders();
    openWatches.add(res);
    const pick = selects(q);
    const write = (type: string, object: KubeObject) => {
      if (!pick(object)) return;
      res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const rvParam = q.get('resourceVersion');
    const since = rvParam && rvParam !== '0' ? Number(rvParam) : undefined;
    // Without a resourceVersion the server first sends the current state as ADDED events.
    if (since === undefined) for (const o of store.list(p.def, p.namespace)) write('ADDED', o);
    const stop = store.watch(p.def, p.namespace, since, (e) => write(e.type, e.object));
    const end = () => {
      stop();
      openWatches.delete(res);
      if (!res.writableEnded) res.end();
    };
    const secs = Number(q.get('timeoutSeconds') ?? 0);
    const timer = secs > 0 ? setTimeout(end, secs * 1000) : undefined;
    res.on('close', () => {
      clearTimeout(timer);
      stop();
      openWatches.delete(res);
    });
  }

  let execRunner = opts.exec;
  // pods/exec arrives as a WebSocket upgrade: authenticated and authorized as `create` on pods/exec (as current
  // kube-apiserver releases authorize a WebSocket exec; older ones checked `get`), then served.
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const rec: RequestRecord = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    requests.push(rec);
    const refuse = (code: number, body: unknown) => {
      rec.status = code;
      const text = JSON.stringify(body);
      socket.end(
        `HTTP/1.1 ${code} ${STATUS_CODES[code]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
      );
    };
    const user = authenticate(req, rec);
    if (!user) return refuse(401, status(401, 'Unauthorized', 'Unauthorized'));
    rec.user = user.name;
    const p = parsePath(url.pathname);
    if (!p || p.def.resource !== 'pods' || p.subresource !== 'exec' || !p.name)
      return refuse(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    Object.assign(rec, { verb: 'create', resource: 'pods/exec', namespace: p.namespace });
    const rule = forbidden.find(
      (f) =>
        f.verb === 'create' &&
        f.resource === 'pods/exec' &&
        (!f.namespace || f.namespace === p.namespace) &&
        (!f.user || f.user === user.name),
    );
    if (rule) return refuse(403, forbiddenStatus(user, 'create', p));
    const pod = store.get(p.def, p.namespace, p.name);
    if (!pod) return refuse(404, notFound(p));
    const names = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map((c) => c.name);
    const asked = url.searchParams.get('container');
    if (!asked && names.length !== 1)
      return refuse(
        400,
        status(
          400,
          'BadRequest',
          `a container name must be specified for pod ${p.name}, choose one of: [${names.join(' ')}]`,
        ),
      );
    if (asked && !names.includes(asked))
      return refuse(400, status(400, 'BadRequest', `container ${asked} is not valid for pod ${p.name}`));
    if (!execRunner) return refuse(501, status(501, 'NotImplemented', 'this fake API server runs no exec'));
    if (!asked) url.searchParams.set('container', names[0]!);
    rec.status = 101;
    serveExec(req, socket, head, execRequest(p.namespace ?? 'default', p.name, url.searchParams), execRunner);
  });

  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  const api: FakeKubeApi = {
    url: `https://127.0.0.1:${port}`,
    port,
    pki,
    store,
    requests,
    put(obj, o) {
      return store.put(resource(String(obj.apiVersion), String(obj.kind)), obj, o);
    },
    putMany(objs, o) {
      for (const obj of objs) store.put(resource(String(obj.apiVersion), String(obj.kind)), obj, o);
    },
    remove(apiVersion, kind, namespace, name) {
      store.delete(resource(apiVersion, kind), namespace, name);
    },
    resource,
    defineResource,
    forbid: (rule) => void forbidden.push(rule),
    allow: () => void forbidden.splice(0),
    addToken: (token, user) => void tokens.set(token, user),
    clientCert: (user, groups) => pki.client(user, groups),
    serveExec: (runner) => void (execRunner = runner),
    route(verb, res, handler) {
      const k = `${verb} ${res}`;
      routes.set(k, [...(routes.get(k) ?? []), handler]);
    },
    async close() {
      for (const w of openWatches) w.end();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      pki.dispose();
    },
  };
  return api;
}

function verbOf(method: string, p: ParsedPath, q: URLSearchParams): string {
  const watch = q.get('watch');
  if (method === 'GET') return p.name === undefined ? (watch === '1' || watch === 'true' ? 'watch' : 'list') : 'get';
  if (method === 'POST') return 'create';
  if (method === 'PUT') return 'update';
  if (method === 'PATCH') return 'patch';
  if (method === 'DELETE') return p.name === undefined ? 'deletecollection' : 'delete';
  return method.toLowerCase();
}

/** Equality-based label selectors (`a=b`, `a==b`, `a!=b`, `a`, `!a`) and `a in (x,y)`; field selectors on name/namespace. */
export function selects(q: URLSearchParams): (o: KubeObject) => boolean {
  const label = q.get('labelSelector');
  const field = q.get('fieldSelector');
  const tests: Array<(o: KubeObject) => boolean> = [];
  if (label) for (const term of splitTerms(label)) tests.push(labelTest(term));
  if (field)
    for (const term of field
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const m = /^([\w.]+)\s*(!=|==|=)\s*(.*)$/.exec(term);
      if (!m) continue;
      const get = (o: KubeObject) =>
        m[1] === 'metadata.name'
          ? o.metadata.name
          : m[1] === 'metadata.namespace'
            ? o.metadata.namespace
            : m[1] === 'spec.nodeName'
              ? ((o.spec as Record<string, unknown> | undefined)?.nodeName as string | undefined)
              : undefined;
      tests.push((o) => (m[2] === '!=' ? get(o) !== m[3] : get(o) === m[3]));
    }
  return (o) => tests.every((t) => t(o));
}

function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function labelTest(term: string): (o: KubeObject) => boolean {
  const labels = (o: KubeObject) => o.metadata.labels ?? {};
  let m = /^([\w./-]+)\s*(!=|==|=)\s*([\w.-]*)$/.exec(term);
  if (m) {
    const [, k, op, v] = m;
    return op === '!=' ? (o) => labels(o)[k!] !== v : (o) => labels(o)[k!] === v;
  }
  m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (m) {
    const set = new Set(m[3]!.split(',').map((x) => x.trim()));
    return m[2] === 'in' ? (o) => set.has(labels(o)[m![1]!] ?? '\0') : (o) => !set.has(labels(o)[m![1]!] ?? '\0');
  }
  if (term.startsWith('!')) return (o) => !(term.slice(1) in labels(o));
  return (o) => term in labels(o);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(text ? JSON.parse(text) : undefined);
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'audit-id': crypto.randomUUID(),
  });
  res.end(text);
}

export function status(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function notFound(p: ParsedPath): Record<string, unknown> {
  const gr = `${p.def.resource}${p.def.group ? `.${p.def.group}` : ''}`;
  return status(404, 'NotFound', `${gr} "${p.name}" not found`, {
    name: p.name,
    group: p.def.group,
    kind: p.def.resource,
  });
}

/** The message kube-apiserver's RBAC authorizer writes, word for word. */
function forbiddenStatus(user: KubeUser, verb: string, p: ParsedPath): Record<string, unknown> {
  const gr = `${p.def.resource}${p.def.group ? `.${p.def.group}` : ''}`;
  const res = p.subresource ? `resource "${p.def.resource}/${p.subresource}"` : `resource "${p.def.resource}"`;
  const scope = p.namespace ? `in the namespace "${p.namespace}"` : 'at the cluster scope';
  return status(
    403,
    'Forbidden',
    `${gr}${p.name ? ` "${p.name}"` : ''} is forbidden: User "${user.name}" cannot ${verb} ${res} in API group "${p.def.group}" ${scope}`,
    { ...(p.name ? { name: p.name } : {}), group: p.def.group, kind: p.def.resource },
  );
}
