import type { Endpoint, InsecureTransport } from '@shared/domain/engine.js';
import { AppError } from '@shared/errors.js';

/**
 * Whether anyone on the network path can read and drive an engine reached over this endpoint. TLS that does
 * not verify the server certificate counts: a self-signed interceptor is accepted as readily as the engine.
 */
export function insecureTransport(ep: Endpoint): InsecureTransport | undefined {
  if (ep.type !== 'tcp') return undefined;
  if (!ep.tls) return 'plain-tcp';
  return ep.tls.verify === false ? 'tls-unverified' : undefined;
}

export const INSECURE_WHY: Record<InsecureTransport, string> = {
  'plain-tcp': 'plain tcp without TLS',
  'tls-unverified': 'TLS without verifying the server certificate',
};

/** Refuses an insecure endpoint the analyst did not allow explicitly (--allow-insecure, the form's checkbox). */
export function assertTransportAllowed(ep: Endpoint): void {
  const kind = insecureTransport(ep);
  if (!kind || (ep.type === 'tcp' && ep.allowInsecure)) return;
  const where = ep.type === 'tcp' ? `tcp://${ep.host}:${ep.port}` : 'this engine';
  throw new AppError(
    'INSECURE_NOT_ALLOWED',
    `${where} uses ${INSECURE_WHY[kind]}: anyone on the network path can read the traffic and drive the engine; pass --allow-insecure (or tick "allow insecure") to connect anyway.`,
  );
}
