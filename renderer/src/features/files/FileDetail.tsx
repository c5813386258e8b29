import { useState } from 'react';
import { useApi } from '../../workbench/api-context.js';
import { useQuery } from '../../lib/use-query.js';
import { ErrorState, Loading } from '../../components/States.js';
import { bytes, modeString, visible } from '../../lib/visible-text.js';
import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import type { FileChange } from '@shared/domain/file-change.js';
import type { FileDiff, FileSide } from '@shared/api/investigate.js';
import { SEVERE_FILE_FLAGS, type FileNode } from './file-model.js';

type Tab = 'diff' | 'container' | 'image';

/** The selected change: its facts, and for files the content and a line diff against the image's version. */
/** Where a listed file lives when it is in no image layer, so no diff would show it: each says why it is listed. */
function outsideLayers(ev: ContainerEvidence, c: FileChange): { testId: string; label: string; title: string }[] {
  const tags = [];
  if (ev.tmpfsFiles.includes(c))
    tags.push({
      testId: 'fs-tmpfs',
      label: 'tmpfs',
      title:
        'In a tmpfs mount: in no image layer and in no diff; its content lives only in memory and is gone when the container stops',
    });
  if (ev.volumeFiles.includes(c))
    tags.push({
      testId: 'fs-volume',
      label: 'volume',
      title:
        'In a named volume: in no image layer and in no diff, and it outlives the container. Written since the container started.',
    });
  if (ev.engineFilesRewritten.includes(c.path))
    tags.push({
      testId: 'fs-engine-file',
      label: 'engine file, rewritten',
      title:
        "Written by the engine when the container started and bind-mounted over the image's file: in no diff. The container rewrote it since.",
    });
  return tags;
}

export function FileDetail({
  node,
  evidence,
  engineId,
}: {
  node: FileNode | undefined;
  evidence: ContainerEvidence;
  engineId: string | undefined;
}) {
  if (!node) {
    return (
      <aside className="fd-detail muted small">
        <p>
          Select a change to see its content and its diff against the image. Keys: <kbd>↑</kbd> <kbd>↓</kbd> move,{' '}
          <kbd>←</kbd> <kbd>→</kbd> fold, <kbd>s</kbd> filter.
        </p>
      </aside>
    );
  }
  return <Detail key={node.path} node={node} evidence={evidence} engineId={engineId} />;
}

function Detail({
  node,
  evidence,
  engineId,
}: {
  node: FileNode;
  evidence: ContainerEvidence;
  engineId: string | undefined;
}) {
  const api = useApi();
  const c = node.change;
  const isDir = node.children.length > 0;
  const collected =
    evidence.fileContents.find((f) => f.path === node.path) ?? evidence.engineFiles.find((f) => f.path === node.path);
  const containerId = evidence.container.id;
  const q = useQuery(
    !isDir && c && engineId
      ? () => api.call('investigate.fileDiff', { engineId, containerId, path: node.path })
      : undefined,
    [engineId, containerId, node.path],
  );
  const [tab, setTab] = useState<Tab>(c?.kind === 'added' ? 'container' : 'diff');

  return (
    <aside className="fd-detail" data-testid="fs-detail">
      <div className="fd-detail-path mono">{visible(node.path)}</div>
      <div className="fd-detail-tags">
        {c ? (
          <span className={`kind k-${c.kind}`}>{c.kind}</span>
        ) : (
          <span className="muted small">parent directory</span>
        )}
        {c
          ? outsideLayers(evidence, c).map((t) => (
              <span key={t.testId} className="flag flag-bad" title={t.title} data-testid={t.testId}>
                {t.label}
              </span>
            ))
          : null}
        {c?.flags.map((f) => (
          <span key={f} className={SEVERE_FILE_FLAGS.has(f) ? 'flag flag-bad' : 'flag flag-dim'}>
            {f}
          </span>
        ))}
      </div>
      <dl className="fd-dl">
        {c?.size !== undefined ? (
          <>
            <dt>Size</dt>
            <dd>
              {bytes(c.size)} <span className="muted">({c.size.toLocaleString()} bytes)</span>
            </dd>
          </>
        ) : null}
        {c?.mode !== undefined ? (
          <>
            <dt>Mode</dt>
            <dd className="mono">
              {modeString(c.mode)} <span className="muted">{(c.mode & 0o7777).toString(8).padStart(4, '0')}</span>
            </dd>
          </>
        ) : null}
        {c?.mtime ? (
          <>
            <dt>Modified</dt>
            <dd>{c.mtime}</dd>
          </>
        ) : null}
        {c?.sha256 ? (
          <>
            <dt>sha256</dt>
            <dd className="mono">{c.sha256}</dd>
          </>
        ) : null}
        {collected?.imageSha256 ? (
          <>
            <dt>Image sha256</dt>
            <dd className="mono">{collected.imageSha256}</dd>
          </>
        ) : null}
        {isDir ? (
          <>
            <dt>Below</dt>
            <dd>
              {node.counts.added} added, {node.counts.changed} changed, {node.counts.deleted} deleted
              {node.flagged ? `, ${node.flagged} flagged` : ''}
            </dd>
          </>
        ) : null}
      </dl>
      {!isDir && c ? (
        <>
          <div className="fd-tabs" role="tablist">
            {(['diff', 'container', 'image'] as Tab[]).map((t) => (
              <button
                key={t}
                type="button"
                role="tab"
                aria-selected={tab === t}
                className={tab === t ? 'tab active' : 'tab'}
                onClick={() => setTab(t)}
                data-testid={`fs-tab-${t}`}
              >
                {t === 'diff' ? 'Diff vs image' : t === 'container' ? 'Container now' : 'Image version'}
              </button>
            ))}
          </div>
          <div className="fd-content">
            {q.error ? (
              collected?.text !== undefined ? (
                <>
                  <p className="warn small">
                    Live read failed ({q.error.message}); showing the content collected at scan time.
                  </p>
                  <TextBlock text={collected.text} />
                </>
              ) : (
                <ErrorState error={q.error} onRetry={q.reload} />
              )
            ) : !q.data ? (
              <Loading what="file content" />
            ) : tab === 'diff' ? (
              <DiffBlock d={q.data} />
            ) : (
              <SideBlock
                side={tab === 'container' ? q.data.container : q.data.image}
                what={tab === 'container' ? 'container' : 'image'}
                source={q.data.imageSource}
              />
            )}
          </div>
        </>
      ) : null}
    </aside>
  );
}

function DiffBlock({ d }: { d: FileDiff }) {
  if (!d.container.exists && !d.image.exists)
    return <p className="muted">The file exists neither in the container now nor in the image.</p>;
  if (d.container.binary || d.image.binary) return <BinaryNote d={d} />;
  if (d.container.kind && d.container.kind !== 'file')
    return <SideBlock side={d.container} what="container" source={d.imageSource} />;
  const same = d.container.sha256 && d.container.sha256 === d.image.sha256;
  return (
    <div data-testid="fs-diff-lines" data-added={d.added} data-removed={d.removed}>
      <div className="fd-diff-sum small">
        {!d.image.exists ? <span>Not in the image: the whole file was added. </span> : null}
        {!d.container.exists ? <span>Deleted in the container; the image version follows. </span> : null}
        <span className="k-added">+{d.added}</span> <span className="k-deleted">−{d.removed}</span>
        <span className="muted">
          {' '}
          · image read from{' '}
          {d.imageSource === 'lowerdir'
            ? 'overlay lower layers'
            : d.imageSource === 'temp-container'
              ? 'a created, never-started container'
              : 'nowhere'}
        </span>
        {same ? <span className="muted"> · content identical (only metadata changed)</span> : null}
        {d.container.truncated || d.image.truncated ? (
          <span className="warn"> · large file: only the first 64 KiB compared</span>
        ) : null}
      </div>
      <table className="fd-diff mono">
        <tbody>
          {d.lines.map((l, i) =>
            l.op === 'gap' ? (
              <tr key={i} className="gap">
                <td colSpan={3}>⋯ {l.text}</td>
              </tr>
            ) : (
              <tr key={i} className={l.op}>
                <td className="ln">{l.oldNo ?? ''}</td>
                <td className="ln">{l.newNo ?? ''}</td>
                <td className="code">
                  <span className="sign">{l.op === 'add' ? '+' : l.op === 'del' ? '−' : ' '}</span>
                  {visible(l.text, { tabs: true })}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      {d.linesTruncated ? (
        <p className="warn small">The diff is longer than shown; the counts above cover all of it.</p>
      ) : null}
    </div>
  );
}

function BinaryNote({ d }: { d: FileDiff }) {
  return (
    <div className="small">
      <p>Binary file: compared by hash.</p>
      <dl className="fd-dl">
        <dt>Container</dt>
        <dd className="mono">
          {d.container.exists
            ? `${d.container.sha256 ?? 'not hashed'} · ${bytes(d.container.size)} · head ${d.container.headHex ?? ''}`
            : 'absent'}
        </dd>
        <dt>Image</dt>
        <dd className="mono">
          {d.image.exists
            ? `${d.image.sha256 ?? 'not hashed'} · ${bytes(d.image.size)} · head ${d.image.headHex ?? ''}`
            : 'absent'}
        </dd>
      </dl>
      <p>
        {d.container.sha256 && d.container.sha256 === d.image.sha256 ? (
          'Same content as the image.'
        ) : (
          <b className="bad">Content differs from the image.</b>
        )}
      </p>
    </div>
  );
}

function SideBlock({
  side,
  what,
  source,
}: {
  side: FileSide;
  what: 'container' | 'image';
  source: FileDiff['imageSource'];
}) {
  if (!side.exists)
    return (
      <p className="muted">
        {what === 'container'
          ? 'The file no longer exists in the container.'
          : 'The image has no such file: the container created it.'}
      </p>
    );
  if (side.kind === 'symlink') return <p className="mono">symlink → {visible(side.symlinkTarget)}</p>;
  if (side.kind === 'directory') return <p className="muted">A directory.</p>;
  if (side.binary || side.text === undefined)
    return (
      <p className="mono small">
        binary · {bytes(side.size)} · sha256 {side.sha256 ?? 'not hashed'} · first bytes {side.headHex}
      </p>
    );
  return (
    <>
      <p className="muted small">
        {bytes(side.size)} · sha256 {side.sha256?.slice(0, 16) ?? '—'}
        {side.truncated ? ' · first 64 KiB shown' : ''}
        {what === 'image'
          ? ` · read from ${source === 'lowerdir' ? 'overlay lower layers' : 'a created, never-started container'}`
          : ''}
      </p>
      <TextBlock text={side.text} />
    </>
  );
}

function TextBlock({ text }: { text: string }) {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return (
    <table className="fd-diff mono" data-testid="fs-preview">
      <tbody>
        {lines.map((l, i) => (
          <tr key={i} className="ctx">
            <td className="ln">{i + 1}</td>
            <td className="code">{visible(l, { tabs: true })}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
