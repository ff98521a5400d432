import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileDirectives, readSqlDirectives } from '../../src/lint/ignores.ts';

test('line directives cover their own line, or the next code line below a comment-only line', () => {
  const text = [
    'def upgrade():',
    '    # preflight: ignore[drop-column, drop-table] legacy data archived in S3',
    '    # another comment',
    '',
    '    op.drop_column("users", "x")',
    '    op.drop_table("t")  # preflight: ignore[drop-table] — gone since v3',
    '# preflight: ignore-file[json-column] payloads are opaque',
  ].join('\n');
  const [above, trailing, file] = readFileDirectives('m.py', text);
  assert.deepEqual({ ...above!, used: undefined }, {
    kind: 'line', rules: ['drop-column', 'drop-table'], reason: 'legacy data archived in S3', file: 'm.py', line: 2, target: 5, used: undefined,
  });
  assert.equal(trailing?.target, 6);
  assert.equal(trailing?.reason, 'gone since v3');
  assert.equal(file?.kind, 'file');
  assert.deepEqual(file?.rules, ['json-column']);
});

test('SQL comment directives: one or more rule ids, then the reason', () => {
  const [a, b, c] = readSqlDirectives(
    ['-- preflight: ignore unbatched-backfill table has 12 rows', '-- preflight: ignore drop-table,drop-column', '/* preflight: ignore [rename-table] view in front */'],
    'm.py',
    7,
  );
  assert.deepEqual([a!.rules, a!.reason, a!.line], [['unbatched-backfill'], 'table has 12 rows', 7]);
  assert.deepEqual([b!.rules, b!.reason], [['drop-table', 'drop-column'], '']);
  assert.deepEqual([c!.rules, c!.reason], [['rename-table'], 'view in front']);
  assert.equal(readSqlDirectives(['-- just a comment'], 'm.py', 1).length, 0);
});
