import { useEffect, useState, type FormEvent } from 'react';
import { useApi } from '../../workbench/api-context.js';
import type { EngineView } from '@shared/domain/engine.js';
import type { EngineDraft, EngineTestResult } from '@shared/api/engines.js';
import { HostKeyPrompt } from './HostKeyPrompt.js';
import './engines.css';

type Kind = 'ssh' | 'tls' | 'tcp' | 'unix';

interface Fields {
  name: string;
  kind: Kind;
  host: string;
  port: string;
  user: string;
  identityFile: string;
  knownHostsPath: string;
  caPath: string;
  certPath: string;
  keyPath: string;
  verify: boolean;
  allowInsecure: boolean;
  socketPath: string;
}

const DEFAULT_PORT: Record<Kind, string> = { ssh: '22', tls: '2376', tcp: '2375', unix: '' };

/** Turns the form into the draft the engine validates again; empty optional paths are left out. */
export function toDraft(f: Fields): EngineDraft {
  const opt = (s: string) => (s.trim() ? s.trim() : undefined);
  const port = Number(f.port || DEFAULT_PORT[f.kind]);
  switch (f.kind) {
    case 'ssh':
      return {
        name: f.name,
        endpoint: {
          type: 'ssh',
          host: f.host.trim(),
          port,
          user: opt(f.user),
          identityFile: opt(f.identityFile),
          knownHostsPath: opt(f.knownHostsPath),
        },
      };
    case 'tls':
      // Unverified TLS is as open as plain tcp: it needs the same opt-in.
      return {
        name: f.name,
        endpoint: {
          type: 'tcp',
          host: f.host.trim(),
          port,
          allowInsecure: !f.verify && f.allowInsecure,
          tls: { verify: f.verify, caPath: opt(f.caPath), certPath: opt(f.certPath), keyPath: opt(f.keyPath) },
        },
      };
    case 'tcp':
      return { name: f.name, endpoint: { type: 'tcp', host: f.host.trim(), port, allowInsecure: f.allowInsecure } };
    case 'unix':
      return { name: f.name, endpoint: { type: 'unix', socketPath: f.socketPath.trim() } };
  }
}

/**
 * "Add remote host": ssh, tcp with TLS, plain tcp (only with an explicit opt-in) or a socket path.
 * Keys are referenced by path or come from ssh-agent; nothing secret is typed or stored here.
 */
export function AddHostForm({ onClose, onAdded }: { onClose(): void; onAdded(e: EngineView): void }) {
  const api = useApi();
  const [f, setF] = useState<Fields>({
    name: '',
    kind: 'ssh',
    host: '',
    port: '',
    user: '',
    identityFile: '',
    knownHostsPath: '',
    caPath: '',
    certPath: '',
    keyPath: '',
    verify: true,
    allowInsecure: false,
    socketPath: '',
  });
  const [testing, setTesting] = useState(false);
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<EngineTestResult>();
  const [error, setError] = useState<string>();
  // Escape closes the dialog wherever focus is (a button that was disabled while testing drops focus to the page).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);
  const set = <K extends keyof Fields>(k: K, v: Fields[K]) => {
    setF((old) => ({ ...old, [k]: v }));
    setResult(undefined);
    setError(undefined);
  };
  const missing = !f.name.trim()
    ? 'a name'
    : f.kind === 'unix'
      ? !f.socketPath.trim()
        ? 'a socket path'
        : undefined
      : !f.host.trim()
        ? 'a host'
        : (f.kind === 'tcp' || (f.kind === 'tls' && !f.verify)) && !f.allowInsecure
          ? 'the insecure opt-in'
          : undefined;

  const test = async () => {
    setTesting(true);
    setError(undefined);
    try {
      setResult(await api.call('engines.test', toDraft(f)));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setTesting(false);
    }
  };
  const save = async (ev?: FormEvent) => {
    ev?.preventDefault();
    if (missing) return setError(`Enter ${missing}.`);
    setSaving(true);
    try {
      onAdded(await api.call('engines.add', toDraft(f)));
    } catch (e) {
      setError((e as Error).message);
      setSaving(false);
    }
  };

  const text = (k: keyof Fields, label: string, placeholder = '', testid = `host-${k}`) => (
    <label className="eng-field">
      <span>{label}</span>
      <input
        value={f[k] as string}
        placeholder={placeholder}
        onChange={(e) => set(k, e.target.value as never)}
        data-testid={testid}
        spellCheck={false}
      />
    </label>
  );

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <form
        className="modal eng-form"
        role="dialog"
        aria-modal="true"
        aria-labelledby="add-host-title"
        data-testid="add-host-form"
        onClick={(e) => e.stopPropagation()}
        onSubmit={save}
      >
        <h2 id="add-host-title">Add remote host</h2>
        <label className="eng-field">
          <span>Name</span>
          <input
            autoFocus
            value={f.name}
            onChange={(e) => set('name', e.target.value)}
            placeholder="prod-web-01"
            data-testid="host-name"
            maxLength={128}
          />
        </label>
        <label className="eng-field">
          <span>Connect by</span>
          <select value={f.kind} onChange={(e) => set('kind', e.target.value as Kind)} data-testid="host-kind">
            <option value="ssh">ssh (docker system dial-stdio)</option>
            <option value="tls">tcp with TLS</option>
            <option value="tcp">tcp without TLS (insecure)</option>
            <option value="unix">unix socket</option>
          </select>
        </label>
        {f.kind === 'unix' ? (
          text('socketPath', 'Socket path', '/var/run/docker.sock')
        ) : (
          <div className="eng-row">
            {text('host', 'Host', '10.0.0.5 or host.example')}
            <label className="eng-field eng-port">
              <span>Port</span>
              <input
                value={f.port}
                placeholder={DEFAULT_PORT[f.kind]}
                inputMode="numeric"
                onChange={(e) => set('port', e.target.value.replace(/\D/g, '').slice(0, 5))}
                data-testid="host-port"
              />
            </label>
          </div>
        )}
        {f.kind === 'ssh' ? (
          <>
            {text('user', 'User', 'current user')}
            {text('identityFile', 'Identity file (path)', '~/.ssh/id_ed25519, or leave empty for ssh-agent')}
            {text('knownHostsPath', 'known_hosts (path)', '~/.ssh/known_hosts')}
            <p className="muted small">
              Host keys are checked against known_hosts. "Test connection" shows an unknown key's fingerprint; once you
              have verified it with the host's administrator you can trust it here.
            </p>
          </>
        ) : null}
        {f.kind === 'tls' ? (
          <>
            {text('caPath', 'CA certificate (path)', 'ca.pem')}
            {text('certPath', 'Client certificate (path)', 'cert.pem')}
            {text('keyPath', 'Client key (path)', 'key.pem')}
            <label className="eng-check">
              <input
                type="checkbox"
                checked={f.verify}
                onChange={(e) => set('verify', e.target.checked)}
                data-testid="host-tls-verify"
              />{' '}
              Verify the server certificate
            </label>
            {!f.verify ? (
              <div className="eng-warning" role="note">
                <strong>Unverified TLS:</strong> anyone on the network path can pose as this engine, read the traffic
                and drive it.
                <label className="eng-check">
                  <input
                    type="checkbox"
                    checked={f.allowInsecure}
                    onChange={(e) => set('allowInsecure', e.target.checked)}
                    data-testid="host-allow-insecure"
                  />{' '}
                  Allow insecure connection
                </label>
              </div>
            ) : null}
          </>
        ) : null}
        {f.kind === 'tcp' ? (
          <div className="eng-warning" role="note">
            <strong>No TLS:</strong> anyone on the network path can read this traffic and drive the engine.
            <label className="eng-check">
              <input
                type="checkbox"
                checked={f.allowInsecure}
                onChange={(e) => set('allowInsecure', e.target.checked)}
                data-testid="host-allow-insecure"
              />{' '}
              Allow insecure connection
            </label>
          </div>
        ) : null}
        {result ? (
          <div className={result.ok ? 'eng-result ok' : 'eng-result bad'} role="status" data-testid="host-test-result">
            {result.errorCode ? <strong>{result.errorCode}: </strong> : null}
            {result.message} <span className="muted small">({result.elapsedMs} ms)</span>
          </div>
        ) : null}
        {result?.hostKey && f.kind === 'ssh' ? (
          <HostKeyPrompt
            hostKey={result.hostKey}
            errorCode={result.errorCode}
            target={{
              endpoint: {
                host: f.host.trim(),
                port: Number(f.port || DEFAULT_PORT.ssh),
                knownHostsPath: f.knownHostsPath.trim() || undefined,
              },
            }}
            onTrusted={() => void test()}
          />
        ) : null}
        {error ? (
          <div className="eng-result bad" role="alert" data-testid="host-error">
            {error}
          </div>
        ) : null}
        <div className="eng-actions">
          <button
            type="button"
            onClick={test}
            disabled={testing || Boolean(missing)}
            data-testid="host-test"
            title={missing ? `Enter ${missing}` : 'Connect without saving'}
          >
            {testing ? 'Testing…' : 'Test connection'}
          </button>
          <span className="spacer" />
          <button type="button" className="ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={saving} data-testid="host-save">
            Save host
          </button>
        </div>
      </form>
    </div>
  );
}
