import { randomUUID } from 'node:crypto';
import { groupVersion, resourceKey, type ResourceDef } from './resources.js';

/**
 * The fake API server's object store: objects keyed by group/version/resource/namespace/name, one global
 * resourceVersion counter as etcd's revision, and watchers that receive every change after it is stored.
 */

export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata: Record<string, unknown> & {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
  };
};

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface WatchEvent {
  type: WatchType;
  object: KubeObject;
  rv: number;
}
type Watcher = { key: string; namespace?: string; fn: (e: WatchEvent) => void };

export interface PutOptions {
  /** The field manager recorded in managedFields (kubectl-create, kube-controller-manager, argocd-controller...). */
  manager?: string;
  operation?: 'Update' | 'Apply';
  /** creationTimestamp / managedFields time; defaults to now. */
  time?: string;
}

const keyOf = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
const clone = <T>(o: T): T => structuredClone(o);

export class ObjectStore {
  private rv = 1000;
  private readonly tables = new Map<string, Map<string, KubeObject>>();
  private readonly history: Array<WatchEvent & { key: string }> = [];
  private readonly watchers = new Set<Watcher>();
  /** Sorted views of each table, rebuilt after a write: a paged list must not sort 5,000 objects per page. */
  private readonly sorted = new Map<Map<string, KubeObject>, KubeObject[]>();

  get resourceVersion(): number {
    return this.rv;
  }

  private table(def: ResourceDef): Map<string, KubeObject> {
    const k = resourceKey(def.group, def.version, def.resource);
    let t = this.tables.get(k);
    if (!t) this.tables.set(k, (t = new Map()));
    return t;
  }

  /**
   * Stores an object as the API server would after admission: kind/apiVersion set, uid, creationTimestamp,
   * generation, resourceVersion, and a managedFields entry for the manager. Fields the caller sets win, so a
   * test can write an object exactly as a real cluster holds it.
   */
  put(def: ResourceDef, input: Record<string, unknown>, opts: PutOptions = {}): KubeObject {
    const o = clone(input) as KubeObject;
    o.metadata = { ...(o.metadata ?? {}) };
    const name =
      o.metadata.name ??
      (typeof o.metadata.generateName === 'string'
        ? `${o.metadata.generateName}${randomUUID().slice(0, 5)}`
        : undefined);
    if (!name) throw new Error(`${def.kind} without metadata.name`);
    if (def.namespaced && !o.metadata.namespace) o.metadata.namespace = 'default';
    if (!def.namespaced) delete o.metadata.namespace;
    const table = this.table(def);
    const key = keyOf(o.metadata.namespace, name);
    const old = table.get(key);
    const time = opts.time ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    this.rv++;
    const md = o.metadata;
    o.apiVersion = groupVersion(def);
    o.kind = def.kind;
    const ordered: KubeObject['metadata'] = {
      name,
      ...(md.generateName ? { generateName: md.generateName } : {}),
      ...(def.namespaced ? { namespace: md.namespace } : {}),
      uid: md.uid ?? (old?.metadata.uid as string | undefined) ?? randomUUID(),
      resourceVersion: String(this.rv),
      ...(hasSpec(def)
        ? {
            generation:
              typeof md.generation === 'number'
                ? md.generation
                : ((old?.metadata.generation as number | undefined) ?? 0) + 1,
          }
        : {}),
      creationTimestamp: md.creationTimestamp ?? old?.metadata.creationTimestamp ?? time,
    };
    o.metadata = {
      ...ordered,
      ...Object.fromEntries(
        Object.entries(md).filter(([k]) => !(k in ordered) || k === 'uid' || k === 'creationTimestamp'),
      ),
    };
    o.metadata.resourceVersion = String(this.rv);
    if (!Array.isArray(md.managedFields))
      o.metadata.managedFields = [managedEntry(o, opts.manager ?? 'kubectl-create', opts.operation ?? 'Update', time)];
    table.set(key, o);
    this.sorted.delete(table);
    this.emit(def, { type: old ? 'MODIFIED' : 'ADDED', object: o, rv: this.rv });
    return clone(o);
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.table(def).get(keyOf(def.namespaced ? namespace : undefined, name));
    return o && clone(o);
  }

  delete(def: ResourceDef, namespace: string | undefined, name: string): KubeObject | undefined {
    const table = this.table(def);
    const key = keyOf(def.namespaced ? namespace : undefined, name);
    const o = table.get(key);
    if (!o) return undefined;
    table.delete(key);
    this.sorted.delete(table);
    this.rv++;
    const gone = clone(o);
    gone.metadata.resourceVersion = String(this.rv);
    this.emit(def, { type: 'DELETED', object: gone, rv: this.rv });
    return gone;
  }

  /** Objects of a resource, in one namespace or all, ordered as etcd keys are (namespace, then name). */
  list(def: ResourceDef, namespace?: string): KubeObject[] {
    const table = this.table(def);
    let all = this.sorted.get(table);
    if (!all) {
      all = [...table.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
      this.sorted.set(table, all);
    }
    return namespace && def.namespaced ? all.filter((o) => o.metadata.namespace === namespace) : all;
  }

  /** Changes after `since` (a resourceVersion), then every later change until the returned function is called. */
  watch(
    def: ResourceDef,
    namespace: string | undefined,
    since: number | undefined,
    fn: (e: WatchEvent) => void,
  ): () => void {
    const key = resourceKey(def.group, def.version, def.resource);
    const inScope = (e: WatchEvent) => !namespace || e.object.metadata.namespace === namespace;
    if (since !== undefined)
      for (const e of this.history)
        if (e.key === key && e.rv > since && inScope(e)) fn({ type: e.type, object: clone(e.object), rv: e.rv });
    const w: Watcher = { key, namespace, fn };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  private emit(def: ResourceDef, e: WatchEvent): void {
    const key = resourceKey(def.group, def.version, def.resource);
    this.history.push({ ...e, key });
    if (this.history.length > 10_000) this.history.splice(0, this.history.length - 10_000);
    for (const w of this.watchers)
      if (w.key === key && (!w.namespace || e.object.metadata.namespace === w.namespace))
        w.fn({ type: e.type, object: clone(e.object), rv: e.rv });
  }
}

function hasSpec(def: ResourceDef): boolean {
  return ![
    'secrets',
    'configmaps',
    'events',
    'serviceaccounts',
    'roles',
    'clusterroles',
    'rolebindings',
    'clusterrolebindings',
  ].includes(def.resource);
}

/** A managedFields entry shaped as the API server writes it (fieldsV1 lists the top-level fields set). */
function managedEntry(
  o: KubeObject,
  manager: string,
  operation: 'Update' | 'Apply',
  time: string,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const k of Object.keys(o)) if (!['apiVersion', 'kind', 'metadata', 'status'].includes(k)) fields[`f:${k}`] = {};
  const labels = o.metadata.labels
    ? Object.fromEntries(Object.keys(o.metadata.labels).map((l) => [`f:${l}`, {}]))
    : undefined;
  if (labels) fields['f:metadata'] = { 'f:labels': { '.': {}, ...labels } };
  return { manager, operation, apiVersion: o.apiVersion, time, fieldsType: 'FieldsV1', fieldsV1: fields };
}
