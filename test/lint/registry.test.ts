// Every registered rule is documented (doc page with problem, safe alternative, evidence), tested (its own test
// file), listed in docs/rules/README.md with its squawk mapping, and has a stable kebab-case id.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ALL_RULES, ruleById } from '../../src/lint/rules/index.ts';
import { repoRoot } from '../support/env.ts';

const docsDir = join(repoRoot, 'docs', 'rules');

test('rule ids are unique, kebab-case, and each rule lives in src/lint/rules/<id>.ts', () => {
  assert.equal(ruleById.size, ALL_RULES.length);
  for (const rule of ALL_RULES) {
    assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(existsSync(join(repoRoot, 'src', 'lint', 'rules', `${rule.id}.ts`)), `src/lint/rules/${rule.id}.ts`);
  }
  const files = readdirSync(join(repoRoot, 'src', 'lint', 'rules')).filter((f) => f !== 'index.ts');
  assert.deepEqual(files.map((f) => f.replace(/\.ts$/, '')).sort(), ALL_RULES.map((r) => r.id).sort(), 'no unregistered rule files');
});

test('every rule has a doc page with problem, safe alternative (the hint, verbatim) and evidence', () => {
  for (const rule of ALL_RULES) {
    const path = join(docsDir, `${rule.id}.md`);
    assert.ok(existsSync(path), `docs/rules/${rule.id}.md is missing`);
    const doc = readFileSync(path, 'utf8');
    assert.ok(doc.startsWith(`# ${rule.id}\n`), `${rule.id}: title`);
    for (const section of ['## Problem', '## Safe alternative', '## What evidence we show']) {
      assert.ok(doc.includes(section), `${rule.id}: ${section}`);
    }
    assert.ok(doc.includes(rule.hint), `${rule.id}: the doc's safe alternative matches the finding's hint`);
    assert.ok(doc.includes(`**${rule.defaultSeverity}**`), `${rule.id}: default severity`);
  }
});

test('every rule has its own test file', () => {
  for (const rule of ALL_RULES) {
    assert.ok(existsSync(join(repoRoot, 'test', 'lint', 'rules', `${rule.id}.test.ts`)), `test/lint/rules/${rule.id}.test.ts`);
  }
});

test('docs/rules/README.md lists every rule with its squawk mapping', () => {
  const readme = readFileSync(join(docsDir, 'README.md'), 'utf8');
  for (const rule of ALL_RULES) {
    const row = readme.split('\n').find((l) => l.startsWith(`| [${rule.id}](${rule.id}.md)`));
    assert.ok(row, `README row for ${rule.id}`);
    for (const name of rule.squawk ?? []) {
      if (name === 'prefer-timestamp-tz') continue; // squawk's alias of prefer-timestamptz
      assert.ok(row.includes(`\`${name}\``), `${rule.id} maps to squawk ${name} in the README`);
    }
  }
});

test('every hint shows the Alembic code to write (except engine findings)', () => {
  for (const rule of ALL_RULES) {
    if (rule.engine) continue;
    assert.match(rule.hint, /```python\n[\s\S]*(op\.|sa\.|with |def )[\s\S]*```/, rule.id);
  }
});
