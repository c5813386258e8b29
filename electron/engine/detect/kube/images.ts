/**
 * Container image references (`[registry/]repo[:tag][@digest]`) and the signs of a cryptominer. Names come from
 * the cluster and are hostile input: they are only matched, never resolved.
 */

export interface ImageRef {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Parses an image reference as the container runtime does, with Docker Hub's defaults. */
export function parseImage(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  let tag: string | undefined;
  const colon = repository.lastIndexOf(':');
  if (colon >= 0) {
    tag = repository.slice(colon + 1);
    repository = repository.slice(0, colon);
  }
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  return { registry: registry.toLowerCase(), repository, tag, digest };
}

/** Pinned by digest: what runs cannot change without a change to the spec. */
export const pinned = (image: string): boolean => /@sha256:[0-9a-f]{64}$/.test(image.trim());

/** Image names of known miners (repository path parts), from public takedowns and honeypot reports. */
const MINER_IMAGE =
  /(^|[/_.-])(xmrig|xmr-?stak|xmrig-?proxy|minerd|cpuminer(-multi|-opt)?|ccminer|cgminer|bfgminer|sgminer|ethminer|nbminer|t-?rex-?miner|t-rex|lolminer|phoenixminer|nanominer|gminer|teamredminer|srbminer(-multi)?|nheqminer|kawpowminer|xmr-?miner|monero-?miner|cryptonight|randomx|coinhive|kdevtmpfsi|kinsing)([/_.:-]|$)/i;

/** Command-line signs of mining: pool protocols, pool hosts, miner-only flags. */
const MINER_ARG =
  /(stratum(\d*)\+(tcp|ssl|tls):\/\/|\bxmrig\b|--donate-level|--randomx|--cpu-max-threads-hint|-a\s+(rx\/0|cn\/r|randomx|cryptonight)|\b(pool\.)?(minexmr|supportxmr|moneroocean|nanopool|2miners|f2pool|hashvault|herominers|nicehash|c3pool|unmineable)\.(com|org|net|stream|pro)\b|--coin[= ](monero|xmr))/i;

export interface MinerSign {
  what: 'image' | 'argument';
  match: string;
}

/** The first sign of a miner in an image name or a container's command and arguments. */
export function minerSign(image: string, argv: readonly string[]): MinerSign | undefined {
  const repo = parseImage(image).repository;
  const m = MINER_IMAGE.exec(repo);
  if (m) return { what: 'image', match: m[2]! };
  const line = argv.join(' ');
  const a = MINER_ARG.exec(line);
  if (a) return { what: 'argument', match: a[0]! };
  return undefined;
}
