// Hints for the PostgreSQL lock and rewrite rules, written with the finding's own table, column, index, constraint
// and type, so the code can be pasted as it is.

import { hintWithCode } from '../hint-text.ts';
import { showType, unqualified } from '../sql-names.ts';
import { alterActions, at, quoteSql } from '../statement-queries.ts';
import type { LintStatement, RevisionContext, RuleReport } from '../types.ts';
import { checkExpression, constantDefault, defaultExpression, indexColumns, py, pyList, referencedColumns, saType } from './python.ts';

export type HintBuilder = (r: RuleReport, ctx: RevisionContext) => string | null;

function inAutocommit(lines: string[]): string {
  return ['with op.get_context().autocommit_block():', ...lines.map((l) => `    ${l}`)].join('\n');
}

const createIndexNotConcurrently: HintBuilder = ({ statement: s }) => {
  const p = s?.parsed;
  if (p?.kind === 'reindex' && p.name) {
    return hintWithCode(`Rebuild ${p.name} with CONCURRENTLY, outside the migration transaction:`, inAutocommit([`op.execute(${py(`REINDEX ${p.target} CONCURRENTLY ${p.name}`)})`]));
  }
  if (p?.kind !== 'create-index' || !p.name) return null;
  const cols = indexColumns(s!.sql);
  const args = [py(p.name), py(p.table), pyList(cols.length ? cols : ['...']), ...(p.unique ? ['unique=True'] : []), 'postgresql_concurrently=True'];
  return hintWithCode(
    `Build ${p.name} with CONCURRENTLY, outside the migration transaction (CONCURRENTLY cannot run inside one), so writes to ${p.table} go on during the build:`,
    `${inAutocommit([`op.create_index(${args.join(', ')})`])}\n# a failed concurrent build leaves an INVALID index behind: drop it (DROP INDEX CONCURRENTLY) before retrying`,
  );
};

const dropIndexNotConcurrently: HintBuilder = ({ statement: s }) => {
  const p = s?.parsed;
  if (p?.kind !== 'drop-index') return null;
  const table = s!.locks[0] ? unqualified(s!.locks[0].relation) : null;
  return hintWithCode(
    `Drop ${p.names.join(', ')} with CONCURRENTLY, outside the migration transaction:`,
    inAutocommit(p.names.map((n) => `op.drop_index(${py(n)}${table ? `, table_name=${py(table)}` : ''}, postgresql_concurrently=True, if_exists=True)`)),
  );
};

const concurrentlyInTransaction: HintBuilder = ({ statement: s }) =>
  s ? hintWithCode("Run it in Alembic's autocommit block, which commits the migration transaction first:", inAutocommit([`op.execute(${py(quoteSql(s.sql, 500))})`])) : null;

const constraintWithoutNotValid: HintBuilder = ({ statement: s }) => {
  const [found] = s ? alterActions(s, 'add-constraint') : [];
  if (!found) return null;
  const { table, action: { constraint: c } } = found;
  const name = c.name ?? `${c.kind === 'foreign-key' ? 'fk' : 'ck'}_${table}_${c.columns[0] ?? 'rule'}`;
  const add = c.kind === 'foreign-key'
    ? `op.create_foreign_key(${py(name)}, ${py(table)}, ${py(unqualified(c.references ?? 'parent'))}, ${pyList(c.columns)}, ${pyList(referencedColumns(s!.sql))}, postgresql_not_valid=True)`
    : `op.create_check_constraint(${py(name)}, ${py(table)}, ${py(checkExpression(s!.sql) ?? '...')}, postgresql_not_valid=True)`;
  return hintWithCode(
    `Add ${name} NOT VALID (only new rows are checked, the lock is brief), then VALIDATE it in a later transaction: validation takes only SHARE UPDATE EXCLUSIVE, so reads and writes on ${table} continue.`,
    `# this migration\n${add}\n\n# the next migration (a separate transaction)\nop.execute(${py(`ALTER TABLE ${table} VALIDATE CONSTRAINT ${name}`)})`,
  );
};

const validateInSameTransaction: HintBuilder = ({ statement: s }) => {
  const [found] = s ? alterActions(s, 'validate-constraint') : [];
  if (!found) return null;
  return hintWithCode(
    `Commit between the two steps: validate ${found.action.name} in a later migration, or after committing with an autocommit block.`,
    inAutocommit([`op.execute(${py(`ALTER TABLE ${found.table} VALIDATE CONSTRAINT ${found.action.name}`)})`]),
  );
};

const uniqueWithoutUsingIndex: HintBuilder = ({ statement: s }) => {
  const [found] = s ? alterActions(s, 'add-constraint') : [];
  if (!found) return null;
  const { table, action: { constraint: c } } = found;
  const name = c.name ?? `${c.kind === 'unique' ? 'uq' : 'pk'}_${table}_${c.columns.join('_')}`;
  const what = c.kind === 'unique' ? 'UNIQUE' : 'PRIMARY KEY';
  return hintWithCode(
    `Build the unique index concurrently first, then attach it as ${name} (a catalog-only change):`,
    `${inAutocommit([`op.create_index(${py(`${name}_idx`)}, ${py(table)}, ${pyList(c.columns)}, unique=True, postgresql_concurrently=True)`])}\nop.execute(${py(`ALTER TABLE ${table} ADD CONSTRAINT ${name} ${what} USING INDEX ${name}_idx`)})`,
  );
};

const setNotNull: HintBuilder = ({ statement: s }, ctx) => {
  const [found] = s ? alterActions(s, 'set-not-null') : [];
  if (!found) return null;
  const { table, action: { column } } = found;
  const ck = `ck_${table}_${column}_not_null`;
  const type = saType(ctx.columnTypeBefore(s!, table, column), ctx.dialect);
  return hintWithCode(
    `Prove ${table}.${column} has no NULLs with a CHECK added NOT VALID and validated in a later transaction; SET NOT NULL then skips the scan (PostgreSQL 12+; before 12, keep the validated CHECK instead).`,
    `# this migration
op.create_check_constraint(${py(ck)}, ${py(table)}, ${py(`${column} IS NOT NULL`)}, postgresql_not_valid=True)

# the next migration, after the NULLs are backfilled
op.execute(${py(`ALTER TABLE ${table} VALIDATE CONSTRAINT ${ck}`)})
op.alter_column(${py(table)}, ${py(column)}, existing_type=${type}, nullable=False)  # no scan: uses the CHECK
op.drop_constraint(${py(ck)}, ${py(table)}, type_="check")`,
  );
};

const addRequiredColumn: HintBuilder = ({ statement: s }, ctx) => {
  const [found] = s ? alterActions(s, 'add-column') : [];
  if (!found) return null;
  const { table, action: { column: c } } = found;
  const type = saType(c.type, ctx.dialect);
  return hintWithCode(
    `Give ${table}.${c.name} a constant server default${ctx.dialect === 'postgresql' ? ' (PostgreSQL 11+ stores it without rewriting the table)' : ''}, or add it nullable, backfill, then make it NOT NULL.`,
    `op.add_column(${py(table)}, sa.Column(${py(c.name)}, ${type}, nullable=False, server_default=${constantDefault(c.type, ctx.dialect)}))
# or:
op.add_column(${py(table)}, sa.Column(${py(c.name)}, ${type}, nullable=True))
# ... backfill in batches, then in a later migration make it NOT NULL${ctx.dialect === 'postgresql' ? ' (see set-not-null)' : ' (batch mode on SQLite)'}`,
  );
};

const addColumnRewrite: HintBuilder = ({ statement: s }, ctx) => {
  const [found] = s ? alterActions(s, 'add-column') : [];
  if (!found) return null;
  const { table, action: { column: c } } = found;
  const expr = defaultExpression(s!.sql);
  const lines = [`op.add_column(${py(table)}, sa.Column(${py(c.name)}, ${saType(c.type, ctx.dialect)}, nullable=True))`];
  if (expr) lines.push(`op.execute(${py(`ALTER TABLE ${table} ALTER COLUMN ${c.name} SET DEFAULT ${expr}`)})  # new rows only, no rewrite`);
  lines.push(`# backfill existing rows of ${table} in batches in a separate migration${c.notNull ? ', then SET NOT NULL (see set-not-null)' : ''}`);
  return hintWithCode(`Add ${table}.${c.name} without the default that is evaluated for every row, set the default for new rows only, and backfill existing rows in batches:`, lines.join('\n'));
};

const columnTypeChange: HintBuilder = ({ statement: s }, ctx) => {
  const [found] = s ? alterActions(s, 'set-type') : [];
  if (!found) return null;
  const { table, action } = found;
  const col = action.column;
  const from = ctx.columnTypeBefore(s!, table, col);
  if (from && showType(from) === showType(action.type)) {
    // The no-op the rule reports only for a user type: an alter_column meant to add enum labels.
    return hintWithCode(
      `Drop this alter_column: it changes nothing. PostgreSQL adds enum labels with ALTER TYPE (before PostgreSQL 12 outside a transaction block, in autocommit_block()):`,
      `op.execute(${py(`ALTER TYPE ${from.name} ADD VALUE IF NOT EXISTS 'new_label'`)})`,
    );
  }
  return hintWithCode(
    `Changing ${table}.${col}${from ? ` from ${showType(from)}` : ''} to ${showType(action.type)} holds ACCESS EXCLUSIVE for a whole rewrite. Expand and contract instead: add a new column, write both (application or trigger), backfill in batches, switch reads, then drop the old column. Binary-coercible changes (varchar(n) to a longer varchar or text, numeric precision up) do not rewrite.`,
    `# migration 1: expand
op.add_column(${py(table)}, sa.Column(${py(`${col}_new`)}, ${saType(action.type, ctx.dialect)}, nullable=True))
# ... dual-write from the application (or a trigger), backfill in batches ...
# a later migration, once nothing reads the old column: contract
op.drop_column(${py(table)}, ${py(col)})
op.alter_column(${py(table)}, ${py(`${col}_new`)}, new_column_name=${py(col)})`,
  );
};

const tableRewrite: HintBuilder = ({ statement: s }) => {
  const table = s?.parsed.kind === 'alter-table' ? s.parsed.table : s?.parsed.kind === 'maintenance' ? s.parsed.tables[0] : undefined;
  if (!table) return null;
  return hintWithCode(
    `A rewrite copies ${table} while ACCESS EXCLUSIVE blocks every query on it. To reclaim space or re-order rows use pg_repack or pg_squeeze (online); for other changes, expand and contract with a new table or column and a batched backfill.`,
    `# instead of rewriting ${table} in a migration, run online, outside Alembic:\n#   pg_repack --table=${table} --no-superuser-check mydb`,
  );
};

/** The SET LOCAL lock_timeout an earlier transaction of the revision ran (it ended at that transaction's COMMIT). */
export function lockTimeoutLostAt(stmt: LintStatement, ctx: RevisionContext): LintStatement | undefined {
  return ctx.statements.find((s) => s.index < stmt.index && s.parsed.kind === 'set' && s.parsed.local
    && s.parsed.name === 'lock_timeout' && s.transaction !== stmt.transaction);
}

const missingLockTimeout: HintBuilder = ({ statement: s }, ctx) => {
  const lost = s ? lockTimeoutLostAt(s, ctx) : undefined;
  if (!s || !lost) return null;
  return hintWithCode(
    `The SET LOCAL lock_timeout at ${at(lost)} ended with its transaction: autocommit_block() commits before the block and starts a new transaction after it, so ${at(s)} runs with no lock_timeout. Set it again after the block (or once for every migration in env.py).`,
    `with op.get_context().autocommit_block():
    ...
op.execute("SET LOCAL lock_timeout = '3s'")  # again: the block's COMMIT ended the earlier one`,
  );
};

const accessExclusiveHeld: HintBuilder = ({ statement: s, evidence }) => {
  if (!s || typeof evidence?.lockTakenBy !== 'string') return null;
  return hintWithCode(
    `Keep ${quoteSql(evidence.lockTakenBy, 80)} alone in its transaction (ACCESS EXCLUSIVE is then held for milliseconds): move ${quoteSql(s.sql, 80)} into a migration of its own, or commit in between.`,
    `op.execute("SET LOCAL lock_timeout = '3s'")\nop.execute(${py(quoteSql(evidence.lockTakenBy, 500))})\n# the next migration: ${quoteSql(s.sql, 200)}`,
  );
};

export const LOCK_HINTS: Record<string, HintBuilder> = {
  'create-index-not-concurrently': createIndexNotConcurrently,
  'drop-index-not-concurrently': dropIndexNotConcurrently,
  'concurrently-in-transaction': concurrentlyInTransaction,
  'constraint-without-not-valid': constraintWithoutNotValid,
  'validate-in-same-transaction': validateInSameTransaction,
  'unique-without-using-index': uniqueWithoutUsingIndex,
  'set-not-null': setNotNull,
  'add-required-column': addRequiredColumn,
  'add-column-rewrite': addColumnRewrite,
  'column-type-change': columnTypeChange,
  'table-rewrite': tableRewrite,
  'missing-lock-timeout': missingLockTimeout,
  'access-exclusive-held': accessExclusiveHeld,
};
