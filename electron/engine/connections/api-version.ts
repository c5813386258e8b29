import { AppError } from '@shared/errors.js';

/** Docker 17.06 (API 1.30) is the oldest engine whose inspect, top, changes and events answers we rely on. */
export const MIN_API_VERSION = '1.30';

export function compareApiVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.replace(/^v/, '').split('.').map(Number);
  const [bm = 0, bn = 0] = b.replace(/^v/, '').split('.').map(Number);
  return am - bm || an - bn;
}

/** Refuses engines too old to answer the calls Stowaway makes, instead of failing later with odd data. */
export function checkApiVersion(apiVersion: string | undefined, target: string): void {
  if (!apiVersion || !/^v?\d+\.\d+$/.test(apiVersion))
    throw new AppError('API_VERSION', `${target} did not report an Engine API version; it may not be a Docker engine`);
  if (compareApiVersions(apiVersion, MIN_API_VERSION) < 0) {
    throw new AppError(
      'API_VERSION',
      `${target} speaks Engine API ${apiVersion}; Stowaway needs API ${MIN_API_VERSION} (Docker 17.06) or newer. Upgrade the engine.`,
    );
  }
}
