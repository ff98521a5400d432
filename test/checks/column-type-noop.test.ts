// ALTER COLUMN ... TYPE to the type the column already has is not a type change: no "varchar(256) to varchar(256)"
// notice; for an enum (optuna's `trialstate to trialstate`), one notice saying it added no label, with the ALTER TYPE
// to write. A real type change on the same project is still reported. Real CLI runs on PostgreSQL.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { check, runCli } from '../support/cli.ts';
import { fixture, venvPython } from '../support/env.ts';
import { migration, removeAll, writeProject } from '../driver/temp-project.ts';

after(removeAll);

const lint = async (dir: string) => {
  const r = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(), '--checks', 'graph,upgrade,lint', '--format', 'json']);
  assert.ok(r.report, r.stderr);
  return check(r.report, 'lint').findings.filter((f) => f.code === 'column-type-change');
};

test('a same-type ALTER of a varchar column says nothing; a real change beside it still does', async () => {
  const dir = writeProject({
    versions: {
      'a1_users.py': migration('a1', null, [
        'op.create_table("users", sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(256)),',
        '    sa.Column("age", sa.Integer))',
      ], ['op.drop_table("users")']),
      // What autogenerate-style code often does when only nullability changes: type_ restated.
      'b2_email.py': migration('b2', 'a1', [
        'op.alter_column("users", "email", existing_type=sa.String(256), type_=sa.String(256), nullable=False)',
        'op.alter_column("users", "age", existing_type=sa.Integer(), type_=sa.BigInteger())',
      ], ['op.alter_column("users", "age", type_=sa.Integer())', 'op.alter_column("users", "email", nullable=True)']),
    },
  });
  const findings = await lint(dir);
  const messages = findings.map((f) => f.message);
  assert.ok(!messages.some((m) => /email/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => /users\.age from integer to bigint/.test(m)), messages.join('\n'));
});

test('a same-type ALTER of an enum column says it added no label, with the ALTER TYPE to write', async () => {
  const findings = await lint(fixture('enum-labels'));
  assert.equal(findings.length, 1, JSON.stringify(findings, null, 1));
  const f = findings[0]!;
  assert.equal(f.severity, 'notice');
  assert.doesNotMatch(f.message, /from order_status to order_status/);
  assert.match(f.message, /changes nothing.*added none.*ALTER TYPE order_status ADD VALUE/);
  assert.match(f.hint ?? '', /op\.execute\("ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'new_label'"\)/);
  assert.doesNotMatch(f.hint ?? '', /Expand and contract/);
});
