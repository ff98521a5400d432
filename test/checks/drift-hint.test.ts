// Drift hints on SQLite: autogenerate's op.alter_column becomes batch mode, and now() (which SQLite rejects)
// becomes CURRENT_TIMESTAMP; PostgreSQL keeps autogenerate's code and SQL as they are.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { driftResult, forSqlite } from '../../src/checks/drift.ts';

const item = (code: string, sql: string) => ({ kind: 'modify_type', table: 'posts', message: 'm', code, sql, sqlError: null });

test('SQLite: batch mode instead of ALTER COLUMN ... TYPE, CURRENT_TIMESTAMP instead of now()', () => {
  assert.equal(
    forSqlite("op.alter_column('posts', 'title', existing_type=sa.VARCHAR(length=20), type_=sa.Text())"),
    "with op.batch_alter_table('posts') as batch_op:\n    batch_op.alter_column('title', existing_type=sa.VARCHAR(length=20), type_=sa.Text())",
  );
  assert.equal(forSqlite("op.add_column('posts', sa.Column('at', sa.DateTime(), server_default=sa.text('now()')))"),
    "op.add_column('posts', sa.Column('at', sa.DateTime(), server_default=sa.text(\"(CURRENT_TIMESTAMP)\")))");
  const drift = { hasMetadata: true, items: [item("op.alter_column('posts', 'title', type_=sa.Text())", 'ALTER TABLE posts ALTER COLUMN title TYPE TEXT')], notes: [] };
  const sqlite = driftResult(drift as never, 'migrations/env.py', 1, 'sqlite').findings[0]!;
  assert.doesNotMatch(sqlite.hint!, /ALTER COLUMN title TYPE/);
  assert.match(sqlite.hint!, /batch_op\.alter_column\('title', type_=sa\.Text\(\)\)/);
  assert.match(sqlite.hint!, /SQLite has no ALTER COLUMN/);
  const pg = driftResult(drift as never, 'migrations/env.py', 1, 'postgresql').findings[0]!;
  assert.match(pg.hint!, /It would run:\n\n```sql\nALTER TABLE posts ALTER COLUMN title TYPE TEXT/);
  assert.equal(driftResult(drift as never, undefined, 1).reason, '1 difference between the models and the migrated database');
});
