import { z } from 'zod';
import { custodyHash, GENESIS } from '../cases/custody-chain.js';
import { STEP, parseSeal, type Seal } from '../cases/case-seal.js';
import { publicKeyInfo, verifyText } from '../cases/custody-key.js';
import { createPublicKey } from 'node:crypto';

/**
 * What every report carries so its recipient can check it without the case database: the case's seal (custody
 * head and count, and the other chains), the Ed25519 signature over it, and the public key of the installation
 * that signed it. Text reports (HTML, Markdown, PDF) print it as one token `stowaway-seal:<base64url JSON>`.
 */
export const ReportSealSchema = z.object({
  payload: z.string().max(8192),
  signature: z.string().max(512).nullable(),
  publicKey: z.string().max(4096),
  keyFingerprint: z.string().max(128),
});
export type ReportSeal = z.infer<typeof ReportSealSchema>;

const TOKEN = /stowaway-seal:([A-Za-z0-9_-]{16,16384})/;

export const sealToken = (s: ReportSeal): string =>
  `stowaway-seal:${Buffer.from(JSON.stringify(s)).toString('base64url')}`;

/** The seal's fields a report prints: custody head and count, and the signing key. */
export function sealSummary(
  s: ReportSeal | undefined,
): { head: string; count: number; key: string; signed: boolean } | undefined {
  const p = parseSeal(s?.payload);
  return p && s
    ? { head: p.custody.head, count: p.custody.n, key: s.keyFingerprint, signed: !!s.signature }
    : undefined;
}

export interface ReportCheck {
  ok: boolean;
  keyFingerprint?: string;
  custody?: { count: number; head: string };
  problems: string[];
}

interface ExportLike {
  case: { id: string };
  custody: Array<{ caseId: string; at: string; actor: string; action: string; detail: string }>;
  triage: Array<{ findingId: string; at: string; actor: string; from: string; to: string; reason?: string }>;
  seal?: ReportSeal;
}

/**
 * Checks a report: the signature over the seal with the key the report carries (and, when given, that this is the
 * key the recipient trusts), and for the JSON export also that its custody log and triage history are the ones the
 * seal vouches for. Text formats carry only the seal, so only the signature and the head can be checked.
 */
export function verifyReport(bytes: Buffer, trustedKeyPem?: string): ReportCheck {
  const problems: string[] = [];
  let seal: ReportSeal | undefined;
  let data: ExportLike | undefined;
  const text = bytes.subarray(0, 4).toString('latin1') === '%PDF' ? '' : bytes.toString('utf8');
  try {
    const j = JSON.parse(text) as ExportLike & { schema?: string };
    if (j.schema === 'stowaway.case') {
      data = j;
      const parsed = ReportSealSchema.safeParse(j.seal);
      if (parsed.success) seal = parsed.data;
    }
  } catch {
    const m = TOKEN.exec(text);
    if (m) {
      try {
        const parsed = ReportSealSchema.safeParse(JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')));
        if (parsed.success) seal = parsed.data;
      } catch {
        // reported below
      }
    }
  }
  if (!seal)
    return { ok: false, problems: ['the report carries no readable seal (a PDF: check its JSON or HTML export)'] };
  const payload: Seal | undefined = parseSeal(seal.payload);
  if (!payload) return { ok: false, problems: ['the seal payload is not a Stowaway seal'] };
  let fingerprint: string;
  try {
    fingerprint = publicKeyInfo(createPublicKey(seal.publicKey)).fingerprint;
  } catch {
    return { ok: false, problems: ['the public key in the report is not readable'] };
  }
  if (fingerprint !== payload.key)
    problems.push(`the seal names key ${payload.key}, the report carries ${fingerprint}`);
  if (trustedKeyPem) {
    const trusted = publicKeyInfo(createPublicKey(trustedKeyPem)).fingerprint;
    if (trusted !== fingerprint) problems.push(`signed by ${fingerprint}, not by the trusted key ${trusted}`);
  }
  if (!seal.signature) problems.push('the seal is not signed');
  else if (!verifyText(seal.publicKey, seal.payload, seal.signature))
    problems.push('the signature does not match the seal');
  if (data) {
    if (data.case.id !== payload.caseId)
      problems.push(`the seal is of case ${payload.caseId}, the report of ${data.case.id}`);
    let head = GENESIS;
    for (const l of data.custody)
      head = custodyHash(head, {
        caseId: payload.caseId,
        at: l.at,
        actor: l.actor,
        action: l.action,
        detail: l.detail,
      });
    if (data.custody.length !== payload.custody.n || head !== payload.custody.head)
      problems.push(
        `the report's custody log (${data.custody.length} lines) is not the one the seal vouches for (${payload.custody.n} lines)`,
      );
    let t = GENESIS;
    for (const h of data.triage)
      t = STEP.triage(t, payload.caseId, {
        finding_id: h.findingId,
        at: h.at,
        actor: h.actor,
        from_state: h.from,
        to_state: h.to,
        reason: h.reason ?? null,
      });
    if (data.triage.length !== payload.triage.n || t !== payload.triage.head)
      problems.push(
        `the report's triage history (${data.triage.length} entries) is not the one the seal vouches for (${payload.triage.n})`,
      );
  }
  return {
    ok: problems.length === 0,
    keyFingerprint: fingerprint,
    custody: { count: payload.custody.n, head: payload.custody.head },
    problems,
  };
}
