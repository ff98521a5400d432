import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { mergeReports } from '../../src/pipeline/dialects.ts';
import { postgresEvidence } from '../../src/pipeline/targets-postgres.ts';
import type { Finding, Report } from '../../src/report/model.ts';
import { tempDir } from '../driver/temp-project.ts';

function report(dialect: 'sqlite' | 'postgresql', findings: Finding[], reason?: string): Report {
  return {
    version: 1, tool: { name: 'alembic-preflight', version: '0' }, mode: 'full', projectDir: '.', status: 'passed', durationMs: 10,
    environment: { database: { provider: dialect === 'sqlite' ? 'sqlite' : 'postgres-local', dialect, serverVersion: '1' } },
    checks: [{ id: 'stairway', status: findings.length ? 'failed' : 'passed', durationMs: 5, findings, ...(reason ? { reason } : {}) }],
    revisions: [], newRevisions: [], migrations: [], schemaDiff: [], counts: { error: 0, warning: 0, notice: 0 },
  } as unknown as Report;
}

const leftover: Finding = { code: 'stairway/downgrade-leaves-trace', severity: 'error', message: 'the downgrade of a1 leaves x', revision: 'a1' };
const enumOnly: Finding = { code: 'stairway/reupgrade-failed', severity: 'error', message: 'type exists', revision: 'a1' };

test('merged: one finding per cause, tagged with the dialects it holds on when not all; worst status; counts', () => {
  const merged = mergeReports([report('sqlite', [leftover], 'same'), report('postgresql', [leftover, enumOnly], 'same')], (m) => (m.counts.error ? 'failed' : 'passed'));
  const stairway = merged.checks.find((c) => c.id === 'stairway')!;
  assert.equal(stairway.findings.length, 2);
  assert.equal(stairway.findings[0]!.dialects, undefined, 'on both: no tag');
  assert.deepEqual(stairway.findings[1]!.dialects, ['postgresql']);
  assert.equal(stairway.status, 'failed');
  assert.equal(stairway.reason, 'same', 'a reason said once when every database gives it');
  assert.equal(merged.counts.error, 2);
  assert.equal(merged.status, 'failed');
  assert.deepEqual(merged.environment.databases?.map((d) => d.dialect), ['sqlite', 'postgresql']);
  assert.equal(merged.environment.database?.dialect, 'sqlite');
});

test('postgresEvidence: dependency files, env.py and settings name PostgreSQL; comments in alembic.ini and other projects do not', () => {
  const dir = tempDir('preflight-evidence-');
  writeFileSync(join(dir, 'alembic.ini'), '[alembic]\n# sqlalchemy.url = postgresql://x@y/z\nsqlalchemy.url = sqlite:///app.db\n');
  mkdirSync(join(dir, 'migrations'));
  writeFileSync(join(dir, 'migrations', 'env.py'), 'from alembic import context\n');
  assert.equal(postgresEvidence(dir, join(dir, 'migrations', 'env.py'), join(dir, 'alembic.ini')), null);
  mkdirSync(join(dir, '.venv', 'lib'), { recursive: true });
  writeFileSync(join(dir, '.venv', 'lib', 'settings.py'), 'URL = "postgresql://a@b/c"\n');
  assert.equal(postgresEvidence(dir, null, null), null, 'a virtualenv is not the project');
  mkdirSync(join(dir, 'app', 'core'), { recursive: true });
  writeFileSync(join(dir, 'app', 'core', 'config.py'), 'DATABASE_URL = "postgresql+asyncpg://app@db/app"\n');
  assert.match(postgresEvidence(dir, null, null) ?? '', /app\/core\/config\.py names postgresql\+asyncpg/);
  writeFileSync(join(dir, 'requirements.txt'), 'alembic\npsycopg2-binary==2.9\n');
  assert.match(postgresEvidence(dir, null, null) ?? '', /names psycopg2-binary|names postgresql/);
});

test('postgresEvidence: comment lines and example env files do not count', () => {
  const dir = tempDir('preflight-evidence-comments-');
  writeFileSync(join(dir, 'settings.py'), '# pip install psycopg2 for production\nDATABASE_URL = "sqlite:///app.db"\n');
  writeFileSync(join(dir, '.env.example'), 'DATABASE_URL=postgresql://user:pass@db/app\n');
  writeFileSync(join(dir, 'requirements.txt'), 'alembic\n# psycopg2-binary  (only on the server)\n');
  assert.equal(postgresEvidence(dir, null, null), null);
  writeFileSync(join(dir, '.env'), 'DATABASE_URL=postgresql://user:pass@db/app\n');
  assert.match(postgresEvidence(dir, null, null) ?? '', /^\.env names postgresql/);
});
