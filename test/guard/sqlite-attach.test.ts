// The guard on SQLite's ATTACH, against dist/: a migration (or env.py) that ATTACHes another file through the
// throwaway connection is refused like a connection, with the file and line, and the other file is untouched; the
// throwaway's own private databases (':memory:', a temporary one) stay allowed. Proved with the sqlite3 CLI-free
// stdlib: the precious file's rows and bytes are compared before and after.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../support/cli.ts';
import { venvPython } from '../support/env.ts';
import { HOSTILE, hostileProject, workDir } from './support.ts';

const work = workDir('attach');
after(() => rmSync(work, { recursive: true, force: true }));

function sqlite(file: string, sql: string): string {
  return execFileSync(venvPython(), ['-c', 'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\n' +
    'rows = c.execute(sys.argv[2]).fetchall()\nc.commit()\nprint(rows)', file, sql], { encoding: 'utf8' }).trim();
}

function run(dir: string) {
  return runCli(['check', dir, '--database', 'sqlite', '--python', venvPython(), '--checks', 'upgrade', '--format', 'json'],
    { dist: true });
}

test('ATTACH of another file in a migration is refused with the migration file and line; the file is untouched', async () => {
  const precious = join(work, 'precious.db');
  sqlite(precious, 'CREATE TABLE gold (x TEXT)');
  sqlite(precious, "INSERT INTO gold VALUES ('gold')");
  const bytes = readFileSync(precious);
  const dir = hostileProject(work, 'attach-file', [
    `    op.execute("ATTACH DATABASE '${precious}' AS prod")`,
    '    op.execute("DELETE FROM prod.gold")',
  ].join('\n'));
  const result = await run(dir);
  assert.equal(result.code, 2, `exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  const error = result.report!.error!;
  assert.equal(error.kind, 'user');
  assert.match(error.message, new RegExp(`^refused to connect to sqlite:///${precious.replace(/[./]/g, '\\$&')} \\(ATTACH DATABASE\\)`));
  const file = `migrations/versions/${HOSTILE}_hostile.py`;
  assert.equal(error.file, file, error.message);
  const line = readFileSync(join(dir, file), 'utf8').split('\n').findIndex((l) => l.includes('ATTACH')) + 1;
  assert.equal(error.line, line, error.message);
  assert.equal(sqlite(precious, 'SELECT x FROM gold'), "[('gold',)]");
  assert.ok(readFileSync(precious).equals(bytes), 'the precious file is byte for byte as it was');
});

for (const [how, lines] of [
  ['a bound parameter', (file: string) => [`    op.get_bind().exec_driver_sql("ATTACH DATABASE ? AS prod", (${JSON.stringify(file)},))`]],
  ['an expression', (file: string) => [`    op.execute("ATTACH DATABASE '${file.slice(0, -3)}' || '.db' AS prod")`]],
] as const) {
  test(`ATTACH of a file named by ${how} (SQLite does not tell the file) is refused; the file is untouched`, async () => {
    const precious = join(work, `precious-${how.replace(/\W/g, '')}.db`);
    sqlite(precious, 'CREATE TABLE gold (x TEXT)');
    sqlite(precious, "INSERT INTO gold VALUES ('gold')");
    const bytes = readFileSync(precious);
    const dir = hostileProject(work, `attach-${how.replace(/\W/g, '')}`, [...lines(precious), '    op.execute("DELETE FROM prod.gold")'].join('\n'));
    const result = await run(dir);
    assert.equal(result.code, 2, `exit ${result.code}\n${result.stdout}\n${result.stderr}`);
    assert.match(result.report!.error!.message, /^refused to connect to sqlite:\/\/\/<a file named by a parameter or an expression> \(ATTACH DATABASE\)/);
    assert.equal(sqlite(precious, 'SELECT x FROM gold'), "[('gold',)]");
    assert.ok(readFileSync(precious).equals(bytes));
  });
}

test("ATTACH of an in-memory or temporary database is the throwaway's own business: the upgrade passes", async () => {
  const dir = hostileProject(work, 'attach-memory', [
    `    op.execute("ATTACH DATABASE ':memory:' AS scratch")`,
    '    op.execute("CREATE TABLE scratch.t (x INTEGER)")',
    `    op.execute("ATTACH DATABASE '' AS tmp2")`,
    '    op.execute("DETACH DATABASE scratch")',
    '    op.execute("DETACH DATABASE tmp2")',
  ].join('\n'));
  const result = await run(dir);
  assert.equal(result.code, 0, `exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  assert.equal(result.report!.checks.find((c) => c.id === 'upgrade')?.status, 'passed');
});
