import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { lintSql, MIGRATION_FILE } from '../lint-input.ts';

const RULE = 'ignore-without-reason';
const project = mkdtempSync(join(tmpdir(), 'lint-reasons-'));
after(() => rmSync(project, { recursive: true, force: true }));

test('an ignore without a reason still silences, and is reported at the directive', () => {
  const path = join(project, MIGRATION_FILE);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, [...Array.from({ length: 9 }, () => ''), '    op.drop_column("users", "x")  # preflight: ignore[drop-column]'].join('\n'));
  const findings = lintSql(['ALTER TABLE users DROP COLUMN x'], { projectDir: project });
  assert.equal(findings.filter((f) => f.code === 'drop-column').length, 0);
  const [f] = findings.filter((x) => x.code === RULE);
  assert.equal(f?.line, 10);
  assert.equal(f?.file, MIGRATION_FILE);
});

test('SQL-comment ignores need a reason too', () => {
  const findings = lintSql(['-- preflight: ignore update-without-where\nUPDATE flags SET on = true']);
  assert.equal(findings.filter((f) => f.code === 'update-without-where').length, 0);
  assert.equal(findings.filter((f) => f.code === RULE).length, 1);
});

test('valid: a reason given', () => {
  assert.equal(lintSql(['-- preflight: ignore update-without-where ten rows\nUPDATE flags SET on = true']).filter((f) => f.code === RULE).length, 0);
});
