import { useEffect, useRef, useState } from 'react';
import { useApi } from '../../workbench/api-context.js';
import type { HostKeyInfo } from '@shared/domain/engine.js';
import type { TrustHostKeyResult } from '@shared/api/engines.js';
import './engines.css';

type Target = { engineId: string } | { endpoint: { host: string; port: number; knownHostsPath?: string } };

/**
 * What an ssh host presented when its key was refused. An unknown key can be trusted once the analyst ticks that
 * they verified the fingerprint out of band; a changed key shows both fingerprints and offers nothing to click.
 */
export function HostKeyPrompt({
  hostKey,
  errorCode,
  target,
  onTrusted,
}: {
  hostKey: HostKeyInfo;
  errorCode?: string;
  target: Target;
  onTrusted(r: TrustHostKeyResult): void;
}) {
  const api = useApi();
  const [verified, setVerified] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const changed = errorCode === 'SSH_HOST_KEY_MISMATCH';
  // The prompt appears below a long error inside a scrolling dialog or rail: bring it into view.
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.scrollIntoView({ block: 'nearest' });
  }, []);

  const trust = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onTrusted(await api.call('engines.trustHostKey', { ...target, fingerprint: hostKey.fingerprint, confirm: true }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      ref={box}
      className={changed ? 'hostkey hostkey-changed' : 'hostkey'}
      role="group"
      aria-label="ssh host key"
      data-testid="hostkey-prompt"
      onClick={(e) => e.stopPropagation()}
    >
      <strong>{changed ? 'Host key changed' : 'Unknown host key'}</strong>
      <span className="muted small">{hostKey.host}</span>
      <dl className="hostkey-facts">
        <dt>Key type</dt>
        <dd data-testid="hostkey-type">{hostKey.keyType}</dd>
        <dt>{changed ? 'Presented' : 'Fingerprint'}</dt>
        <dd className="mono" data-testid="hostkey-fingerprint">
          {hostKey.fingerprint}
        </dd>
        {changed && hostKey.recordedFingerprint ? (
          <>
            <dt>Recorded</dt>
            <dd className="mono" data-testid="hostkey-recorded">
              {hostKey.recordedFingerprint}
            </dd>
          </>
        ) : null}
      </dl>
      {changed ? (
        <span className="small">
          Someone may be intercepting the connection, or the host was reinstalled. Stowaway will not replace a recorded
          key: confirm with the host&apos;s administrator and remove the old line from known_hosts yourself.
        </span>
      ) : (
        <>
          <span className="small">
            Compare it with the fingerprint the host&apos;s administrator gives you (ssh-keygen -lf /etc/ssh/ssh_host_
            {hostKey.keyType.replace(/^ssh-/, '')}_key.pub on the host).
          </span>
          <label className="eng-check">
            <input
              type="checkbox"
              checked={verified}
              onChange={(e) => setVerified(e.target.checked)}
              data-testid="hostkey-verified"
            />{' '}
            I have verified this fingerprint
          </label>
          <div className="eng-actions">
            <button type="button" disabled={!verified || busy} onClick={trust} data-testid="hostkey-trust">
              {busy ? 'Trusting…' : 'Trust this key'}
            </button>
          </div>
        </>
      )}
      {error ? (
        <span className="eng-result bad small" role="alert" data-testid="hostkey-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}
