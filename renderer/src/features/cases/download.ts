import type { ReportOutput } from '@shared/api/cases.js';

/** Saves a generated report through the browser's own download, without touching the file system ourselves. */
export function downloadReport(r: ReportOutput): void {
  const bytes = r.base64
    ? Uint8Array.from(atob(r.base64), (c) => c.charCodeAt(0))
    : new TextEncoder().encode(r.text ?? '');
  const url = URL.createObjectURL(new Blob([bytes], { type: r.mediaType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = r.filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
