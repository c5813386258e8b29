import type { ContainerEvidence, EngineEvidence, ImageFacts } from '@shared/domain/evidence-set.js';

/** The image a container was created from, by ID. */
export function imageOf(ev: EngineEvidence, c: ContainerEvidence): ImageFacts | undefined {
  return ev.images.find((i) => i.id === c.container.imageId);
}
