import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { lintSql, MIGRATION_FILE } from '../lint-input.ts';

const RULE = 'unused-ignore';
const project = mkdtempSync(join(tmpdir(), 'lint-ignores-'));
after(() => rmSync(project, { recursive: true, force: true }));

function withMigration(lines: string[]): string {
  const path = join(project, MIGRATION_FILE);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, lines.join('\n'));
  return project;
}

// The statements are issued from line 10 (lint-input.ts); lines 1-9 are filler.
const filler = Array.from({ length: 8 }, (_, i) => `# line ${i + 1}`);

test('an ignore that silences a finding is used; one on a line without that finding is reported', () => {
  const dir = withMigration([...filler, '# preflight: ignore[drop-column] column unused since 4.2', '    op.drop_column("users", "x")', '    op.execute("x")  # preflight: ignore[drop-table] nothing here']);
  const findings = lintSql(['ALTER TABLE users DROP COLUMN x', 'SELECT 1'], { projectDir: dir });
  assert.equal(findings.filter((f) => f.code === 'drop-column').length, 0, 'silenced');
  const unused = findings.filter((f) => f.code === RULE);
  assert.equal(unused.length, 1);
  assert.equal(unused[0]!.line, 11);
  assert.match(unused[0]!.message, /drop-table matches no finding on line 11/);
});

test('an ignore naming an unknown rule is reported', () => {
  const dir = withMigration([...filler, '', '    op.drop_column("users", "x")  # preflight: ignore[drop-colum] typo']);
  const findings = lintSql(['ALTER TABLE users DROP COLUMN x'], { projectDir: dir });
  assert.match(findings.find((f) => f.code === RULE)!.message, /unknown rule "drop-colum"/);
  assert.equal(findings.filter((f) => f.code === 'drop-column').length, 1);
});

test('file-level and SQL-comment ignores; unused SQL ignores are reported too', () => {
  const dir = withMigration([...filler, '# preflight: ignore-file[rename-column] renamed with a view in front']);
  const findings = lintSql(
    ['ALTER TABLE users RENAME COLUMN a TO b', "-- preflight: ignore update-without-where tiny table\nUPDATE flags SET on = true", "-- preflight: ignore drop-table wrong rule\nUPDATE x SET y = 1"],
    { projectDir: dir },
  );
  assert.deepEqual(findings.filter((f) => f.code === 'rename-column' || f.code === 'update-without-where').map((f) => f.line), [12]);
  const unused = findings.filter((f) => f.code === RULE);
  assert.equal(unused.length, 1);
  assert.match(unused[0]!.message, /drop-table matches no finding in this statement/);
});

test('valid: no directives, no findings of this kind', () => {
  assert.equal(lintSql(['ALTER TABLE users DROP COLUMN x']).filter((f) => f.code === RULE).length, 0);
});
