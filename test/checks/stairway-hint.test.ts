// A stairway leftover's hint fits the leftover: NOT NULL not restored → alter_column(nullable=False), a unique
// constraint left → drop_constraint, an enum and an index left → their drops, a type not restored → the old type;
// never the stock enum/index/sequence sentence on a finding that has none of them. Real CLI runs on temp projects.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { stairwayHint } from '../../src/checks/stairway-hint.ts';
import { check, runCli } from '../support/cli.ts';
import { venvPython } from '../support/env.ts';
import { migration, removeAll, writeProject } from '../driver/temp-project.ts';

after(removeAll);

const create = migration('a1', null, [
  'op.create_table("users", sa.Column("id", sa.Integer, primary_key=True),',
  '    sa.Column("email", sa.String(100), nullable=False), sa.Column("name", sa.String(50)))',
], ['op.drop_table("users")']);

async function hints(versions: Record<string, string>, database: string): Promise<Map<string, string>> {
  const dir = writeProject({ versions: { 'a1_users.py': create, ...versions } });
  const r = await runCli(['check', dir, '--database', database, '--python', venvPython(), '--checks', 'graph,upgrade,stairway', '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const found = check(r.report!, 'stairway').findings.filter((f) => f.code === 'stairway/downgrade-leaves-trace');
  return new Map(found.map((f) => [f.revision!, f.hint ?? '']));
}

test('PostgreSQL: each leftover gets the downgrade code that undoes it, and nothing else', async () => {
  const h = await hints({
    'b2_relax.py': migration('b2', 'a1', [
      'op.alter_column("users", "email", existing_type=sa.String(100), nullable=True)',
      'op.create_unique_constraint("uq_users_name", "users", ["name"])',
    ], ['pass']),
    'c3_status.py': migration('c3', 'b2', [
      'status = sa.Enum("active", "gone", name="user_status")',
      'status.create(op.get_bind(), checkfirst=True)',
      'op.add_column("users", sa.Column("status", status))',
      'op.create_index("ix_users_name", "users", ["name"])',
    ], ['op.drop_column("users", "status")']),
    'd4_widen.py': migration('d4', 'c3', [
      'op.alter_column("users", "email", existing_type=sa.String(100), type_=sa.String(200))',
    ], ['pass']),
  }, 'postgres-local');
  const b2 = h.get('b2') ?? '';
  assert.match(b2, /op\.alter_column\("users", "email", nullable=False\)/);
  assert.match(b2, /op\.drop_constraint\("uq_users_name", "users", type_="unique"\)/);
  assert.doesNotMatch(b2, /Enum|SEQUENCE|drop_index/, b2);
  const c3 = h.get('c3') ?? '';
  assert.match(c3, /sa\.Enum\(name="user_status"\)\.drop\(op\.get_bind\(\), checkfirst=True\)/);
  assert.match(c3, /op\.drop_index\("ix_users_name", table_name="users"\)/);
  assert.doesNotMatch(c3, /SEQUENCE|alter_column|drop_constraint/, c3);
  const d4 = h.get('d4') ?? '';
  assert.match(d4, /op\.alter_column\("users", "email", type_=sa\.String\(length=100\)\)/);
  assert.doesNotMatch(d4, /Enum|SEQUENCE|drop_index/, d4);
});

test('SQLite: NOT NULL not restored is put back in batch mode', async () => {
  const h = await hints({
    'b2_relax.py': migration('b2', 'a1', [
      'with op.batch_alter_table("users") as batch_op:',
      '    batch_op.alter_column("email", existing_type=sa.String(100), nullable=True)',
    ], ['pass']),
  }, 'sqlite');
  const b2 = h.get('b2') ?? '';
  assert.match(b2, /with op\.batch_alter_table\("users"\) as batch_op:\n {4}batch_op\.alter_column\("email", nullable=False\)/);
  assert.doesNotMatch(b2, /Enum|SEQUENCE|drop_index/, b2);
});

test('objects the downgrade removed that predate the upgrade are named, not given a drop', () => {
  const hint = stairwayHint([
    { change: 'removed', kind: 'index', key: 'public.users.ix_users_email', object: {} },
    { change: 'added', kind: 'sequence', key: 'public.invoice_number_seq', object: {} },
  ]);
  assert.match(hint, /op\.execute\("DROP SEQUENCE IF EXISTS invoice_number_seq"\)/);
  assert.match(hint, /removes what existed before upgrade\(\) ran \(index public\.users\.ix_users_email\)/);
});
