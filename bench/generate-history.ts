// Generates a synthetic Alembic project with a long history (tables, columns, indexes, foreign keys, enums, data
// updates) for PostgreSQL or SQLite, fully reversible unless asked for broken revisions, whose models match head:
// the benchmark's input. env.py takes pytest-alembic's connection from config.attributes, as its docs ask.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Column { name: string; type: string; fk?: string; enumName?: string; enumValues?: string[] }
interface Table { name: string; columns: Column[]; indexes: { name: string; column: string }[] }

const ENV_PY = `import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlalchemy.engine import Connection

from models import metadata

config = context.config
if os.environ.get("DATABASE_URL"):
    config.set_main_option("sqlalchemy.url", os.environ["DATABASE_URL"].replace("%", "%%"))
target_metadata = metadata


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    # pytest-alembic puts its Engine here (its docs' env.py: "connectable = config.attributes.get('connection')"),
    # or, in its experimental tests, a wrapper around its Connection; a caller may put a Connection.
    connectable = config.attributes.get("connection")
    if isinstance(connectable, Connection):
        context.configure(connection=connectable, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    if connectable is None:
        connectable = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                         poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
`;

const INI = `[alembic]
script_location = migrations
prepend_sys_path = .
sqlalchemy.url = postgresql+psycopg2://app:placeholder@localhost:5432/app
`;

function revId(i: number): string {
  return (0x100000000000 + i * 7919).toString(16).slice(-12);
}

function colSql(c: Column): string {
  const base = c.type === 'enum' ? `sa.Enum(${c.enumValues!.map((v) => `"${v}"`).join(', ')}, name="${c.enumName}")` : c.type;
  return `sa.Column("${c.name}", ${base}${c.fk ? `, sa.ForeignKey("${c.fk}", name="fk_${c.fk.split('.')[0]}_${c.name}")` : ''}, nullable=True)`;
}

export interface HistoryOptions {
  dialect?: 'postgresql' | 'sqlite';
  /** Revisions whose downgrade is broken, spread evenly: alternately one that raises (rolled back whole) and one
   * that forgets its index (the upgrade after it fails). */
  broken?: number;
}

export function generateHistory(dir: string, revisions: number, opts: HistoryOptions = {}): { dir: string; head: string } {
  const sqlite = opts.dialect === 'sqlite';
  const broken = new Map<number, 'raises' | 'forgets'>();
  for (let k = 0; k < (opts.broken ?? 0); k++) {
    broken.set(Math.floor(((k + 0.5) * revisions) / (opts.broken ?? 1)), k % 2 === 0 ? 'raises' : 'forgets');
  }
  mkdirSync(join(dir, 'migrations', 'versions'), { recursive: true });
  writeFileSync(join(dir, 'alembic.ini'), sqlite ? INI.replace(/^sqlalchemy\.url = .*$/m, `sqlalchemy.url = sqlite:///${join(dir, 'app.db')}`) : INI);
  writeFileSync(join(dir, 'migrations', 'env.py'), ENV_PY);
  writeFileSync(join(dir, 'migrations', 'script.py.mako'), '');
  const tables: Table[] = [];
  let down: string | null = null;
  for (let i = 0; i < revisions; i++) {
    const id = revId(i);
    let up: string[] = [];
    let dn: string[] = [];
    const kind = tables.length === 0 ? 0 : i % 6;
    const t = tables[(i * 3) % Math.max(tables.length, 1)];
    if (kind === 0 || !t) {
      const name = `t${tables.length}`;
      tables.push({ name, columns: [{ name: 'name', type: 'sa.String(100)' }, { name: 'created_at', type: 'sa.DateTime(timezone=True)' }], indexes: [] });
      up = [`op.create_table("${name}", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(100), nullable=True), sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))`];
      dn = [`op.drop_table("${name}")`];
    } else if (kind === 1) {
      const c: Column = { name: `c${i}`, type: 'sa.Integer()' };
      t.columns.push(c);
      up = [`op.add_column("${t.name}", ${colSql(c)})`];
      dn = [`op.drop_column("${t.name}", "${c.name}")`];
    } else if (kind === 2) {
      const c = t.columns[t.columns.length - 1]!;
      const name = `ix_${t.name}_${c.name}_${i}`;
      t.indexes.push({ name, column: c.name });
      up = [`op.create_index("${name}", "${t.name}", ["${c.name}"])`];
      dn = [`op.drop_index("${name}", table_name="${t.name}")`];
    } else if (kind === 3) {
      const ref = tables[0]!;
      const c: Column = { name: `${ref.name}_id_${i}`, type: 'sa.Integer()', fk: `${ref.name}.id` };
      t.columns.push(c);
      up = sqlite ? [
        // SQLite cannot ALTER a constraint in: batch mode copies the table.
        `with op.batch_alter_table("${t.name}") as b:`,
        `    b.add_column(sa.Column("${c.name}", sa.Integer(), nullable=True))`,
        `    b.create_foreign_key("fk_${ref.name}_${c.name}", "${ref.name}", ["${c.name}"], ["id"])`,
      ] : [
        `op.add_column("${t.name}", sa.Column("${c.name}", sa.Integer(), nullable=True))`,
        `op.create_foreign_key("fk_${ref.name}_${c.name}", "${t.name}", "${ref.name}", ["${c.name}"], ["id"])`,
      ];
      dn = sqlite ? [
        `with op.batch_alter_table("${t.name}") as b:`,
        `    b.drop_constraint("fk_${ref.name}_${c.name}", type_="foreignkey")`,
        `    b.drop_column("${c.name}")`,
      ] : [`op.drop_constraint("fk_${ref.name}_${c.name}", "${t.name}", type_="foreignkey")`, `op.drop_column("${t.name}", "${c.name}")`];
    } else if (kind === 4) {
      const c: Column = { name: `status${i}`, type: 'enum', enumName: `status_${i}`, enumValues: ['new', 'active', 'done'] };
      t.columns.push(c);
      // add_column does not create the type (create_table would): create it first, as autogenerate users must.
      up = [`sa.Enum(${c.enumValues!.map((v) => `"${v}"`).join(', ')}, name="${c.enumName}").create(op.get_bind(), checkfirst=False)`, `op.add_column("${t.name}", ${colSql(c)})`];
      dn = [`op.drop_column("${t.name}", "${c.name}")`, `sa.Enum(name="${c.enumName}").drop(op.get_bind(), checkfirst=False)`];
    } else {
      up = [`op.execute("UPDATE ${t.name} SET name = 'n' || CAST(id AS TEXT) WHERE name IS NULL")`];
      dn = [`op.execute("UPDATE ${t.name} SET name = NULL WHERE name = 'n' || CAST(id AS TEXT)")`];
    }
    const breaks = broken.get(i);
    if (breaks === 'raises') dn = ['raise RuntimeError("this downgrade is broken")'];
    if (breaks === 'forgets') {
      const ix = `ix_broken_${i}`;
      const on = tables[0]!;
      up = [...up, `op.create_index("${ix}", "${on.name}", ["name"])`];
      on.indexes.push({ name: ix, column: 'name' });
    }
    const body = `"""revision ${i}

Revision ID: ${id}
Revises: ${down ?? ''}
"""
from alembic import op
import sqlalchemy as sa

revision = "${id}"
down_revision = ${down ? `"${down}"` : 'None'}
branch_labels = None
depends_on = None


def upgrade():
${up.map((l) => `    ${l}`).join('\n')}


def downgrade():
${dn.map((l) => `    ${l}`).join('\n')}
`;
    writeFileSync(join(dir, 'migrations', 'versions', `${String(i).padStart(4, '0')}_${id}.py`), body);
    down = id;
  }
  const models = [
    'import sqlalchemy as sa',
    '',
    'metadata = sa.MetaData()',
    '',
    ...tables.map((t) => [
      `${t.name} = sa.Table(`,
      `    "${t.name}", metadata,`,
      `    sa.Column("id", sa.Integer(), primary_key=True),`,
      ...t.columns.map((c) => `    ${colSql(c)},`),
      ...t.indexes.map((ix) => `    sa.Index("${ix.name}", "${ix.column}"),`),
      ')',
      '',
    ].join('\n')),
  ].join('\n');
  writeFileSync(join(dir, 'models.py'), models);
  return { dir, head: down! };
}
