// Statement origins (preflight_driver/positions.py call_at): the per-file line index and the answer cache give, for
// every line of every Python file in fixtures/ (migrations, env.py, apps), the answer of the plain search they
// replaced, written out here: the innermost statement spanning the line (of equal spans, the last in ast.walk's
// order), found by walking the whole tree each time.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, venvPython } from '../support/env.ts';

const SCRIPT = `
import ast, glob, sys
from preflight_driver import positions

def reference(filename, line):
    tree = positions._parsed(filename)
    if tree is None:
        return None, line
    best = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno <= line <= (node.end_lineno or node.lineno):
            if best is None or (node.end_lineno - node.lineno) <= (best.end_lineno - best.lineno):
                best = node
    if best is None:
        return None, line
    return positions._call_at_statement(best, line)

files = sorted(f for d in sys.argv[1:] for f in glob.glob(d + "/**/*.py", recursive=True))
compared = differ = 0
for f in files:
    for line in range(open(f, errors="replace").read().count("\\n") + 3):
        compared += 1
        if positions.call_at(f, line) != reference(f, line):
            differ += 1
            print("differs: %s:%d" % (f, line))
print("files %d lines %d differ %d" % (len(files), compared, differ))
`;

// Statements that share their lines with the statement around them (one-line if/for/with): the tie the index must
// break as the search did.
const ONE_LINERS = `from alembic import op
import sqlalchemy as sa


def upgrade():
    if True: op.execute("UPDATE users SET name = 'x'")
    for t in ("a", "b"): op.drop_table(t)
    with op.batch_alter_table("users") as b: b.drop_column("bio")
    while False: op.execute(sa.text("SELECT 1"))
    try: op.create_index("ix", "users", ["name"])
    except Exception: op.execute("SELECT 2")
`;

test('call_at with its line index answers as a search of the whole tree does, on every line of the fixtures', () => {
  const extra = mkdtempSync(join(tmpdir(), 'positions-'));
  writeFileSync(join(extra, 'one_liners.py'), ONE_LINERS);
  let out: string;
  try {
    out = execFileSync(venvPython(), ['-c', SCRIPT, join(repoRoot, 'fixtures'), extra], {
      encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(repoRoot, 'src', 'driver') },
    });
  } finally {
    rmSync(extra, { recursive: true, force: true });
  }
  const m = /files (\d+) lines (\d+) differ (\d+)/.exec(out);
  assert.ok(m, out);
  assert.ok(Number(m[1]) > 100 && Number(m[2]) > 3000, out);
  assert.equal(Number(m[3]), 0, out);
});
