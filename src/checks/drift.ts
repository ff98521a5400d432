// The `drift` check: the project's models (target_metadata) against the database the migrations built, through
// env.py as `alembic check` does; each difference in plain words with the op.* code and SQL to copy.

import type { DriftResult } from '../driver/protocol.ts';
import type { CheckResult, Finding } from '../report/model.ts';

export function driftResult(drift: DriftResult, envFile: string | undefined, durationMs: number): CheckResult {
  if (!drift.hasMetadata) {
    return {
      id: 'drift',
      // A warning, not an error: the check could not compare, it did not find drift.
      status: 'passed',
      durationMs,
      findings: [{
        code: 'drift/no-target-metadata',
        severity: 'warning',
        message: 'env.py sets no target_metadata, so the models cannot be compared with the migrations',
        file: envFile,
        hint: 'In env.py: `from app.models import Base` and `target_metadata = Base.metadata` (a list of MetaData works too).',
      }],
    };
  }
  const findings: Finding[] = drift.items.map((item) => ({
    code: `drift/${item.kind.replace(/_/g, '-')}`,
    severity: 'error',
    message: item.message,
    hint: [
      `Generate a migration (\`alembic revision --autogenerate\`), or write it:\n\n${fenced('python', item.code)}`,
      item.sql ? `It would run:\n\n${fenced('sql', item.sql)}` : item.sqlError ? `(SQL not rendered offline: ${item.sqlError})` : '',
      item.blind ?? '',
    ].filter(Boolean).join('\n\n'),
    sql: item.sql ?? undefined,
    // What autogenerate cannot see goes next to what it did see, so nobody reads "no more drift" into silence.
    details: [...(item.blind ? [item.blind] : []), ...drift.notes],
  }));
  return {
    id: 'drift',
    status: findings.length ? 'failed' : 'passed',
    reason: findings.length ? `${findings.length} difference(s) between the models and the migrated database` : drift.notes.join(' '),
    durationMs,
    findings,
  };
}

/** A fenced code block (the reporters keep fences intact: markdown renders them, text shows them as they are). */
function fenced(lang: string, code: string): string {
  return `\`\`\`${lang}\n${code}\n\`\`\``;
}
