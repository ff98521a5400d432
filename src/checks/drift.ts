// The `drift` check: the project's models (target_metadata) against the database the migrations built, through
// env.py as `alembic check` does; each difference in plain words with the op.* code and SQL to copy.

import type { DriftResult } from '../driver/protocol.ts';
import type { CheckResult, Finding } from '../report/model.ts';

/** SQLite has no ALTER COLUMN and cannot add or drop constraints: the op.* code in batch mode, and no now(). */
export function forSqlite(code: string): string {
  const noNow = code.replace(/sa\.text\((['"])now\(\)\1\)/g, 'sa.text("(CURRENT_TIMESTAMP)")').replace(/sa\.func\.now\(\)/g, 'sa.text("(CURRENT_TIMESTAMP)")');
  const m = /^(\s*)op\.(alter_column|create_unique_constraint|create_foreign_key|create_check_constraint|drop_constraint)\((['"][^'"]+['"])\s*,\s*([\s\S]*)$/.exec(noNow);
  if (!m) return noNow;
  const [, indent, fn, table, rest] = m;
  // create_* and drop_constraint take the constraint name first and the table second; alter_column the table first.
  const call = fn === 'alter_column'
    ? `batch_op.alter_column(${rest}`
    : `batch_op.${fn}(${table}, ${rest!.replace(/^(['"][^'"]+['"])\s*,\s*/, '')}`;
  const tableName = fn === 'alter_column' ? table : /^(['"][^'"]+['"])/.exec(rest!)?.[1] ?? table;
  return `${indent}with op.batch_alter_table(${tableName}) as batch_op:\n${indent}    ${call.replace(/\n/g, `\n${indent}    `)}`;
}

function needsBatch(sql: string | null): boolean {
  return sql !== null && /\bALTER\s+TABLE\b[\s\S]*\b(ALTER\s+COLUMN|ADD\s+CONSTRAINT|DROP\s+CONSTRAINT)\b/i.test(sql);
}

export function driftResult(drift: DriftResult, envFile: string | undefined, durationMs: number, dialect: 'postgresql' | 'sqlite' = 'postgresql'): CheckResult {
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
  const findings: Finding[] = drift.items.map((item) => {
    const sqlite = dialect === 'sqlite';
    const batch = sqlite && needsBatch(item.sql);
    const code = sqlite ? forSqlite(item.code) : item.code;
    // Enum labels are compared beside autogenerate, which never sees them: only writing the migration helps.
    const beside = item.kind.startsWith('enum_');
    return {
    code: `drift/${item.kind.replace(/_/g, '-')}`,
    severity: item.severity ?? 'error',
    message: item.message,
    hint: [
      beside
        ? `\`alembic revision --autogenerate\` does not see this: write the migration yourself:\n\n${fenced('python', code)}`
        : `Generate a migration (\`alembic revision --autogenerate\`${sqlite ? ' with `render_as_batch=True` in env.py' : ''}), or write it:\n\n${fenced('python', code)}`,
      batch
        ? 'SQLite has no ALTER COLUMN and cannot change constraints in place: batch mode recreates the table with the change (copy, drop, rename).'
        : item.sql ? `It would run:\n\n${fenced('sql', item.sql)}` : item.sqlError ? `(SQL not rendered offline: ${item.sqlError})` : '',
      item.blind ?? '',
      item.note ?? '',
    ].filter(Boolean).join('\n\n'),
    sql: item.sql ?? undefined,
    // What autogenerate cannot see goes next to what it did see, so nobody reads "no more drift" into silence.
    details: [...(item.blind ? [item.blind] : []), ...drift.notes],
    } satisfies Finding;
  });
  return {
    id: 'drift',
    status: findings.some((f) => f.severity === 'error') ? 'failed' : 'passed',
    reason: findings.length ? `${findings.length} ${findings.length === 1 ? 'difference' : 'differences'} between the models and the migrated database` : drift.notes.join(' '),
    durationMs,
    findings,
  };
}

/** A fenced code block (the reporters keep fences intact: markdown renders them, text shows them as they are). */
function fenced(lang: string, code: string): string {
  return `\`\`\`${lang}\n${code}\n\`\`\``;
}
