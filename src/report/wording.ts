// Small wording shared by the reporters: durations, counts with their plural, "1 error, 2 warnings".
// Every reporter says the same thing the same way.

import type { Finding, Severity } from './model.ts';

const SEVERITY_WORD: Record<Severity, [string, string]> = {
  error: ['error', 'errors'],
  warning: ['warning', 'warnings'],
  notice: ['notice', 'notices'],
};

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** `1 revision`, `2 revisions`; `many` for the irregular ones (`1 statement does`...). */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function plural(n: number, severity: Severity): string {
  return `${n} ${SEVERITY_WORD[severity][n === 1 ? 0 : 1]}`;
}

export function countsOf(findings: Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** "1 error, 2 warnings" (only the non-zero ones), or `none` when all are zero. */
export function countsPhrase(counts: Record<Severity, number>, none = 'no findings'): string {
  const parts = (['error', 'warning', 'notice'] as const).filter((s) => counts[s] > 0).map((s) => plural(counts[s], s));
  return parts.length ? parts.join(', ') : none;
}
