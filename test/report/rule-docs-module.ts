// Builds src/report/rule-docs.ts from docs/rules/*.md and package.json's `repository`: the SARIF rule metadata and
// the comment's links come from the docs people read, and the bundle needs no file at run time. The test compares.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/env.ts';

export const RULE_DOCS_MODULE = join(repoRoot, 'src/report/rule-docs.ts');

/** `git+https://github.com/o/r.git` → `https://github.com/o/r`. */
export function repositoryUrl(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { repository?: string | { url?: string } };
  const raw = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (!raw) throw new Error('package.json has no repository field');
  return raw.replace(/^git\+/, '').replace(/\.git$/, '').replace(/^github:/, 'https://github.com/');
}

function plain(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, '$1').replace(/\*\*([^*]*)\*\*/g, '$1').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\s+/g, ' ').trim();
}

function section(markdown: string, heading: string): string {
  const part = markdown.split(/^## /m).find((s) => s.startsWith(`${heading}\n`));
  return part ? part.slice(heading.length + 1).trim() : '';
}

export interface RuleDocEntry {
  title: string;
  summary: string;
  markdown: string;
}

export function readRuleDocs(): Record<string, RuleDocEntry> {
  const dir = join(repoRoot, 'docs/rules');
  const out: Record<string, RuleDocEntry> = {};
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md').sort()) {
    const text = readFileSync(join(dir, name), 'utf8').replace(/\r\n?/g, '\n');
    const id = name.slice(0, -3);
    const body = text.replace(/^# .*\n+/, '');
    const lead = body.split('\n\n')[0] ?? '';
    const title = plain(lead).split(/(?<=\.)\s/)[0] ?? id;
    const problem = section(body, 'Problem').split('\n\n')[0] ?? '';
    out[id] = { title, summary: plain(problem) || title, markdown: body.trim() };
  }
  return out;
}

export function generateRuleDocsModule(): string {
  const docs = readRuleDocs();
  return [
    '// GENERATED from docs/rules/*.md and package.json by test/report/rule-docs-module.ts: do not edit by hand.',
    '// `UPDATE_GOLDEN=1 node --import tsx --test test/report/rule-docs.test.ts` regenerates it; the test fails when stale.',
    '',
    '/** package.json `repository`: where the rule pages, the README and the releases are. */',
    `export const TOOL_REPOSITORY = ${JSON.stringify(repositoryUrl())};`,
    '',
    'export interface RuleDoc {',
    '  /** One line: what the rule catches (the page\'s first sentence). */',
    '  title: string;',
    '  /** The page\'s "Problem" paragraph, plain text. */',
    '  summary: string;',
    '  /** The page without its title; links relative to docs/rules/. */',
    '  markdown: string;',
    '}',
    '',
    `export const RULE_DOCS: Readonly<Record<string, RuleDoc>> = ${JSON.stringify(docs, null, 2)};`,
    '',
  ].join('\n');
}
