// fixtures/lint-hazards/EXPECTED.md read as data: the hazards every run must report on their file:line, the lines
// that must stay silent, and the map from its descriptive hazard keys to our rule ids. Shared by the lint e2e tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture } from './env.ts';

export const HAZARDS = fixture('lint-hazards');
const VERSIONS = 'migrations/versions';

/** EXPECTED.md's descriptive hazard keys → our rule ids (docs/rules/README.md). */
export const RULE_FOR_KEY: Record<string, string> = {
  'create-index-not-concurrently': 'create-index-not-concurrently',
  'foreign-key-without-not-valid': 'constraint-without-not-valid',
  'check-constraint-without-not-valid': 'constraint-without-not-valid',
  'set-not-null-on-existing-column': 'set-not-null',
  'add-not-null-column-without-default': 'add-required-column',
  'add-column-with-volatile-default': 'add-column-rewrite',
  'column-type-change-rewrites-table': 'column-type-change',
  'rename-column': 'rename-column',
  'rename-table': 'rename-table',
  'drop-column': 'drop-column',
  'update-without-where': 'update-without-where',
  'unique-constraint-without-using-index': 'unique-without-using-index',
  'schema-and-data-in-one-revision': 'mixed-schema-and-data',
  'serial-primary-key': 'serial-column',
  'identifier-longer-than-63-bytes': 'identifier-too-long',
  'timestamp-without-time-zone': 'timestamp-without-time-zone',
  'char-column': 'char-column',
  'json-instead-of-jsonb': 'json-column',
};

export interface Expected {
  n: number;
  revision: string;
  file: string;
  line: number;
  key: string;
}

/** The rows of a markdown table that follows `heading` in EXPECTED.md. */
function tableRows(markdown: string, heading: string): string[][] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith(heading));
  assert.ok(section, `EXPECTED.md has a "${heading}" section`);
  return section
    .split('\n')
    .filter((l) => /^\| \d+ \|/.test(l))
    .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
}

const expectedMd = readFileSync(join(HAZARDS, 'EXPECTED.md'), 'utf8');
export const HAZARD_ROWS: Expected[] = tableRows(expectedMd, 'Hazards').map(([n, revision, where, , key]) => {
  const m = /^(\S+\.py):(\d+)/.exec(where!);
  assert.ok(m, `file:line in "${where}"`);
  return { n: Number(n), revision: revision!, file: `${VERSIONS}/${m[1]}`, line: Number(m[2]), key: key!.split(' ')[0]! };
});
export const SILENT_ROWS = tableRows(expectedMd, 'Must NOT be reported').map(([n, revision, where]) => {
  const m = /^(\S+\.py):([\d,-]+)/.exec(where!)!;
  const lines = m[2]!.includes('-')
    ? (([a, b]) => Array.from({ length: b! - a! + 1 }, (_, i) => a! + i))(m[2]!.split('-').map(Number))
    : m[2]!.split(',').map(Number);
  return { n: Number(n), revision: revision!, file: `${VERSIONS}/${m[1]}`, lines };
});
