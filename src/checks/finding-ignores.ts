// Ignore directives for the database checks' findings (stairway, round trip), as lint has them:
// `# preflight: ignore[stairway/downgrade-leaves-trace] reason` on the `def downgrade` line, or ignore-file[...].

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { directiveCovers, readFileDirectives, type IgnoreDirective } from '../lint/ignores.ts';
import type { CheckResult, Finding } from '../report/model.ts';

/** Check ids whose findings can be ignored here; lint's engine knows these names and leaves them to us. */
export const IGNORABLE_CHECKS = ['stairway', 'roundtrip', 'data'] as const;

export function isIgnorableCheckCode(id: string): boolean {
  return IGNORABLE_CHECKS.some((c) => id === c || id.startsWith(`${c}/`));
}

/** Reads each migration file's directives once per run. */
export class DirectiveCache {
  private readonly byFile = new Map<string, IgnoreDirective[]>();
  constructor(private readonly projectDir: string) {}

  of(file: string): IgnoreDirective[] {
    let found = this.byFile.get(file);
    if (!found) {
      let text = '';
      try {
        text = readFileSync(join(this.projectDir, file), 'utf8');
      } catch {
        text = ''; // a file we cannot read has no directives; the finding stays
      }
      found = readFileDirectives(file, text);
      this.byFile.set(file, found);
    }
    return found;
  }
}

function covers(d: IgnoreDirective, f: Finding, checkId: string, lines: (number | undefined)[]): boolean {
  return lines.some((line) => directiveCovers(d, f.code, f.file, line) || directiveCovers(d, checkId, f.file, line));
}

/**
 * Drops the findings a directive with a reason covers (a directive without a reason silences nothing: lint reports
 * it), and says in the check's reason how many were ignored. The check passes again when no error is left.
 */
export function applyFindingIgnores(
  result: CheckResult,
  directives: DirectiveCache,
  /** More lines a directive may stand on for this finding: the revision's `def downgrade` line. */
  anchors: (f: Finding) => (number | undefined)[] = () => [],
): CheckResult {
  const kept: Finding[] = [];
  const ignored: string[] = [];
  for (const f of result.findings) {
    const directive = f.file ? directives.of(f.file).find((d) => d.reason && covers(d, f, result.id, [f.line, ...anchors(f)])) : undefined;
    if (directive) ignored.push(`${f.code} at ${f.revision ?? f.file}: ${directive.reason}`);
    else kept.push(f);
  }
  if (ignored.length === 0) return result;
  const failed = kept.some((f) => f.severity === 'error');
  const note = `${ignored.length} finding${ignored.length === 1 ? '' : 's'} ignored by preflight: ignore (${ignored.join('; ')})`;
  return {
    ...result,
    findings: kept,
    status: result.status === 'failed' && !failed ? 'passed' : result.status,
    reason: result.reason ? `${result.reason}; ${note}` : note,
  };
}
