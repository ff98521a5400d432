// The SARIF 2.1.0 reporter, for github/codeql-action/upload-sarif: one run, one rule per finding code (stable ids),
// results with repo-relative locations and partial fingerprints that survive lines moving. Pure: report → object.

import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { codeDoc } from './finding-codes.ts';
import type { CheckId, Finding, Report, Severity } from './model.ts';
import { CHECK_TITLE, rankedFindings } from './ranking.ts';
import { TOOL_REPOSITORY } from './rule-docs.ts';
import { normaliseSql } from './sql-statements.ts';

/** package.json's `repository`: the tool's home, and (at the tool's version) where every rule's page is. */
export const TOOL_URI = TOOL_REPOSITORY;
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const FINGERPRINT_KEY = 'alembicPreflight/v1';

export interface SarifOptions {
  /** The project directory relative to the repository root (posix); finding paths are joined to it. Default: report.projectDir. */
  pathPrefix?: string;
  /** Where a finding with no file of its own is shown, relative to the project directory. */
  defaultFile?: string;
}

type SarifLevel = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', notice: 'note' };
// GitHub code scanning reads `problem.severity` to rank alerts.
const PROBLEM_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', notice: 'recommendation' };

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; 'problem.severity': string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: '%SRCROOT%' };
      region?: { startLine: number };
    };
  }[];
  partialFingerprints: Record<string, string>;
  properties: { check: CheckId; revision?: string };
}

interface SarifRun {
  tool: { driver: { name: string; version: string; semanticVersion: string; informationUri: string; rules: SarifRule[] } };
  automationDetails: { id: string };
  results: SarifResult[];
  invocations: { executionSuccessful: boolean; toolExecutionNotifications?: { level: SarifLevel; message: { text: string } }[] }[];
}

/** `graph/multiple-heads` → `GraphMultipleHeads`: SARIF wants a name without spaces, readable by people. */
function ruleName(code: string): string {
  return code.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') || 'Finding';
}

/** A repo-relative path as a URI reference: posix separators, each segment percent-encoded. */
export function repoUri(prefix: string, file: string): string {
  const joined = posix.normalize(posix.join(prefix.replaceAll('\\', '/'), file.replaceAll('\\', '/'))).replace(/^\.\//, '');
  return joined.split('/').map((seg) => encodeURIComponent(seg)).join('/');
}

/** A hint as plain text: Markdown fences dropped, their code indented, `code spans` unquoted. */
export function plainHint(hint: string): string {
  const out: string[] = [];
  let inCode = false;
  for (const line of hint.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) {
      inCode = !inCode;
      continue;
    }
    out.push(inCode ? `    ${line}` : line.replace(/`([^`]+)`/g, '$1'));
  }
  return out.join('\n').trim();
}

function sentence(text: string): string {
  const t = text.replace(/\s*\n\s*/g, ' ').trim();
  return /[.!?:]$/.test(t) ? t : `${t}.`;
}

/** Plain text (code scanning shows message.text as it is): the message as a sentence, details, then the fix. */
function resultText(f: Finding): string {
  const lines = [sentence(f.message)];
  if (f.revision) lines.push(`Revision: ${f.revision}.`);
  for (const d of f.details ?? []) lines.push(`- ${d}`);
  if (f.hint) lines.push('', `Fix: ${plainHint(f.hint)}`);
  return lines.join('\n');
}

export function renderSarif(report: Report, options: SarifOptions = {}): SarifLog {
  const prefix = options.pathPrefix ?? report.projectDir;
  const fileOfRevision = new Map(report.revisions.map((r) => [r.revision, r.file]));
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const results: SarifResult[] = [];
  const seen = new Map<string, number>();

  for (const { check, finding: f } of rankedFindings(report)) {
    let index = ruleIndex.get(f.code);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(f.code, index);
      const doc = codeDoc(f.code, report.tool.version);
      rules.push({
        id: f.code,
        name: ruleName(f.code),
        shortDescription: { text: doc.title },
        fullDescription: { text: `${CHECK_TITLE[check] ?? check}: ${doc.summary}` },
        helpUri: doc.url,
        help: { text: `${doc.summary}\n\nSee ${doc.url}`, markdown: doc.markdown },
        defaultConfiguration: { level: LEVEL[f.severity] },
        properties: { tags: ['alembic', 'migrations', check], 'problem.severity': PROBLEM_SEVERITY[f.severity] },
      });
    }
    // Code scanning needs a location on every result: a finding without a file is shown on its revision's file,
    // else on the project's Alembic config.
    const file = f.file ?? (f.revision ? fileOfRevision.get(f.revision) : undefined) ?? options.defaultFile ?? 'alembic.ini';
    const uri = repoUri(prefix, file);
    const identity = [f.code, uri, f.revision ?? '', f.sql ? normaliseSql(f.sql) : f.message].join('\u0000');
    const hash = createHash('sha256').update(identity).digest('hex');
    const occurrence = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, occurrence);
    results.push({
      ruleId: f.code,
      ruleIndex: index,
      level: LEVEL[f.severity],
      message: { text: resultText(f) },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
          ...(f.file && f.line && f.line >= 1 ? { region: { startLine: f.line } } : {}),
        },
      }],
      partialFingerprints: { [FINGERPRINT_KEY]: `${hash}:${occurrence}` },
      properties: { check, ...(f.revision ? { revision: f.revision } : {}) },
    });
  }

  const notifications = report.error
    ? [{ level: 'error' as const, message: { text: `${report.error.kind} error: ${report.error.message}` } }]
    : undefined;
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'alembic-preflight',
          version: report.tool.version,
          semanticVersion: report.tool.version,
          informationUri: TOOL_URI,
          rules,
        },
      },
      // Keeps one project's alerts apart from another's when a monorepo uploads several SARIF files.
      automationDetails: { id: `alembic-preflight/${prefix === '' ? '.' : prefix}/` },
      results,
      invocations: [{ executionSuccessful: !report.error, ...(notifications ? { toolExecutionNotifications: notifications } : {}) }],
    }],
  };
}
