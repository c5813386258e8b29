import type Docker from 'dockerode';
import { ImageFactsSchema, type ArtifactRef, type ImageFacts } from '@shared/domain/evidence-set.js';
import { artifactRef } from './artifacts.js';

interface RawHistory {
  Created?: number;
  CreatedBy?: string;
  Comment?: string;
}

/** Image inspect + history: provenance (digests), defaults (cmd, env) and how each layer was made. */
export async function collectImageFacts(
  docker: Docker,
  imageId: string,
): Promise<{ facts: ImageFacts; artifacts: ArtifactRef[] }> {
  const image = docker.getImage(imageId);
  const [inspect, history] = await Promise.all([image.inspect(), image.history() as Promise<RawHistory[]>]);
  const cfg = inspect.Config ?? ({} as Docker.ImageInspectInfo['Config']);
  const asArray = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
  const facts = ImageFactsSchema.parse({
    id: inspect.Id,
    repoTags: inspect.RepoTags ?? [],
    repoDigests: inspect.RepoDigests ?? [],
    created: inspect.Created ?? '',
    cmd: asArray(cfg.Cmd),
    entrypoint: asArray(cfg.Entrypoint),
    exposedPorts: Object.keys(cfg.ExposedPorts ?? {}),
    env: cfg.Env ?? [],
    labels: cfg.Labels ?? {},
    user: cfg.User ?? '',
    history: (history ?? []).slice(0, 512).map((h) => ({
      created: h.Created ? new Date(h.Created * 1000).toISOString() : '',
      createdBy: h.CreatedBy ?? '',
      comment: h.Comment || undefined,
    })),
  });
  return {
    facts,
    artifacts: [
      artifactRef('image', `GET /images/${imageId}/json`, JSON.stringify(inspect)),
      artifactRef('image', `GET /images/${imageId}/history`, JSON.stringify(history)),
    ],
  };
}
