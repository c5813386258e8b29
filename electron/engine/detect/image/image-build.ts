import type { ContainerEvidence, ImageFacts } from '@shared/domain/evidence-set.js';
import type { Detector, Hit } from '../detector.js';
import { imageOf } from '../lib/images.js';
import { inspectRef, oneLine, ref } from '../lib/refs.js';
import { secretsIn } from '../lib/secrets.js';

/** A package index refreshed in a step that installs nothing: the cached layer keeps a stale index (CIS 4.7). */
const UPDATE = /\b(apt-get|apt|apk|yum|dnf|zypper|microdnf)\s+(-\S+\s+)*(update|makecache|refresh)\b/;
const INSTALL = /\b(install|upgrade|add|dist-upgrade|in)\b/;
/** `ADD` as the classic builder and BuildKit record it: `ADD file:<hash> in /dest`, `ADD https://… /dest # buildkit`. */
const ADD = /^(\/bin\/sh -c #\(nop\)\s+)?ADD\s+(\S+)\s+(in\s+)?(\S+)/;
/** Build steps that create an account: the tools, or a line appended to /etc/passwd in images without them. */
const ACCOUNT = /\b(useradd|adduser|addgroup\s+\S+\s+\S+|groupadd)\b|>>\s*\/etc\/passwd\b/;
const ROOT_USER = /^(|root|0)(:(root|0))?$/;

/** The build step text without the classic builder's shell prefix. */
const step = (createdBy: string) => createdBy.replace(/^\/bin\/sh -c (#\(nop\)\s*)?/, '').replace(/^\|\d+\s+/, '');

/**
 * docker-bench-security section 4 checks that image metadata shows: stale package indexes, ADD, secrets in history or
 * environment, and containers left to run as root although the image could run as someone else.
 */
export const imageBuildHygiene: Detector = {
  meta: {
    id: 'image-build-hygiene',
    title: 'Image build hygiene gap (CIS Docker Benchmark section 4)',
    strategy: ['ADS-evasion'],
    attack: ['T1552.007', 'T1552.001', 'T1105', 'T1195.002', 'T1611'],
    severity: 'low',
    kind: 'state',
    dataSources: [
      'image history (CreatedBy of each layer)',
      'image inspect: Config.Env, Config.User',
      'container inspect: Config.Env, Config.User',
    ],
    goal: 'Report the section 4 checks an agentless reader can judge from image history and configuration: a root user although the image creates an account or declares a non-root USER that the run overrides (4.1), package index updates with no install in the same step (4.7), ADD where COPY would do, and ADD of remote URLs above all (4.9), and secrets in build steps, image environment or container environment, readable by anyone who can run `docker history` or `docker inspect` (4.10). Images are judged once and list the containers that run them.',
    blindSpots: [
      'Squashed images and multi-stage builds keep no history of the stages they discard; secrets in earlier stages are not seen.',
      'Secrets passed as files in a layer (a key copied in, then deleted) need the layer content; only names and token formats in metadata are judged.',
      "A base image's own root filesystem ADD is ignored (it is how every base image starts).",
      'Whether the application works as non-root is not known: 4.1 fires only when the image itself shows a non-root account.',
    ],
    falsePositives: [
      'Variables that name a secret but hold a reference or a placeholder (`*_FILE`, `*_PATH`, `changeme`, `${VAR}`) are skipped; others that only look like secrets are low and group under the cause `cis-4.10`. Suppress by image and `ref` (`4.10:<name>`).',
      "Database images take their first password from the environment by design (`POSTGRES_PASSWORD`): low, one row per cause; prefer the image's `*_FILE` variant and Docker secrets.",
      'Legacy base images that refresh the index in one step: low, grouped under `cis-4.7`.',
    ],
    response: [
      'For secrets: treat the value as disclosed, rotate it, and rebuild without it (build secrets `RUN --mount=type=secret`, runtime secrets as files).',
      "For a root override: find who started the container with `--user root` and why; recreate it with the image's user.",
      "For ADD of a URL: check what the URL served at build time against the layer's content; pin and verify downloads with a checksum, and use COPY for local files.",
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    const users = new Map<string, ContainerEvidence[]>();
    for (const c of ev.containers) {
      const img = imageOf(ev, c);
      if (img) users.set(img.id, [...(users.get(img.id) ?? []), c]);
    }
    for (const img of ev.images) {
      const runs = users.get(img.id) ?? [];
      if (runs.length === 0) continue;
      hits.push(...imageHits(img, runs));
    }
    for (const c of ev.containers) hits.push(...containerHits(c, imageOf(ev, c)));
    return hits;
  },
};

function imageHits(img: ImageFacts, runs: ContainerEvidence[]): Hit[] {
  const hits: Hit[] = [];
  const name = oneLine(img.repoTags[0] ?? img.id.slice(7, 19), 80);
  const names = `${runs
    .slice(0, 5)
    .map((c) => oneLine(c.container.name, 40))
    .join(', ')}${runs.length > 5 ? ` and ${runs.length - 5} more` : ''}`;
  const linked = runs
    .slice(0, 60)
    .map((c) => inspectRef(c, 'Image', `${c.container.state} container ${oneLine(c.container.name, 60)} runs ${name}`));
  const one = runs.length === 1 ? runs[0] : undefined;
  const oldest = img.history.length - 1;
  img.history.forEach((h, i) => {
    const text = step(h.createdBy);
    if (UPDATE.test(text) && !INSTALL.test(text.replace(UPDATE, ''))) {
      hits.push({
        container: one,
        ref: `4.7:${img.id}:${text.slice(0, 160)}`,
        cause: 'cis-4.7',
        summary: `Image ${name} (run by ${names}) refreshes its package index in a step of its own (CIS Docker 4.7): the cached layer keeps a stale index for every later install. Step: ${oneLine(text, 120)}.`,
        evidence: [ref('image', img.id, `history ${h.created}: ${oneLine(h.createdBy, 600)}`), ...linked],
        attack: ['T1195.002'],
      });
    }
    const add = ADD.exec(h.createdBy);
    if (add && !(i === oldest && add[4] === '/')) {
      const remote = /^https?:\/\//i.test(add[2]!);
      hits.push({
        container: one,
        ref: `4.9:${img.id}:${add[2]!.slice(0, 160)}`,
        cause: 'cis-4.9',
        summary: `Image ${name} (run by ${names}) uses ADD ${remote ? `to fetch ${oneLine(add[2]!, 100)} at build time, unverified` : 'where COPY would do (ADD also unpacks archives and fetches URLs)'} (CIS Docker 4.9).`,
        evidence: [ref('image', img.id, `history ${h.created}: ${oneLine(h.createdBy, 600)}`), ...linked],
        attack: remote ? ['T1105'] : ['T1195.002'],
      });
    }
    for (const s of secretsIn(h.createdBy)) {
      hits.push({
        container: one,
        ref: `4.10:${img.id}:history:${s.name}`,
        cause: 'cis-4.10',
        summary: `Image ${name} (run by ${names}) has a ${s.strong ? s.name : `secret in ${s.name}`} in its build history (CIS Docker 4.10), readable with docker history: value ${s.masked}.`,
        evidence: [
          ref('image', img.id, `history ${h.created}: a build step sets ${s.name} (value withheld, ${s.masked})`),
          ...linked,
        ],
        severity: s.strong ? 'medium' : 'low',
        attack: ['T1552.007'],
      });
    }
  });
  for (const e of img.env) {
    for (const s of secretsIn(e)) {
      // An ENV step shows in history as well; one finding per variable is enough.
      if (hits.some((x) => x.ref === `4.10:${img.id}:history:${s.name}`)) continue;
      hits.push({
        container: one,
        ref: `4.10:${img.id}:env:${s.name}`,
        cause: 'cis-4.10',
        summary: `Image ${name} (run by ${names}) ships ${s.strong ? `a ${s.name}` : `a secret in ${s.name}`} in its environment (CIS Docker 4.10): value ${s.masked}.`,
        evidence: [ref('image', img.id, `Config.Env: ${s.name}= (value withheld, ${s.masked})`), ...linked],
        severity: s.strong ? 'medium' : 'low',
        attack: ['T1552.007'],
      });
    }
  }
  return hits;
}

function containerHits(c: ContainerEvidence, img: ImageFacts | undefined): Hit[] {
  const hits: Hit[] = [];
  const d = c.container;
  const inherited = new Set(img?.env ?? []);
  for (const e of d.env) {
    if (inherited.has(e)) continue;
    for (const s of secretsIn(e)) {
      hits.push({
        container: c,
        ref: `4.10:env:${s.name}`,
        cause: 'cis-4.10',
        summary: `${d.name} was started with ${s.strong ? `a ${s.name}` : `a secret in ${s.name}`} in its environment (CIS Docker 4.10), readable by anyone who can inspect the container: value ${s.masked}.`,
        evidence: [inspectRef(c, 'Config.Env', `${s.name}= (value withheld, ${s.masked})`)],
        severity: s.strong ? 'medium' : 'low',
        attack: ['T1552.007'],
      });
    }
  }
  if (d.state !== 'running' || !img || !ROOT_USER.test(d.user.trim())) return hits;
  if (!ROOT_USER.test(img.user.trim())) {
    hits.push({
      container: c,
      ref: '4.1:override',
      cause: 'cis-4.1',
      summary: `${d.name} runs as root although its image declares the user ${oneLine(img.user, 40)} (CIS Docker 4.1): the run overrode the image's choice.`,
      evidence: [
        inspectRef(
          c,
          'Config.User',
          `Config.User: ${oneLine(d.user || '(empty: root)', 60)}; image Config.User: ${oneLine(img.user, 60)}`,
        ),
      ],
      severity: 'medium',
      attack: ['T1611'],
    });
  } else {
    const made = img.history.find((h) => ACCOUNT.test(step(h.createdBy)));
    if (made)
      hits.push({
        container: c,
        ref: '4.1:account',
        cause: 'cis-4.1',
        summary: `${d.name} runs as root although its image creates an account it could run as (CIS Docker 4.1): ${oneLine(step(made.createdBy), 100)}.`,
        evidence: [
          inspectRef(c, 'Config.User', `Config.User: ${oneLine(d.user || '(empty: root)', 60)}`),
          ref('image', img.id, `history ${made.created}: ${oneLine(made.createdBy, 400)}`),
        ],
        attack: ['T1611'],
      });
  }
  return hits;
}
