import { z } from 'zod';

export const CaseStatusSchema = z.enum(['open', 'closed', 'archived']);

export const CaseSummarySchema = z.object({
  id: z.string(),
  name: z.string().min(1).max(256),
  status: CaseStatusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  findingCount: z.number().int().default(0),
});
export type CaseSummary = z.infer<typeof CaseSummarySchema>;

export const NoteSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  author: z.string().max(256),
  createdAt: z.string(),
  markdown: z.string().max(200_000),
  findingId: z.string().optional(),
  /** The note this one is an edited version of: notes are never rewritten. */
  supersedes: z.string().optional(),
});
export type Note = z.infer<typeof NoteSchema>;

/** One line of the append-only custody log: every action taken in a case. */
export const CustodyEntrySchema = z.object({
  seq: z.number().int(),
  caseId: z.string(),
  at: z.string(),
  actor: z.string().max(256),
  action: z.enum([
    'create',
    'scan',
    'triage',
    'note',
    'evidence',
    'exec',
    'stop',
    'isolate',
    'pause',
    'unpause',
    'preserve',
    'export',
    'suppress',
    'rename',
    'close',
    'reopen',
    'archive',
    'verify',
    'footprint',
  ]),
  detail: z.string().max(8192),
});
export type CustodyEntry = z.infer<typeof CustodyEntrySchema>;
