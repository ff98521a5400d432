// [tool.alembic-preflight.data] read and validated (src/config-data.ts): what a section becomes, the data check it
// turns on, and every malformed section refused with a UserError naming the file and the key.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { resolveConfig } from '../src/config.ts';
import { resolveDataRevisions } from '../src/config-data.ts';
import { UserError } from '../src/errors.ts';

const dirs: string[] = [];
function project(pyproject: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-config-data-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'alembic.ini'), '[alembic]\nscript_location = migrations\n');
  mkdirSync(join(dir, 'tests'));
  writeFileSync(join(dir, 'tests', 'seed.sql'), "INSERT INTO users (id) VALUES (1);\n");
  writeFileSync(join(dir, 'tests', 'check.sql'), 'SELECT id FROM users WHERE id > 1\n');
  writeFileSync(join(dir, 'tests', 'data.py'), 'def seed(connection):\n    pass\n\n\ndef check_users(connection):\n    pass\n\n\nasync def check_async(connection):\n    pass\n');
  writeFileSync(join(dir, 'pyproject.toml'), pyproject);
  return dir;
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('a section: files resolved from the pyproject directory, Python functions named or defaulted, inline queries', async () => {
  const dir = project(`
[tool.alembic-preflight.data.revisions."ab12"]
seed = ["tests/seed.sql", "tests/data.py"]
assert = ["tests/check.sql", "tests/data.py:check_users", "SELECT 1 WHERE 1 = 0"]
`);
  const c = await resolveConfig({ dir });
  assert.ok(c.checks.includes('data'), 'the section asks for the data check');
  assert.equal(c.data?.generate, false);
  const spec = c.data!.revisions.ab12!;
  assert.deepEqual(spec.seed.map((s) => [s.kind, s.name, s.function]), [['sql', 'tests/seed.sql', undefined], ['python', 'tests/data.py:seed', 'seed']]);
  assert.equal(spec.seed[0]!.path, join(dir, 'tests', 'seed.sql'));
  assert.match(spec.seed[0]!.sql ?? '', /INSERT INTO users/);
  assert.deepEqual(spec.assert.map((s) => [s.kind, s.name]), [
    ['sql', 'tests/check.sql'], ['python', 'tests/data.py:check_users'], ['sql', 'SELECT 1 WHERE 1 = 0'],
  ]);
  // Full ids from a unique prefix, as Alembic takes them.
  assert.deepEqual(Object.keys(resolveDataRevisions(c.data!, ['ab12cd34ef56', 'ff00']).revisions), ['ab12cd34ef56']);
});

test('rows written in pyproject.toml: one seed per table, ahead of the seed files; dates as ISO text, tables as JSON', async () => {
  const dir = project(`
[tool.alembic-preflight.data.revisions."ab12"]
seed = ["tests/seed.sql"]
rows = { users = [{ id = 1, joined = 2024-05-01T10:00:00Z, prefs = { dark = true } }, { id = 2 }], "app.roles" = [{ name = "admin" }] }
`);
  const c = await resolveConfig({ dir });
  assert.equal(c.data?.shownFile, 'pyproject.toml');
  assert.deepEqual(c.data!.revisions.ab12!.seed.map((s) => [s.kind, s.name, s.table, s.rows]), [
    ['rows', 'rows of users (2)', 'users', [{ id: 1, joined: '2024-05-01T10:00:00.000Z', prefs: '{"dark":true}' }, { id: 2 }]],
    ['rows', 'rows of app.roles (1)', 'app.roles', [{ name: 'admin' }]],
    ['sql', 'tests/seed.sql', undefined, undefined],
  ]);
});

test('--checks without data leaves it off; drift mode is not changed; on by default, with or without a section', async () => {
  const dir = project('[tool.alembic-preflight.data.revisions."ab12"]\nassert = ["tests/check.sql"]\n');
  assert.ok(!(await resolveConfig({ dir, checks: 'upgrade,stairway' })).checks.includes('data'));
  assert.ok((await resolveConfig({ dir, checks: 'upgrade,data' })).checks.includes('data'));
  assert.ok(!(await resolveConfig({ dir, command: 'drift', databaseUrl: 'postgresql://u@h/db' })).checks.includes('data'));
  assert.ok((await resolveConfig({ dir: project('[tool.alembic-preflight]\nname = "alembic"\n') })).checks.includes('data'));
  assert.ok((await resolveConfig({ dir: project('[tool.alembic-preflight.data]\ngenerate = true\n') })).checks.includes('data'));
});

const BAD: [string, string, RegExp][] = [
  ['[tool.alembic-preflight.data]\nseeds = 1\n', 'unknown key', /unknown key "seeds" in \[tool\.alembic-preflight\.data\] \(known: generate, revisions\)/],
  ['[tool.alembic-preflight.data]\ngenerate = "yes"\n', 'generate', /generate must be true or false/],
  ['[tool.alembic-preflight.data.revisions."ab12"]\nassert = ["tests/nowhere.sql"]\n', 'missing file', /\[tool\.alembic-preflight\.data\.revisions\."ab12"\] assert: file tests\/nowhere\.sql does not exist/],
  ['[tool.alembic-preflight.data.revisions."ab12"]\nseed = ["tests/data.py:nope"]\n', 'missing function', /seed: tests\/data\.py defines no function nope\(connection\)/],
  ['[tool.alembic-preflight.data.revisions."ab12"]\nassert = ["tests/data.py:check_async"]\n', 'async function', /tests\/data\.py: check_async is async; .* make it a plain def/],
  ['[tool.alembic-preflight.data.revisions."ab12"]\nassert = ["tests/data.py"]\n', 'no check()', /tests\/data\.py defines no function check\(connection\)/],
  ['[tool.alembic-preflight.data.revisions."ab12"]\nseed = ["INSERT INTO users VALUES (1)"]\n', 'inline seed', /seed: "INSERT INTO users VALUES \(1\)" is not a \.sql or \.py file$/],
  ['[tool.alembic-preflight.data.revisions."ab12"]\nassert = ["DELETE FROM users"]\n', 'not a query', /is not a \.sql or \.py file nor a SELECT query/],
  ['[tool.alembic-preflight.data.revisions."ab12"]\nassert = [1]\n', 'not strings', /assert must be a string or a list of strings/],
  ['[tool.alembic-preflight.data.revisions."ab12"]\nrow = []\n', 'unknown revision key', /unknown key "row" in \[tool\.alembic-preflight\.data\.revisions\."ab12"\] \(known: seed, assert, rows\)/],
  ['[tool.alembic-preflight.data]\nrevisions = ["ab12"]\n', 'revisions not a table', /must be a table of revisions/],
  ['[tool.alembic-preflight.data.revisions."ab12"]\nrows = { users = { id = 1 } }\n', 'rows not a list', /rows\.users must be a list of rows \(tables\)/],
  ['[tool.alembic-preflight.data.revisions."ab12"]\nrows = ["users"]\n', 'rows not a table', /rows must be a table of tables/],
];
for (const [pyproject, what, message] of BAD) {
  test(`refused: ${what}`, async () => {
    const dir = project(pyproject);
    await assert.rejects(resolveConfig({ dir }), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.match(error.message, message);
      assert.equal(error.where.file, join(dir, 'pyproject.toml'));
      return true;
    });
  });
}

test('revision ids: unknown and ambiguous ones refused, naming the key and the file', async () => {
  const c = await resolveConfig({ dir: project('[tool.alembic-preflight.data.revisions."ab"]\nassert = ["tests/check.sql"]\n') });
  assert.throws(() => resolveDataRevisions(c.data!, ['cd12']), /\[tool\.alembic-preflight\.data\.revisions\."ab"\]: no revision "ab" in this project/);
  assert.throws(() => resolveDataRevisions(c.data!, ['ab12', 'ab34']), /"ab" names several revisions \(ab12, ab34\)/);
});
