import type { FileContent } from '@shared/domain/evidence-set.js';

type Baseline = Map<string, FileContent> | null;

/** Images whose critical files stay known between scans: a few dozen images' small text files. */
const MAX_IMAGES = 64;

/** Critical files of images as read from their containers, kept by image ID for the life of the process. */
const known = new Map<string, Map<string, FileContent>>();

/**
 * The critical files of each image as its containers show them untouched, for one engine scan. An image ID names
 * its content (its config digest covers every layer), so what one scan read of an image holds for every later
 * scan, on any engine: only the first scan that meets an image pays its archive reads (through the Engine API,
 * several hundred milliseconds each on a busy daemon). Reads still under way are shared within the scan.
 */
export class ImageBaselines {
  private readonly pending = new Map<string, Promise<Baseline>>();

  get(imageId: string): Promise<Baseline> | undefined {
    const p = this.pending.get(imageId);
    if (p) return p;
    const k = known.get(imageId);
    if (!k) return undefined;
    // Most recently used last, so the least used image leaves first.
    known.delete(imageId);
    known.set(imageId, k);
    return Promise.resolve(k);
  }

  set(imageId: string, read: Promise<Baseline>): void {
    this.pending.set(imageId, read);
    void read.then((b) => {
      if (!b) return;
      if (known.size >= MAX_IMAGES) known.delete(known.keys().next().value!);
      known.set(imageId, b);
    });
  }
}

/** Forgets what earlier scans read (tests that count archive calls start from nothing). */
export function forgetImageBaselines(): void {
  known.clear();
}
