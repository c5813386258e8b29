import type { EngineView } from '@shared/domain/engine.js';

const WHY: Record<NonNullable<EngineView['insecure']>, string> = {
  'plain-tcp': 'Plain tcp without TLS: anyone on the network path can read and drive this engine',
  'tls-unverified':
    'TLS without verifying the server certificate: anyone on the network path can pose as this engine, read it and drive it',
};

/** The rail's warning for an engine reached over plain tcp or unverified TLS (the engine says which). */
export function InsecureBadge({ engine }: { engine: Pick<EngineView, 'insecure'> }) {
  if (!engine.insecure) return null;
  return (
    <span
      className="eng-kind eng-insecure"
      title={WHY[engine.insecure]}
      data-testid="engine-insecure"
      data-insecure={engine.insecure}
    >
      insecure
    </span>
  );
}
