// Reads SQL statements into the plain ParsedStatement model, through sql-parser-cst (the only importer of it;
// version pinned exactly: it is 0.x and its PostgreSQL support is experimental). Never throws on bad SQL.
//
// Statements sql-parser-cst cannot parse (VACUUM, CLUSTER, LOCK, ATTACH PARTITION, pyformat parameters in
// bulk inserts, SQLite's ALTER COLUMN, ...) go to the token classifier (token-classifier.ts), so rules still see
// them; the result says which reader was used. Speed: each statement is parsed once per run, and statements that
// differ only in names, string values and integers (`ix_users_12` vs `ix_users_13`) share one parse: those are
// swapped for placeholders, the template is parsed once, and the placeholders are bound back into the result.

import { InternalError } from '../errors.ts';
import { isNode, readSetConfig, readStatement } from './cst-statement-reader.ts';
import { canonicalTypeName, unqualified } from './sql-names.ts';
import { codeTokens, splitStatements, type Token } from './sql-tokens.ts';
import { classifyTokens } from './token-classifier.ts';
import type { AlterAction, ColumnDef, Dialect, ParsedStatement, ParseResult, TypeRef } from './types.ts';

// Loaded when lint needs it, not with the CLI: sql-parser-cst holds about 30 MB once loaded, which a run without
// lint (and every run while it walks) does without.
type SqlParserCst = typeof import('sql-parser-cst');
let cst: SqlParserCst | null = null;

/** Loads sql-parser-cst; createStatementParser() needs it loaded. Idempotent. */
export async function loadSqlParser(): Promise<void> {
  // A CommonJS package: Node's loader and esbuild's bundle both give its exports whole as `default` (the named
  // ones are guessed, and esbuild's guess misses the keyword sets).
  const mod = (await import('sql-parser-cst')) as SqlParserCst & { default?: SqlParserCst };
  cst ??= mod.default?.parse ? mod.default : mod;
}

function parser(): SqlParserCst {
  if (!cst) throw new InternalError('sql-parser-cst is not loaded: await loadSqlParser() before linting');
  return cst;
}

export interface ParsedPiece {
  sql: string;
  result: ParseResult;
  /** Text of the comments in and around this statement (ignore directives live there). */
  comments: string[];
}

export interface StatementParser {
  /** Splits `sql` into statements and reads each one. */
  parse(sql: string): ParsedPiece[];
  /** Distinct statement shapes sent to sql-parser-cst so far (for tests and the benchmark). */
  readonly cstParses: number;
}

export interface ParserOptions {
  /** Share one parse between statements that differ only in names and values (default true; off in tests). */
  templates?: boolean;
}

export function createStatementParser(dialect: Dialect, options: ParserOptions = {}): StatementParser {
  parser();
  const useTemplates = options.templates ?? true;
  const byText = new Map<string, ParsedPiece[]>();
  const byTemplate = new Map<string, ParseResult | 'template-fails'>();
  let cstParses = 0;

  const readPiece = (sql: string, tokens: Token[]): ParseResult => {
    const result = readPieceOnce(sql, tokens);
    // `SELECT set_config('lock_timeout', ...)` sets a timeout like SET does.
    if (result.statement.kind === 'other' && result.statement.command === 'SELECT') {
      const setConfig = readSetConfig(sql);
      if (setConfig) return { ...result, statement: setConfig };
    }
    return result;
  };

  const readPieceOnce = (sql: string, tokens: Token[]): ParseResult => {
    const code = codeTokens(tokens);
    const template = useTemplates ? makeTemplate(code, dialect) : { key: `${dialect}\u0000${sql}`, text: sql, bindings: new Map<string, string>() };
    const cached = byTemplate.get(template.key);
    if (cached && cached !== 'template-fails') return bindResult(cached, template.bindings);
    if (cached === undefined) {
      cstParses++;
      const fromTemplate = readWithCst(template.text, dialect);
      if (fromTemplate.ok) {
        byTemplate.set(template.key, fromTemplate.result);
        return bindResult(fromTemplate.result, template.bindings);
      }
      byTemplate.set(template.key, 'template-fails');
    }
    // The template did not parse: try the statement as written, then the token classifier.
    cstParses++;
    const direct = readWithCst(sql, dialect);
    if (direct.ok) return finalize(direct.result);
    const classified = classifyTokens(code);
    return finalize({
      statement: classified.statement,
      definedNames: classified.definedNames,
      via: 'tokens',
      parseError: direct.error,
      understood: classified.understood,
    });
  };

  return {
    parse(sql: string): ParsedPiece[] {
      const known = byText.get(sql);
      if (known) return known;
      const pieces = splitStatements(sql).map((piece) => ({
        sql: piece.sql,
        result: readPiece(piece.sql, piece.tokens),
        comments: piece.tokens.filter((t) => t.type === 'comment').map((t) => t.text),
      }));
      byText.set(sql, pieces);
      return pieces;
    },
    get cstParses() {
      return cstParses;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Templates: names with `_` or digits (generated-looking: ix_users_email, fk_2, created_at), quoted identifiers and
// string values become placeholders. Plain words stay, so keywords the grammar needs are never touched.

const PLACEHOLDER = /^pfx_[iqs]\d+$/;
const NUMBER_BASE = 7_770_000_000;
const NUMBER_PLACEHOLDER = /^777\d{7}$/;
const KEEP_WORDS = new Set([
  'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'CURRENT_USER', 'CURRENT_ROLE', 'CURRENT_SCHEMA',
  'CURRENT_CATALOG', 'SESSION_USER', 'SYSTEM_USER', 'AUTO_INCREMENT', 'ROW_NUMBER',
]);

interface Template {
  key: string;
  text: string;
  bindings: Map<string, string>;
}

function makeTemplate(code: Token[], dialect: Dialect): Template {
  const keywords = dialect === 'postgresql' ? parser().postgresqlKeywords : parser().sqliteKeywords;
  const bindings = new Map<string, string>();
  const byValue = new Map<string, string>();
  const placeholder = (kind: 'i' | 'q' | 's', value: string): string => {
    const k = `${kind}:${value}`;
    let p = byValue.get(k);
    if (!p) {
      p = `pfx_${kind}${bindings.size}`;
      bindings.set(p, value);
      byValue.set(k, p);
    }
    return p;
  };
  let text = '';
  let prevEnd = -1;
  for (const t of code) {
    if (prevEnd !== -1) text += t.start > prevEnd ? ' ' : '';
    prevEnd = t.end;
    if (t.type === 'word' && /[_0-9]/.test(t.text) && !keywords[t.value] && !KEEP_WORDS.has(t.value)) {
      text += placeholder('i', t.text.toLowerCase());
    } else if (t.type === 'qident' && t.text.startsWith('"')) {
      text += placeholder('q', t.value);
    } else if (t.type === 'string') {
      text += `'${placeholder('s', t.value)}'`;
    } else if (t.type === 'number' && /^\d{1,9}$/.test(t.text)) {
      // Integers (varchar(120), LIMIT 5000, WHERE id < 1000) become large numbers no migration writes.
      const k = `n:${t.text}`;
      let p = byValue.get(k);
      if (!p) {
        p = String(NUMBER_BASE + bindings.size);
        bindings.set(p, t.text);
        byValue.set(k, p);
      }
      text += p;
    } else if (t.type === 'param' && t.text !== '?') {
      text += dialect === 'postgresql' ? `$${bindings.size + 1}` : '?';
    } else {
      text += t.text;
    }
  }
  return { key: `${dialect}\u0000${text}`, text, bindings };
}

function bindResult(result: ParseResult, bindings: Map<string, string>): ParseResult {
  if (bindings.size === 0) return finalize(result);
  return finalize(bindDeep(result, bindings) as ParseResult);
}

function bindDeep(value: unknown, bindings: Map<string, string>): unknown {
  if (typeof value === 'string') {
    return PLACEHOLDER.test(value) || NUMBER_PLACEHOLDER.test(value) ? bindings.get(value) ?? value : value;
  }
  if (typeof value === 'number') {
    if (value < NUMBER_BASE) return value;
    const bound = bindings.get(String(value));
    return bound === undefined ? value : Number(bound);
  }
  if (Array.isArray(value)) return value.map((v) => bindDeep(v, bindings));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = bindDeep(v, bindings);
    return out;
  }
  return value;
}

/** Canonical type names can only be computed once placeholders are bound (a type written `int4` is a name). */
function finalize(result: ParseResult): ParseResult {
  const fixType = (t: TypeRef | null): TypeRef | null => (t ? { ...t, name: canonicalTypeName(unqualified(t.name)) } : t);
  const fixColumn = (c: ColumnDef): ColumnDef => ({ ...c, type: fixType(c.type) });
  const s = result.statement;
  let statement: ParsedStatement = s;
  if (s.kind === 'create-table') statement = { ...s, columns: s.columns.map(fixColumn) };
  else if (s.kind === 'alter-table') {
    statement = {
      ...s,
      actions: s.actions.map((a): AlterAction => {
        if (a.kind === 'add-column') return { ...a, column: fixColumn(a.column) };
        if (a.kind === 'set-type') return { ...a, type: fixType(a.type) };
        return a;
      }),
    };
  }
  return { ...result, statement };
}

function readWithCst(sql: string, dialect: Dialect): { ok: true; result: ParseResult } | { ok: false; error: string } {
  let program;
  try {
    program = parser().parse(sql, { dialect, paramTypes: dialect === 'postgresql' ? ['$nr'] : ['?', '?nr', ':name', '$name', '@name'] });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return { ok: false, error: message };
  }
  const statements = (program.statements as unknown[]).filter(isNode).filter((s) => s.type !== 'empty');
  if (statements.length !== 1) {
    return { ok: false, error: `expected one statement, sql-parser-cst read ${statements.length}` };
  }
  const read = readStatement(statements[0]!, sql);
  return { ok: true, result: { ...read, via: 'cst', understood: true } };
}
