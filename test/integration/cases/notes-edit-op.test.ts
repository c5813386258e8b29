import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../electron/engine/app.js';
import type { OpName } from '@shared/api/contract.js';
import type { Note } from '@shared/domain/case.js';
import { tempDataDir } from '../../helpers/case-fixtures.js';

/** notes.edit through the contract dispatcher, as the UI and web mode call it. */
describe('notes.edit over the contract', () => {
  const tmp = tempDataDir('stowaway-notes-op-');
  const app = createApp({ env: { ...process.env, STOWAWAY_DATA_DIR: tmp.dir }, dataDir: tmp.dir });
  const ctx = { transport: 'http' as const, user: 'ui-analyst' };
  const call = async <T>(op: OpName, input: unknown): Promise<T> => {
    const r = await app.dispatch(op, input, ctx);
    if (!r.ok) throw Object.assign(new Error(`${op}: ${r.error.code} ${r.error.message}`), { code: r.error.code });
    return r.value as T;
  };
  afterAll(async () => {
    await app.dispose();
    tmp.cleanup();
  });

  it('saves an edit as a new version, lists versions on request, and refuses what the contract or history forbids', async () => {
    const { id: caseId } = await call<{ id: string }>('cases.create', { name: 'notes op' });
    const first = await call<Note>('notes.add', { caseId, markdown: 'first text' });
    const second = await call<Note>('notes.edit', { caseId, noteId: first.id, markdown: 'second text' });
    expect(second).toMatchObject({ supersedes: first.id, markdown: 'second text', author: 'ui-analyst' });

    expect((await call<Note[]>('notes.list', { caseId })).map((n) => n.markdown)).toEqual(['second text']);
    expect((await call<Note[]>('notes.list', { caseId, versions: true })).map((n) => n.markdown)).toEqual([
      'first text',
      'second text',
    ]);

    await expect(call('notes.edit', { caseId, noteId: first.id, markdown: 'a fork' })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('already edited'),
    });
    await expect(call('notes.edit', { caseId, noteId: second.id, markdown: '' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(call('notes.edit', { caseId, noteId: 'x'.repeat(129), markdown: 'long id' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(call('notes.edit', { caseId, noteId: 'no-such-note', markdown: 'text' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    const custody = await call<Array<{ action: string; actor: string; detail: string }>>('custody.list', { caseId });
    expect(custody.filter((l) => l.action === 'note').map((l) => l.detail)).toEqual([
      expect.stringContaining(first.id),
      expect.stringContaining(`(edit of ${first.id})`),
    ]);
    expect((await call<{ ok: boolean; problems: unknown[] }>('evidence.verify', { caseId })).problems).toEqual([]);
  });
});
