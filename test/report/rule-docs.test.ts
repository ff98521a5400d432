// src/report/rule-docs.ts is generated from docs/rules and package.json: it must be up to date, and cover every rule.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { ALL_RULES } from '../../src/lint/rules/index.ts';
import { RULE_DOCS, TOOL_REPOSITORY } from '../../src/report/rule-docs.ts';
import { generateRuleDocsModule, RULE_DOCS_MODULE } from './rule-docs-module.ts';

test('src/report/rule-docs.ts matches docs/rules and package.json', () => {
  const fresh = generateRuleDocsModule();
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(RULE_DOCS_MODULE, fresh);
  assert.equal(readFileSync(RULE_DOCS_MODULE, 'utf8'), fresh, 'stale: UPDATE_GOLDEN=1 regenerates it');
});

test('every lint rule has a page with a title, a problem paragraph and a safe alternative', () => {
  assert.equal(TOOL_REPOSITORY, 'https://github.com/alembic-preflight/alembic-preflight');
  for (const rule of ALL_RULES) {
    const doc = RULE_DOCS[rule.id];
    assert.ok(doc, `docs/rules/${rule.id}.md`);
    assert.ok(doc.title.length > 5 && doc.title.endsWith('.'), `${rule.id}: title "${doc.title}"`);
    assert.ok(doc.summary.length > doc.title.length, `${rule.id}: summary`);
    assert.doesNotMatch(doc.summary, /`/, `${rule.id}: summary is plain text`);
  }
});
