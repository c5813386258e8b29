import type { Detector, Hit } from '../detector.js';
import { DOWNLOAD_AND_RUN, MINER } from '../lib/commands.js';
import { imageOf } from '../lib/images.js';
import { inspectRef, oneLine, ref } from '../lib/refs.js';
import type { ContainerEvidence } from '@shared/domain/evidence-set.js';

const HISTORY_BAD: Array<[RegExp, string]> = [
  [MINER, 'installs a cryptominer'],
  [/\bchattr\s+\+[ia]/, 'locks files with chattr'],
  [/\b(useradd|adduser)\b.*(-o\s+-u\s*0|-u\s*0\b)/, 'adds a uid-0 account'],
  [/ld\.so\.preload/, 'writes /etc/ld.so.preload'],
  [/authorized_keys/, 'plants SSH keys'],
];

/**
 * Images changed on the host rather than built and pulled through the pipeline: containers committed into
 * images, tags repointed while containers still run the old image, images that were never pulled, and
 * build history that installs tooling attackers use.
 */
export const imageTampering: Detector = {
  meta: {
    id: 'image-tampering',
    title: 'Runtime image modification',
    strategy: ['ADS-evasion'],
    attack: ['T1525', 'T1612', 'T1610'],
    severity: 'high',
    kind: 'event',
    dataSources: [
      'engine events: container commit, image tag/import/load',
      'image inspect: RepoTags, RepoDigests, History.CreatedBy',
      'container inspect: Image (ID) vs the tag it was started from',
    ],
    goal: 'Find backdoored images produced on the host: `docker commit` of a running container and the containers started from what it produced, a tag moved to a different image while containers run the old one, images never pulled from a registry, and build steps that install miners, lock files or plant keys.',
    blindSpots: [
      'Events older than the collected history window are not seen; a committed image built days ago shows only as "never pulled".',
      'Images modified in the registry (not on this host) look legitimate here; registry-side signing and digests are needed.',
      'Squashed or flattened images have no useful history.',
    ],
    falsePositives: [
      'An image is judged once, however many containers run it: one finding per image lists its containers, so an engine of imported images yields one low finding per image, not per container.',
      'Local development builds are never pulled and get re-tagged constantly (dev image churn); these are reported as low and can be suppressed per engine (developer workstations) or per image prefix. Commits in CI snapshot jobs: suppress by image.',
    ],
    response: [
      'Compare the image with the one in the registry (digest, history) and find who committed or tagged it (events, shell history of the host).',
      'Stop containers started from it, quarantine the image, and re-pull from a trusted registry.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    const byId = new Map(ev.containers.map((c) => [c.container.id, c]));
    for (const e of ev.events) {
      if (e.type === 'container' && e.action === 'commit') {
        const c = byId.get(e.actorId);
        const name = e.attributes.name ?? e.actorName ?? e.actorId.slice(0, 12);
        hits.push({
          container: c,
          subject: c ? undefined : { id: e.actorId, name, image: e.attributes.image },
          ref: `commit:${e.timeNano ?? e.time}`,
          summary: `Container ${oneLine(name, 60)} was committed into a new image${e.attributes.imageRef ? ` (${oneLine(e.attributes.imageRef, 80)})` : ''} at ${e.time}: its runtime changes now ship as an image.`,
          evidence: [
            ref(
              'event',
              `${e.type}/${e.action}@${e.time}`,
              oneLine(
                `${e.action} ${e.actorId.slice(0, 12)} ${Object.entries(e.attributes)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ')}`,
                600,
              ),
            ),
          ],
          attack: ['T1525'],
        });
      } else if (e.type === 'image' && (e.action === 'import' || e.action === 'load')) {
        hits.push({
          ref: `${e.action}:${e.actorId}`,
          summary: `An image was ${e.action === 'load' ? 'loaded from a tar file' : 'imported from a filesystem tarball'} on this engine (${oneLine(e.attributes.name ?? e.actorId, 80)}) at ${e.time}, bypassing the registry.`,
          evidence: [
            ref('event', `${e.type}/${e.action}@${e.time}`, oneLine(`${e.actorId} ${e.attributes.name ?? ''}`, 400)),
          ],
          severity: 'low',
          attack: ['T1612'],
        });
      }
    }
    // A container started from a committed image carries another container's runtime changes in its image layers,
    // where its own diff no longer shows them.
    const committed = new Map(
      ev.events
        .filter((e) => e.type === 'container' && e.action === 'commit' && e.attributes.imageID)
        .map((e) => [e.attributes.imageID!, e] as const),
    );
    // Images are judged once per image; each finding lists the containers that run it.
    const byImage = new Map<string, ContainerEvidence[]>();
    for (const c of ev.containers) {
      const d = c.container;
      const from = committed.get(d.imageId);
      if (from) {
        const source = from.attributes.name ?? from.actorName ?? from.actorId.slice(0, 12);
        hits.push({
          container: c,
          ref: `runs-commit:${d.imageId}`,
          cause: 'runs-committed-image',
          summary: `Container ${oneLine(d.name, 60)} runs image ${d.imageId.slice(7, 19)}, committed from container ${oneLine(source, 60)} at ${from.time}: that container's runtime changes are in its image, not in its diff.`,
          evidence: [
            ref(
              'event',
              `${from.type}/${from.action}@${from.time}`,
              oneLine(`commit ${from.actorId.slice(0, 12)} -> ${d.imageId}`, 300),
            ),
            inspectRef(c, 'Image', d.imageId),
          ],
          severity: 'high',
          attack: ['T1525', 'T1610'],
        });
      }
      const tagOwner = ev.images.find((i) => i.repoTags.includes(d.image));
      if (tagOwner && tagOwner.id !== d.imageId && !d.image.startsWith('sha256:')) {
        hits.push({
          container: c,
          ref: `tag-moved:${d.image}:${tagOwner.id}`,
          summary: `Container ${d.name} runs image ${d.imageId.slice(7, 19)} but its tag ${oneLine(d.image, 80)} now points to ${tagOwner.id.slice(7, 19)}: the image behind the tag was replaced while it ran.`,
          evidence: [ref('image', d.image, `container image ${d.imageId}; tag now ${tagOwner.id}`)],
          severity: 'medium',
          attack: ['T1525'],
        });
      }
      const img = imageOf(ev, c);
      if (img) byImage.set(img.id, [...(byImage.get(img.id) ?? []), c]);
    }
    for (const [id, users] of byImage) {
      const img = ev.images.find((i) => i.id === id)!;
      const name = oneLine(img.repoTags[0] ?? img.id.slice(7, 19), 80);
      const linked = users
        .slice(0, 60)
        .map((c) =>
          inspectRef(c, 'Image', `${c.container.state} container ${oneLine(c.container.name, 60)} runs ${name}`),
        );
      const names = `${users
        .slice(0, 5)
        .map((c) => oneLine(c.container.name, 40))
        .join(', ')}${users.length > 5 ? ` and ${users.length - 5} more` : ''}`;
      const one = users.length === 1 ? users[0] : undefined;
      const running = users.filter((c) => c.container.state === 'running');
      if (img.repoDigests.length === 0 && running.length > 0) {
        hits.push({
          container: one,
          ref: `unpulled:${img.id}`,
          summary: `Image ${name}, which was never pulled from a registry (built, loaded, imported or committed on this host), runs ${running.length} container${running.length === 1 ? '' : 's'}: ${names}.`,
          evidence: [
            ref('image', img.id, `RepoDigests: none; RepoTags: ${oneLine(img.repoTags.join(', '), 200)}`),
            ...linked,
          ],
          severity: 'low',
          attack: ['T1612'],
        });
      }
      for (const h of img.history) {
        const bad =
          HISTORY_BAD.find(([re]) => re.test(h.createdBy)) ??
          (DOWNLOAD_AND_RUN.test(h.createdBy)
            ? ([DOWNLOAD_AND_RUN, 'downloads and runs a script during the build'] as const)
            : undefined);
        if (!bad) continue;
        const strong = bad[1] !== 'downloads and runs a script during the build';
        hits.push({
          container: one,
          ref: `history:${img.id}:${h.createdBy.slice(0, 200)}`,
          summary: `Image ${name} (run by ${names}) has a build step that ${bad[1]}: ${oneLine(h.createdBy, 140)}.`,
          evidence: [ref('image', img.id, `history ${h.created}: ${oneLine(h.createdBy, 600)}`), ...linked],
          severity: strong ? 'high' : 'low',
          attack: ['T1525'],
        });
      }
    }
    return hits;
  },
};
