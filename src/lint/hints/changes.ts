// Hints for the rules about changes that break running code, destroy data, move data or cannot be undone, and for
// SQLite's batch mode: written with the finding's own tables, columns, values and dialect.

import { hintWithCode } from '../hint-text.ts';
import { showType } from '../sql-names.ts';
import { alterActions, lintable } from '../statement-queries.ts';
import type { AlterAction, RevisionContext, RuleReport } from '../types.ts';
import type { HintBuilder } from './locks.ts';
import { checkExpression, defaultExpression, py, pyList, referencedColumns, saType, setClause } from './python.ts';

const renameColumn: HintBuilder = ({ statement: s }, ctx) => {
  const [found] = s ? alterActions(s, 'rename-column') : [];
  if (!found) return null;
  const { table, action: { from, to } } = found;
  const type = saType(ctx.columnTypeBefore(s!, table, from), ctx.dialect);
  return hintWithCode(
    `Expand and contract: add ${table}.${to}, write both (application or trigger), backfill it from ${from}, move reads, and drop ${from} in a later release.`,
    `# release 1
op.add_column(${py(table)}, sa.Column(${py(to)}, ${type}, nullable=True))
# the application writes ${from} and ${to}; backfill ${to} from ${from} in batches
# release 2, once no running code reads ${py(from)}:
op.drop_column(${py(table)}, ${py(from)})`,
  );
};

const renameTable: HintBuilder = ({ statement: s }, ctx) => {
  const [found] = s ? alterActions(s, 'rename-table') : [];
  if (!found) return null;
  const { table, action: { to } } = found;
  const view = ctx.dialect === 'sqlite' ? '  # SQLite views are read-only: writes need the new name' : '  # simple views accept INSERT/UPDATE/DELETE';
  return hintWithCode(
    `Keep ${table} working while code moves over: rename, and leave a view named ${table} until a later release drops it.`,
    `op.rename_table(${py(table)}, ${py(to)})
op.execute(${py(`CREATE VIEW ${table} AS SELECT * FROM ${to}`)})${view}
# later release, once nothing uses ${py(table)}:
op.execute(${py(`DROP VIEW ${table}`)})`,
  );
};

const dropColumn: HintBuilder = ({ statement: s }) => {
  const [found] = s ? alterActions(s, 'drop-column') : [];
  if (!found) return null;
  const { table, action: { column } } = found;
  return hintWithCode(
    `First release code that no longer reads or writes ${table}.${column} (remove it from the model), then drop it in a later migration; keep a backup if the data may be needed.`,
    `# release 1: remove ${column} from the ${table} model (nothing selects or inserts it any more)\n# release 2:\nop.drop_column(${py(table)}, ${py(column)})`,
  );
};

const dropTable: HintBuilder = ({ statement: s }) => {
  const p = s?.parsed;
  const table = p?.kind === 'drop-table' || p?.kind === 'truncate' ? p.tables[0] : undefined;
  if (!table) return null;
  return hintWithCode(
    `Release code that no longer uses ${table} first, then drop it in a later migration (keep a backup, or rename it away first so the drop can be undone).`,
    `# release 1: remove the model; release 2:\nop.rename_table(${py(table)}, ${py(`${table}_deprecated`)})  # reversible for a while\n# release 3:\nop.drop_table(${py(`${table}_deprecated`)})`,
  );
};

/** `status = 'active'` → the condition selecting rows not yet changed, when the SET is one plain assignment. */
function notYetChanged(set: string | null): string | null {
  const m = set ? /^("?\w+"?)\s*=\s*('(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|NULL)$/i.exec(set) : null;
  if (!m) return null;
  return /^null$/i.test(m[2]!) ? `${m[1]} IS NOT NULL` : `${m[1]} IS DISTINCT FROM ${m[2]}`;
}

function batchedUpdate(r: RuleReport, ctx: RevisionContext, prose: string): string | null {
  const p = r.statement?.parsed;
  if (p?.kind !== 'update') return null;
  const set = setClause(r.statement!.sql);
  const todo = notYetChanged(set) ?? (p.where ? null : null);
  const where = todo ?? '<a condition true only for rows still to change>';
  // SQLite has no IS DISTINCT FROM; IS NOT is its null-safe inequality.
  const cond = ctx.dialect === 'sqlite' ? where.replace(/IS DISTINCT FROM/g, 'IS NOT') : where;
  return hintWithCode(
    prose,
    `with op.get_context().autocommit_block():
    while True:
        done = op.get_bind().execute(sa.text(
            ${py(`UPDATE ${p.table} SET ${set ?? '...'} WHERE id IN `)}
            ${py(`(SELECT id FROM ${p.table} WHERE ${cond} LIMIT 5000)`)}
        )).rowcount
        if done == 0:
            break`,
  );
}

const updateWithoutWhere: HintBuilder = (r, ctx) =>
  batchedUpdate(r, ctx, `Change the rows of ${r.statement?.parsed.kind === 'update' ? r.statement.parsed.table : 'the table'} in batches, each committed on its own, in a migration of its own (the loop needs a live connection, so it has no offline SQL; \`id\` stands for the table's key):`);

const unbatchedBackfill: HintBuilder = (r, ctx) =>
  batchedUpdate(r, ctx, `For a large ${r.statement?.parsed.kind === 'update' ? r.statement.parsed.table : 'table'}, backfill in batches, each committed on its own, in a migration of its own (the loop needs a live connection, so it has no offline SQL; \`id\` stands for the table's key):`);

const mixedSchemaAndData: HintBuilder = ({ statement: s }) => {
  const p = s?.parsed;
  if (!p || !('table' in p)) return null;
  return hintWithCode(
    `Split the revision: the schema change first, the change to ${p.table}'s rows in the next revision (then it can be batched, retried and reviewed on its own).`,
    `# revision A: the schema change\n# revision B (down_revision = A): ${s!.sql.replace(/\s+/g, ' ').trim().slice(0, 200)}`,
  );
};

/** What undoes one ALTER TABLE action, as an op.* line, or null when it cannot be written from the SQL alone. */
function inverseOfAction(table: string, a: AlterAction): string | null {
  switch (a.kind) {
    case 'add-column': return `op.drop_column(${py(table)}, ${py(a.column.name)})`;
    case 'rename-column': return `op.alter_column(${py(table)}, ${py(a.to)}, new_column_name=${py(a.from)})`;
    case 'rename-table': return `op.rename_table(${py(a.to)}, ${py(table)})`;
    case 'add-constraint': return a.constraint.name ? `op.drop_constraint(${py(a.constraint.name)}, ${py(table)})` : null;
    default: return null;
  }
}

const irreversibleDowngrade: HintBuilder = (_r, ctx) => {
  const undo: string[] = [];
  for (const s of lintable(ctx)) {
    const p = s.parsed;
    if (p.kind === 'create-table') undo.push(`op.drop_table(${py(p.table)})`);
    else if (p.kind === 'create-index' && p.name) undo.push(`op.drop_index(${py(p.name)}, table_name=${py(p.table)})`);
    else if (p.kind === 'create-type') undo.push(`op.execute(${py(`DROP TYPE ${p.name}`)})`);
    else if (p.kind === 'alter-table') for (const a of p.actions) {
      const line = inverseOfAction(p.table, a);
      undo.push(line ?? `# undo: ALTER TABLE ${p.table} ${a.kind}${a.kind === 'set-type' ? ` (back from ${showType(a.type)})` : ''}`);
    }
  }
  if (!undo.length) return null;
  return hintWithCode(
    'Write the inverse operations, last first. When the change truly cannot be undone (a destructive data migration), say so explicitly and record why (`# preflight: ignore[irreversible-downgrade] <reason>` on the def line).',
    `def downgrade():\n${undo.reverse().map((l) => `    ${l}`).join('\n')}`,
  );
};

/** One batch_op call for an ALTER TABLE action SQLite cannot run; never ALTER COLUMN ... TYPE, never now(). */
function batchCall(a: AlterAction, sql: string, ctx: RevisionContext): string {
  switch (a.kind) {
    case 'set-not-null': return `batch_op.alter_column(${py(a.column)}, nullable=False)`;
    case 'drop-not-null': return `batch_op.alter_column(${py(a.column)}, nullable=True)`;
    case 'set-type': return `batch_op.alter_column(${py(a.column)}, type_=${saType(a.type, 'sqlite')})`;
    case 'drop-default': return `batch_op.alter_column(${py(a.column)}, server_default=None)`;
    case 'set-default': {
      const expr = (defaultExpression(sql) ?? "''").replace(/\bnow\(\)/gi, 'CURRENT_TIMESTAMP');
      return `batch_op.alter_column(${py(a.column)}, server_default=sa.text(${py(/^\(.*\)$/.test(expr) || /^'.*'$|^-?\d/.test(expr) ? expr : `(${expr})`)}))`;
    }
    case 'add-constraint': {
      const c = a.constraint;
      const name = py(c.name ?? `${c.kind}_${c.columns.join('_')}`);
      if (c.kind === 'unique') return `batch_op.create_unique_constraint(${name}, ${pyList(c.columns)})`;
      if (c.kind === 'foreign-key') return `batch_op.create_foreign_key(${name}, ${py(c.references ?? '...')}, ${pyList(c.columns)}, ${pyList(referencedColumns(sql))})`;
      if (c.kind === 'check') return `batch_op.create_check_constraint(${name}, ${py(checkExpression(sql) ?? '...')})`;
      return `# ${c.kind} constraint ${c.name ?? ''}: declare it in the table definition`;
    }
    case 'drop-constraint': return `batch_op.drop_constraint(${py(a.name)})`;
    case 'add-column': {
      const c = a.column;
      const args = [py(c.name), saType(c.type, 'sqlite'), `nullable=${c.notNull ? 'False' : 'True'}`, ...(c.unique ? ['unique=True'] : []), ...(c.primaryKey ? ['primary_key=True'] : [])];
      return `batch_op.add_column(sa.Column(${args.join(', ')}))`;
    }
    default: return `# ${a.kind}: ${ctx.dialect === 'sqlite' ? 'not supported by SQLite; rebuild the table in batch mode' : a.kind}`;
  }
}

const sqliteAlterNeedsBatch: HintBuilder = ({ statement: s }, ctx) => {
  const p = s?.parsed;
  if (p?.kind !== 'alter-table') return null;
  return hintWithCode(
    `SQLite has no ALTER COLUMN and cannot add or drop constraints: Alembic's batch mode recreates ${p.table} with the change (copy, drop, rename).`,
    `with op.batch_alter_table(${py(p.table)}) as batch_op:
${p.actions.map((a) => `    ${batchCall(a, s!.sql, ctx)}`).join('\n')}

# and in env.py, so autogenerate writes batch operations for SQLite:
#     context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)`,
  );
};

export const CHANGE_HINTS: Record<string, HintBuilder> = {
  'rename-column': renameColumn,
  'rename-table': renameTable,
  'drop-column': dropColumn,
  'drop-table': dropTable,
  'update-without-where': updateWithoutWhere,
  'unbatched-backfill': unbatchedBackfill,
  'mixed-schema-and-data': mixedSchemaAndData,
  'irreversible-downgrade': irreversibleDowngrade,
  'sqlite-alter-needs-batch': sqliteAlterNeedsBatch,
};
