import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { resolveConfig } from '../src/config.ts';
import { UserError } from '../src/errors.ts';
import { TOOL_VERSION } from '../src/version.ts';
import { repoRoot } from './support/env.ts';

const dirs: string[] = [];
function project(pyproject?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-config-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'alembic.ini'), '[alembic]\nscript_location = migrations\n');
  if (pyproject !== undefined) writeFileSync(join(dir, 'pyproject.toml'), pyproject);
  return dir;
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

test('defaults: every check, auto database, DATABASE_URL, fail on errors', async () => {
  const c = await resolveConfig({ dir: project() });
  assert.deepEqual(c.checks, ['graph', 'upgrade', 'roundtrip', 'stairway', 'data', 'drift', 'models-registered', 'lint']);
  assert.equal(c.database, 'auto');
  assert.deepEqual(c.envVars, ['DATABASE_URL']);
  assert.equal(c.failOn, 'error');
  assert.equal(c.section, 'alembic');
  assert.equal(c.mode, 'full');
});

test('[tool.alembic-preflight] is read, and flags win over it', async () => {
  const dir = project(`
[tool.alembic-preflight]
database = "sqlite"
env-vars = ["APP_DB", "DATABASE_URL"]
checks = ["upgrade", "stairway"]
fail-on = "warning"
min-downgrade-revision = "abc123"
python = "venv/bin/python"

[tool.alembic-preflight.drift]
ignore-tables = ["legacy_*"]
`);
  const fromFile = await resolveConfig({ dir });
  assert.equal(fromFile.database, 'sqlite');
  assert.deepEqual(fromFile.envVars, ['APP_DB', 'DATABASE_URL']);
  assert.deepEqual(fromFile.checks, ['graph', 'upgrade', 'stairway'], 'graph always runs');
  assert.equal(fromFile.failOn, 'warning');
  assert.equal(fromFile.minDowngradeRevision, 'abc123');
  assert.equal(fromFile.python, join(dir, 'venv/bin/python'), 'a path in pyproject.toml is relative to the project');
  assert.deepEqual(fromFile.drift.ignoreTables, ['legacy_*']);
  const flags = await resolveConfig({ dir, database: 'postgres-local', failOn: 'error', checks: 'lint', python: 'bin/py' }, '/somewhere');
  assert.equal(flags.database, 'postgres-local');
  assert.equal(flags.failOn, 'error');
  assert.deepEqual(flags.checks, ['graph', 'lint']);
  assert.equal(flags.python, '/somewhere/bin/py', 'a path given as a flag is relative to the shell');
});

test('a server URL as --database means postgres-url; other URLs are refused', async () => {
  const dir = project();
  assert.deepEqual((await resolveConfig({ dir, database: 'postgresql+psycopg://u:p@h/db' })).database, { url: 'postgresql+psycopg://u:p@h/db' });
  await assert.rejects(resolveConfig({ dir, database: 'mysql://u:p@h/db' }), /PostgreSQL server URL/);
});

test('bad input names the file or the input at fault', async () => {
  const bad = async (raw: Parameters<typeof resolveConfig>[0], re: RegExp) => {
    const error = await resolveConfig(raw).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof UserError, `expected a UserError for ${JSON.stringify(raw)}`);
    assert.match(`${error.message} ${JSON.stringify(error.where)}`, re);
  };
  await bad({ dir: project('[tool.alembic-preflight]\ncolour = "red"\n') }, /unknown key "colour".*pyproject\.toml/);
  await bad({ dir: project('[tool.alembic-preflight\n') }, /not valid TOML[^]*pyproject\.toml/);
  await bad({ dir: project(), checks: 'upgrade,everything' }, /unknown check "everything"/);
  await bad({ dir: project(), failOn: 'fatal' }, /fail-on must be one of/);
  await bad({ dir: project(), config: 'missing.ini' }, /missing\.ini does not exist/);
  await bad({ dir: join(tmpdir(), 'does-not-exist-preflight') }, /does not exist/);
  await bad({ dir: project(), command: 'drift' }, /live database URL/);
  await bad({ dir: project(), output: '/no/such/dir/report.json' }, /--output .*does not exist/);
  await bad({ dir: project(), sarif: tmpdir() }, /--sarif .* is a directory/);
  await bad({ dir: project(), command: 'drift', databaseUrl: 'sqlite:////tmp/x.db' }, /must be a postgresql:\/\/ URL/);
  await bad({ dir: project(), command: 'drift', databaseUrl: 'postgresql://u@h/db', database: 'sqlite' }, /not sqlite/);
});

test('the version printed is the package version', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  assert.equal(TOOL_VERSION, pkg.version);
});

async function rejects(raw: Parameters<typeof resolveConfig>[0], input: string, message: RegExp): Promise<void> {
  await assert.rejects(resolveConfig(raw), (e: unknown) => {
    assert.ok(e instanceof UserError, String(e));
    assert.match(e.message, message);
    assert.match(e.where.input ?? '', new RegExp(input));
    return true;
  });
}

test('env-vars: PATH, loader and interpreter variables and invalid names are refused, naming the input', async () => {
  const dir = project();
  for (const name of ['PATH', 'LD_PRELOAD', 'PYTHONPATH', 'HOME', 'PGHOST', 'path', 'DYLD_INSERT_LIBRARIES', 'NODE_OPTIONS']) {
    await rejects({ dir, envVars: `DATABASE_URL,${name}` }, '^env-vars$', new RegExp(`refusing to set ${name}`));
    await rejects({ dir, envVars: `${name}={host}` }, '^env-vars$', new RegExp(`refusing to set ${name}`));
  }
  for (const name of ['1ABC', 'A-B', '=B', 'A.B']) {
    await rejects({ dir, envVars: name }, '^env-vars$', /not a valid environment variable name/);
  }
  await rejects({ dir: project('[tool.alembic-preflight]\nenv-vars = ["PATH"]\n') }, 'pyproject.toml env-vars', /refusing to set PATH/);
  assert.deepEqual((await resolveConfig({ dir, envVars: 'APP_DB,_X1' })).envVars, ['APP_DB', '_X1']);
});

test('step-timeout: flag over pyproject over the 10 minute default; bad durations are refused', async () => {
  assert.equal((await resolveConfig({ dir: project() })).stepTimeoutMs, 600_000);
  const dir = project('[tool.alembic-preflight]\nstep-timeout = "90s"\n');
  assert.equal((await resolveConfig({ dir })).stepTimeoutMs, 90_000);
  assert.equal((await resolveConfig({ dir, stepTimeout: '1h' })).stepTimeoutMs, 3_600_000);
  assert.equal((await resolveConfig({ dir, stepTimeout: '0' })).stepTimeoutMs, 0);
  await rejects({ dir, stepTimeout: 'ten minutes' }, '^step-timeout$', /must be a duration/);
  await rejects({ dir, stepTimeout: '5ms' }, '^step-timeout$', /at least 1s/);
});

test('database-url-env / -file: the URL comes from the environment or a file, registered as a secret', async () => {
  const dir = project();
  process.env.PREFLIGHT_TEST_URL = 'postgresql://u:Env-Secret-1@db/postgres';
  const c = await resolveConfig({ dir, databaseUrlEnv: 'PREFLIGHT_TEST_URL' });
  assert.deepEqual(c.database, { url: 'postgresql://u:Env-Secret-1@db/postgres' });
  const { redact } = await import('../src/redact.ts');
  assert.equal(redact('shown Env-Secret-1'), 'shown ***');
  const file = join(dir, 'url.txt');
  writeFileSync(file, 'postgresql://ro:File-Secret-2@live/app\n');
  const d = await resolveConfig({ dir, command: 'drift', databaseUrlFile: file });
  assert.equal(d.liveDatabaseUrl, 'postgresql://ro:File-Secret-2@live/app');
  await rejects({ dir, databaseUrlEnv: 'PREFLIGHT_TEST_UNSET_VAR' }, 'database-url-env', /PREFLIGHT_TEST_UNSET_VAR is not set/);
  await rejects({ dir, databaseUrlEnv: 'PREFLIGHT_TEST_URL', database: 'sqlite' }, 'database-url-env', /give the database once/);
  await rejects({ dir, databaseUrlFile: join(dir, 'missing') }, 'database-url-file', /cannot read/);
  delete process.env.PREFLIGHT_TEST_URL;
});
