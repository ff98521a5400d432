// models-registered must not run the application: the model package is read with ast, and only modules that define
// tables are imported. A wsgi.py that builds the app and connects is never run; a model module that fails to import
// (a refused connection included) is that check's error, naming the module, and every other result is kept.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { check, runCli } from '../support/cli.ts';
import { hasOldVenv, venvPython } from '../support/env.ts';
import { migration, removeAll, SYNC_ENV, writeProject } from '../driver/temp-project.ts';

after(removeAll);

const ENV = SYNC_ENV.replace('target_metadata = None', 'from shop.models import Base\ntarget_metadata = Base.metadata');

const MODEL = (cls: string, table: string) => [
  'import sqlalchemy as sa',
  'from shop.db import Base',
  '',
  '',
  `class ${cls}(Base):`,
  `    __tablename__ = "${table}"`,
  '    id = sa.Column(sa.Integer, primary_key=True)',
  '',
].join('\n');

/** What a Flask/FastAPI entry point does at import: build the app, connect to the production database. */
const WSGI = [
  'import os',
  '',
  'import sqlalchemy as sa',
  '',
  'open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "wsgi-ran"), "w").write("the app was built")',
  'engine = sa.create_engine("postgresql+psycopg2://app:prod-pw@db.internal:5432/production")',
  'engine.connect()',
  '',
].join('\n');

function project(files: Record<string, string>): string {
  return writeProject({
    env: ENV,
    versions: { 'a1_users.py': migration('a1', null, ['op.create_table("users", sa.Column("id", sa.Integer, primary_key=True))'], ['op.drop_table("users")']) },
    files: {
      'shop/__init__.py': '',
      'shop/db.py': 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n',
      'shop/models.py': MODEL('User', 'users'),
      ...files,
    },
  });
}

const run = (dir: string, python = venvPython()) =>
  runCli(['check', dir, '--database', 'sqlite', '--python', python, '--checks', 'graph,upgrade,stairway,drift,models-registered', '--format', 'json']);

for (const which of ['latest', 'old'] as const) {
  test(`a wsgi.py beside the models is never run; the unimported model module is still found (${which})`, async (t) => {
    if (which === 'old' && !hasOldVenv()) return t.skip('no .venv-old');
    const dir = project({ 'shop/audit.py': MODEL('AuditEntry', 'audit_entries'), 'shop/wsgi.py': WSGI });
    const r = await run(dir, venvPython(which));
    assert.equal(r.code, 1, r.stderr);
    assert.equal(existsSync(join(dir, 'wsgi-ran')), false, 'shop/wsgi.py was executed');
    assert.doesNotMatch(r.stderr, /refused/);
    // Every check finished: the run was not cut short by the application's import.
    for (const id of ['graph', 'upgrade', 'stairway', 'drift']) assert.equal(check(r.report!, id).status, 'passed', id);
    const reg = check(r.report!, 'models-registered');
    assert.equal(reg.status, 'failed');
    assert.deepEqual(reg.findings.map((f) => f.code), ['models-registered/not-imported']);
    assert.match(reg.findings[0]!.message, /`audit_entries` is defined in shop\.audit/);
    assert.match(reg.reason ?? '', /without tables not run \(shop\.wsgi\)/);
  });
}

test('a model module that fails to import is this check\'s error, naming it; the run and the other results go on', async () => {
  const dir = project({
    'shop/reports.py': `${MODEL('Report', 'reports')}\nraise RuntimeError("REPORTS_BUCKET is not set")\n`,
    // A model module that connects at import: the guard refuses it, and the refusal is this module's, not env.py's.
    'shop/legacy.py': `${MODEL('Legacy', 'legacy')}\nsa.create_engine("postgresql+psycopg2://app:prod-pw@db.internal:5432/production").connect()\n`,
  });
  const r = await run(dir);
  assert.equal(r.code, 1, r.stderr);
  for (const id of ['graph', 'upgrade', 'stairway', 'drift']) assert.equal(check(r.report!, id).status, 'passed', id);
  const reg = check(r.report!, 'models-registered');
  assert.equal(reg.status, 'error');
  assert.match(reg.reason ?? '', /could not import shop\.legacy, shop\.reports/);
  const errors = reg.findings.filter((f) => f.code === 'models-registered/import-error');
  assert.deepEqual(errors.map((f) => f.severity), ['error', 'error']);
  assert.match(errors.find((f) => /shop\.reports/.test(f.message))!.message, /RuntimeError: REPORTS_BUCKET is not set/);
  assert.match(errors.find((f) => /shop\.legacy/.test(f.message))!.message, /refused to connect/);
  assert.doesNotMatch(JSON.stringify(r.report), /prod-pw/);
});

test('env.py failing in the drift run (process_revision_directives raising) is an error for both checks it serves', async () => {
  const env = ENV.replace('context.configure(connection=connection, target_metadata=target_metadata)',
    'context.configure(connection=connection, target_metadata=target_metadata, process_revision_directives=fail)')
    .replace('def run_migrations_online():', 'def fail(context, revision, directives):\n    raise RuntimeError("no autogenerate here")\n\n\ndef run_migrations_online():');
  const dir = writeProject({
    env,
    versions: { 'a1_users.py': migration('a1', null, ['op.create_table("users", sa.Column("id", sa.Integer, primary_key=True))'], ['op.drop_table("users")']) },
    files: { 'shop/__init__.py': '', 'shop/db.py': 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n', 'shop/models.py': MODEL('User', 'users') },
  });
  const r = await run(dir);
  assert.equal(r.code, 1, r.stderr);
  for (const id of ['graph', 'upgrade', 'stairway']) assert.equal(check(r.report!, id).status, 'passed', id);
  for (const id of ['drift', 'models-registered']) {
    const c = check(r.report!, id);
    assert.equal(c.status, 'error', id);
    assert.match(c.reason ?? '', /no autogenerate here/);
    assert.equal(c.findings[0]?.code, `${id}/error`);
  }
});
