import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../src/errors.ts';
import { parseLintConfig, parseServerVersion } from '../../src/lint/config.ts';

const FILE = '/project/pyproject.toml';

test('reads rule severities, start-after and target-server-version', () => {
  const config = parseLintConfig(
    { rules: { 'drop-column': 'error', 'json-column': 'off' }, 'start-after': 'abc123', 'target-server-version': '12' },
    FILE,
  );
  assert.deepEqual(config, { rules: { 'drop-column': 'error', 'json-column': 'off' }, startAfter: 'abc123', targetServerVersion: 120000 });
  assert.deepEqual(parseLintConfig({}, FILE), { rules: {} });
  assert.deepEqual(parseLintConfig(undefined, FILE), { rules: {} });
});

function rejects(raw: unknown, pattern: RegExp) {
  assert.throws(
    () => parseLintConfig(raw, FILE),
    (e: unknown) => e instanceof UserError && pattern.test(e.message) && e.where.file === FILE,
  );
}

test('unknown keys, unknown rules and bad severities are user errors naming the key and the file', () => {
  rejects({ 'start-afterr': 'x' }, /unknown key "start-afterr" in \[tool\.alembic-preflight\.lint\]/);
  rejects({ 'drop-column': 'off' }, /unknown key "drop-column".*lint\.rules/);
  rejects({ rules: { 'drop-colum': 'off' } }, /unknown lint rule "drop-colum"/);
  rejects({ rules: { 'drop-column': 'fatal' } }, /drop-column must be one of error, warning, notice, off, not "fatal"/);
  rejects({ rules: ['drop-column'] }, /rules must be a table/);
  rejects({ 'start-after': '' }, /start-after must be a revision id/);
  rejects({ 'target-server-version': 'latest' }, /target-server-version must be a PostgreSQL version/);
  rejects('x', /must be a table/);
});

test('server versions in every spelling', () => {
  assert.equal(parseServerVersion('12'), 120000);
  assert.equal(parseServerVersion('12.4'), 120004);
  assert.equal(parseServerVersion('9.6'), 90600);
  assert.equal(parseServerVersion(11), 110000);
  assert.equal(parseServerVersion(110005), 110005);
  assert.equal(parseServerVersion('17beta1'), null);
  assert.equal(parseServerVersion(3), null);
});
