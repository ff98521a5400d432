// The quick subset of the corpus of real projects (corpus/*/project.json with "quick": true), through the same
// runner as `npm run corpus`: installs the pinned PyPI package into a cached venv, runs dist/cli.js on its packaged
// migrations, and compares the verdict with the one reviewed against plain Alembic (corpus/<project>/expected.json).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/env.ts';

const runner = join(repoRoot, 'scripts', 'corpus.mjs');

function corpus(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [runner, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const quick = readdirSync(join(repoRoot, 'corpus'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(repoRoot, 'corpus', d.name, 'project.json')))
  .map((d) => ({ name: d.name, manifest: JSON.parse(readFileSync(join(repoRoot, 'corpus', d.name, 'project.json'), 'utf8')) }))
  .filter((p) => p.manifest.quick);

test('the corpus has a quick subset of one or two projects', () => {
  assert.ok(quick.length >= 1 && quick.length <= 2, `quick projects: ${quick.map((p) => p.name).join(', ')}`);
});

test('quick corpus: the verdicts on real projects are the ones plain Alembic shows', () => {
  const r = corpus(['--quick']);
  assert.equal(r.code, 0, r.out);
  for (const p of quick) assert.match(r.out, new RegExp(`^ok +${p.name} `, 'm'), r.out);
});

test('the runner fails when a verdict differs from the expected one', () => {
  const p = quick[0]!;
  const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
  try {
    cpSync(join(repoRoot, 'corpus', p.name), join(dir, p.name), { recursive: true });
    const expected = JSON.parse(readFileSync(join(dir, p.name, 'expected.json'), 'utf8'));
    // Claim a clean pass: the runner must name every check and finding that says otherwise.
    expected.exitCode = 0;
    expected.checks.stairway = { status: 'passed', findings: [] };
    writeFileSync(join(dir, p.name, 'expected.json'), JSON.stringify(expected));
    const r = corpus(['--only', p.name], { PREFLIGHT_CORPUS_DIR: dir });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, new RegExp(`^MISMATCH +${p.name} `, 'm'));
    assert.match(r.out, /exit code 1, expected 0/);
    assert.match(r.out, /stairway: unexpected error stairway\//);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
