// lintMigrations: runs every enabled rule over what each revision executed (or its offline SQL), applies ignore
// directives, and returns findings located at the migration's op.* line. Never throws on bad SQL.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, Severity } from '../report/model.ts';
import { directiveCovers, readFileDirectives, readSqlDirectives, type IgnoreDirective } from './ignores.ts';
import { isIgnorableCheckCode } from '../checks/finding-ignores.ts';
import { showLockMode } from './locks.ts';
import { hintFor } from './hints/index.ts';
import { createStatementParser } from './parse.ts';
import { buildRevision, SchemaHistory, type BuiltRevision } from './revision-context.ts';
import { ALL_RULES, ruleById } from './rules/index.ts';
import type { LintInput, LintStatement, Rule, RuleReport } from './types.ts';

export type { LintInput, LintRevisionInput, LintConfig } from './types.ts';

export interface LintOutput {
  findings: Finding[];
  /** Statements rules ran on (Alembic's alembic_version bookkeeping excluded). */
  statementsLinted: number;
  /** Statements sql-parser-cst could not parse (read by the token classifier instead). */
  parseFailures: number;
}

const MAX_SQL = 10_000;

export function severityFor(rule: Rule, config: LintInput['config']): Severity | 'off' {
  return config.rules[rule.id] ?? rule.defaultSeverity;
}

function ruleRuns(rule: Rule, input: LintInput, version: number): boolean {
  if (rule.engine) return false;
  if (severityFor(rule, input.config) === 'off') return false;
  if (!rule.dialects.includes(input.dialect)) return false;
  if (input.dialect === 'postgresql') {
    if (rule.minServerVersion !== undefined && version < rule.minServerVersion) return false;
    if (rule.maxServerVersion !== undefined && version > rule.maxServerVersion) return false;
  }
  return true;
}

/** Index of the first revision to lint: after `startAfter` (an id or unique prefix) when it is in the list. */
function firstLinted(input: LintInput): number {
  const after = input.config.startAfter;
  if (!after) return 0;
  const exact = input.revisions.findIndex((r) => r.revision === after);
  if (exact !== -1) return exact + 1;
  const prefixed = input.revisions.flatMap((r, i) => (r.revision.startsWith(after) ? [i] : []));
  // Not in the list (PR mode passes only new revisions, which all come after it): lint everything given.
  return prefixed.length === 1 ? prefixed[0]! + 1 : 0;
}

function evidenceOf(stmt: LintStatement | null, built: BuiltRevision, input: LintInput): Record<string, unknown> {
  const ev: Record<string, unknown> = { source: built.ctx.source };
  if (built.ctx.source === 'executed' && built.ctx.offlineError) ev.offlineError = built.ctx.offlineError;
  if (!stmt) return ev;
  if (stmt.facts) {
    ev.locks = stmt.facts.locks.map((l) => `${l.relation}: ${showLockMode(l.mode)}`);
    ev.rewritten = stmt.facts.rewritten;
    ev.lockTimeout = stmt.facts.lockTimeout;
    ev.statementTimeout = stmt.facts.statementTimeout;
    ev.inTransaction = stmt.facts.inTransaction;
  } else if (input.dialect === 'postgresql' && stmt.locks.length > 0) {
    ev.inferredLocks = stmt.locks.map((l) => `${l.relation}: ${showLockMode(l.mode)}`);
  }
  if (stmt.via === 'tokens') ev.parsedBy = 'token classifier (sql-parser-cst could not parse it)';
  return ev;
}

export function lintMigrations(input: LintInput): LintOutput {
  const parser = createStatementParser(input.dialect);
  const version = input.config.targetServerVersion ?? input.serverVersionNum;
  const rules = ALL_RULES.filter((r) => ruleRuns(r, input, version));
  const history = new SchemaHistory();
  const start = firstLinted(input);
  const fileText = new Map<string, string | null>();
  const readProjectFile = (file: string): string | null => {
    if (!fileText.has(file)) {
      // Statements can point at files that are not on disk (tests, a helper outside the project): no directives.
      const path = join(input.projectDir, file);
      fileText.set(file, existsSync(path) ? readFileSync(path, 'utf8') : null);
    }
    return fileText.get(file)!;
  };

  const findings: Finding[] = [];
  let statementsLinted = 0;
  let parseFailures = 0;

  input.revisions.forEach((rev, i) => {
    const firstOfRevision = findings.length;
    const built = buildRevision(rev, parser, input.dialect, version, history);
    if (i < start) return;
    const { ctx } = built;
    const raw: { rule: Rule; report: RuleReport }[] = [];
    for (const rule of rules) rule.check(ctx, (report) => raw.push({ rule, report }));

    // Engine findings: statements sql-parser-cst could not read, revisions with nothing to lint.
    const seenUnparsable = new Set<string>();
    for (const stmt of ctx.statements) {
      if (stmt.bookkeeping) continue;
      statementsLinted++;
      if (stmt.via === 'tokens') {
        parseFailures++;
        if (seenUnparsable.has(stmt.sql)) continue;
        seenUnparsable.add(stmt.sql);
        const error = built.pieces[stmt.origin]?.find((p) => p.sql === stmt.sql)?.result.parseError ?? 'syntax not supported';
        raw.push({
          rule: ruleById.get('unparsable-statement')!,
          report: {
            statement: stmt,
            message: stmt.understood
              ? `sql-parser-cst could not parse this statement (${error}); the token classifier read it as ${describeKind(stmt)} and the rules ran on that.`
              : `sql-parser-cst could not parse this statement (${error}) and the token classifier does not know it: no rule looked inside it.`,
          },
        });
      }
    }
    if (ctx.source === 'none') {
      raw.push({
        rule: ruleById.get('revision-not-linted')!,
        report: {
          statement: null,
          message: `Revision ${rev.revision} was not linted: it has no upgrade trace and offline mode failed${rev.offlineError ? ` (${rev.offlineError})` : ''}.`,
        },
      });
    }

    // Ignore directives: the files the findings point into, and the SQL comments of each op.execute.
    const directives: IgnoreDirective[] = [];
    const files = new Set<string>([rev.file, ...ctx.statements.map((s) => s.file)]);
    for (const file of files) {
      const text = readProjectFile(file);
      if (text !== null) directives.push(...readFileDirectives(file, text));
    }
    const sqlDirectives = new Map<number, IgnoreDirective[]>();
    built.pieces.forEach((pieces, origin) => {
      const stmt = ctx.statements.find((s) => s.origin === origin);
      const found = readSqlDirectives(pieces.flatMap((p) => p.comments), stmt?.file ?? rev.file, stmt?.line ?? null);
      if (found.length > 0) sqlDirectives.set(origin, found);
    });
    const allDirectives = [...directives, ...[...sqlDirectives.values()].flat()];

    for (const { rule, report } of raw) {
      const severity = severityFor(rule, input.config);
      if (severity === 'off') continue;
      const stmt = report.statement;
      const file = stmt?.file ?? rev.file;
      const line = report.line !== undefined ? report.line : stmt?.line ?? null;
      const covering = [
        ...(stmt ? sqlDirectives.get(stmt.origin) ?? [] : []).filter((d) => d.rules.includes(rule.id)),
        ...directives.filter((d) => directiveCovers(d, rule.id, file, line ?? undefined)),
      ];
      if (covering.length > 0) {
        for (const d of covering) d.used.add(rule.id);
        continue;
      }
      const finding: Finding = {
        code: rule.id,
        severity: report.level === 'info' ? 'notice' : severity,
        message: report.message,
        revision: rev.revision,
        file,
        hint: hintFor(rule, report, ctx),
        evidence: { ...evidenceOf(stmt, built, input), ...report.evidence },
      };
      if (line !== null) finding.line = line;
      if (stmt) finding.sql = stmt.sql.length > MAX_SQL ? `${stmt.sql.slice(0, MAX_SQL)}\n-- (truncated)` : stmt.sql;
      if (report.details?.length) finding.details = report.details;
      findings.push(finding);
    }

    // Findings of a revision in file order; the rule order breaks ties.
    const mine = findings.splice(firstOfRevision).map((f, k) => ({ f, k }));
    mine.sort((a, b) => (a.f.line ?? Number.MAX_SAFE_INTEGER) - (b.f.line ?? Number.MAX_SAFE_INTEGER) || a.k - b.k);
    findings.push(...mine.map((x) => x.f));

    // Directives that silenced nothing, or give no reason, are findings themselves.
    const ranHere = new Set(rules.map((r) => r.id));
    for (const d of allDirectives) {
      const where = { file: d.file, ...(d.line !== null ? { line: d.line } : {}) };
      if (!d.reason) {
        pushEngineFinding(findings, input, rev.revision, where, 'ignore-without-reason',
          `Ignore directive for ${d.rules.join(', ') || '(no rule)'} gives no reason: say why the hazard is acceptable here.`);
      }
      for (const id of d.rules) {
        if (d.used.has(id)) continue;
        if (isIgnorableCheckCode(id)) continue; // stairway/round-trip findings: their checks apply these
        if (ruleById.get(id)?.external) continue; // emitted after lint, which applies its own directives
        if (!ruleById.has(id)) {
          pushEngineFinding(findings, input, rev.revision, where, 'unused-ignore', `Ignore directive names unknown rule "${id}".`);
        } else if (ranHere.has(id) || ruleById.get(id)!.engine) {
          pushEngineFinding(findings, input, rev.revision, where, 'unused-ignore',
            `Ignore directive for ${id} matches no finding${d.kind === 'line' ? ` on line ${d.target ?? '?'}` : d.kind === 'file' ? ' in this file' : ' in this statement'}: remove it.`);
        }
      }
    }
  });

  return { findings, statementsLinted, parseFailures };
}

function pushEngineFinding(
  findings: Finding[],
  input: LintInput,
  revision: string,
  where: { file: string; line?: number },
  id: 'unused-ignore' | 'ignore-without-reason',
  message: string,
): void {
  const rule = ruleById.get(id)!;
  const severity = severityFor(rule, input.config);
  if (severity === 'off') return;
  findings.push({ code: id, severity, message, revision, ...where, hint: rule.hint });
}

function describeKind(stmt: LintStatement): string {
  const p = stmt.parsed;
  switch (p.kind) {
    case 'alter-table':
      return `ALTER TABLE ${p.table} (${p.actions.map((a) => a.kind).join(', ')})`;
    case 'other':
      return p.command || 'an unknown statement';
    case 'maintenance':
      return p.command;
    default:
      return p.kind.replace(/-/g, ' ').toUpperCase();
  }
}
