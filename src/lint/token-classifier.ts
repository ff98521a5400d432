// The fallback reader: classifies a statement sql-parser-cst could not parse from its tokens alone, into the same
// ParsedStatement model, for the statement shapes the rules care about. What it does not recognise is `other`.

import { canonicalTypeName, emptyExpr, foldIdentifier, unqualified } from './sql-names.ts';
import type { Token } from './sql-tokens.ts';
import type { AlterAction, ColumnDef, ConstraintDef, ExprInfo, ParsedStatement, TypeRef } from './types.ts';

export interface Classified {
  statement: ParsedStatement;
  definedNames: string[];
  understood: boolean;
}

const COLUMN_CONSTRAINT_START = new Set([
  'NOT', 'NULL', 'DEFAULT', 'PRIMARY', 'UNIQUE', 'REFERENCES', 'CHECK', 'CONSTRAINT', 'GENERATED', 'COLLATE',
  'AUTOINCREMENT', 'AS',
]);
const TABLE_CONSTRAINT_START = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK', 'EXCLUDE']);
/** Words that are never column names inside an expression. */
const EXPR_KEYWORDS = new Set([
  'AND', 'OR', 'NOT', 'IS', 'NULL', 'TRUE', 'FALSE', 'IN', 'BETWEEN', 'LIKE', 'ILIKE', 'SELECT', 'FROM', 'WHERE',
  'LIMIT', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'AS', 'CAST', 'EXISTS', 'ANY', 'ALL', 'DISTINCT', 'ORDER', 'BY',
  'ASC', 'DESC', 'INTERVAL', 'ARRAY', 'ON', 'JOIN', 'USING', 'OFFSET', 'GROUP', 'HAVING',
]);

class Cursor {
  i = 0;
  constructor(readonly t: Token[]) {}
  peek(offset = 0): Token | undefined {
    return this.t[this.i + offset];
  }
  word(offset = 0): string {
    const tok = this.peek(offset);
    return tok?.type === 'word' ? tok.value : '';
  }
  isWord(...words: string[]): boolean {
    return words.every((w, k) => this.word(k) === w);
  }
  accept(...words: string[]): boolean {
    if (!this.isWord(...words)) return false;
    this.i += words.length;
    return true;
  }
  next(): Token | undefined {
    return this.t[this.i++];
  }
  done(): boolean {
    return this.i >= this.t.length;
  }
  /** Reads a possibly qualified name (schema.table) and returns the unqualified, folded name. */
  name(): string {
    let last = '';
    for (;;) {
      const tok = this.peek();
      if (!tok || (tok.type !== 'word' && tok.type !== 'qident')) break;
      last = tok.type === 'qident' ? tok.value : foldIdentifier(tok.text, false);
      this.i++;
      const dot = this.peek();
      if (dot?.type === 'op' && dot.text === '.') {
        this.i++;
        continue;
      }
      break;
    }
    return last;
  }
  /** Tokens up to (not including) the next top-level comma or the end; moves past them. */
  untilComma(): Token[] {
    const out: Token[] = [];
    let depth = 0;
    while (!this.done()) {
      const tok = this.peek()!;
      if (tok.type === 'op') {
        if (tok.text === '(' || tok.text === '[') depth++;
        else if (tok.text === ')' || tok.text === ']') depth--;
        else if (tok.text === ',' && depth === 0) break;
      }
      out.push(tok);
      this.i++;
    }
    return out;
  }
  /** When at `(`, returns the tokens inside the matching parentheses and moves past them. */
  parenthesised(): Token[] | null {
    const open = this.peek();
    if (open?.type !== 'op' || open.text !== '(') return null;
    let depth = 0;
    const start = this.i;
    while (!this.done()) {
      const tok = this.next()!;
      if (tok.type === 'op' && tok.text === '(') depth++;
      if (tok.type === 'op' && tok.text === ')') {
        depth--;
        if (depth === 0) return this.t.slice(start + 1, this.i - 1);
      }
    }
    return this.t.slice(start + 1);
  }
}

/** Splits tokens at top-level commas. */
function splitCommas(tokens: Token[]): Token[][] {
  const c = new Cursor(tokens);
  const parts: Token[][] = [];
  while (!c.done()) {
    parts.push(c.untilComma());
    c.next();
  }
  return parts.filter((p) => p.length > 0);
}

function nameOf(tok: Token | undefined): string {
  if (!tok) return '';
  return tok.type === 'qident' ? tok.value : tok.type === 'word' ? foldIdentifier(tok.text, false) : '';
}

export function readExprTokens(tokens: Token[]): ExprInfo {
  const info = emptyExpr();
  const code = tokens;
  let start = 0;
  while (code[start]?.type === 'op' && code[start]!.text === '(' && code[code.length - 1]?.text === ')') start++;
  const first = code[start];
  const rest = code.slice(start + 1).filter((t) => !(t.type === 'op' && t.text === ')'));
  const castOnly = rest.length === 0 || (rest[0]?.text === '::' && rest.slice(1).every((t) => t.type === 'word' || t.type === 'number' || t.type === 'op'));
  if (first && castOnly) {
    info.constant = first.type === 'string' || first.type === 'number' || (first.type === 'word' && ['NULL', 'TRUE', 'FALSE'].includes(first.value));
    info.isNull = first.type === 'word' && first.value === 'NULL';
  }
  for (let k = 0; k < code.length; k++) {
    const t = code[k]!;
    const next = code[k + 1];
    if (t.type === 'string') info.strings.push(t.value);
    else if (t.type === 'word' || t.type === 'qident') {
      if (next?.type === 'op' && next.text === '(') {
        info.functions.push(unqualified(nameOf(t)).toLowerCase());
      } else if (t.type === 'word' && /^(CURRENT_|LOCALTIME)/.test(t.value)) {
        info.functions.push(t.value.toLowerCase());
        info.keywords.push(t.value);
      } else if (t.type === 'word' && t.value === 'IS') {
        const not = code[k + 1]?.value === 'NOT';
        const nullTok = code[k + (not ? 2 : 1)];
        info.operators.push(nullTok?.value === 'NULL' ? (not ? 'IS NOT NULL' : 'IS NULL') : not ? 'IS NOT' : 'IS');
      } else if (t.type === 'word' && ['AND', 'OR', 'IN', 'BETWEEN', 'LIKE', 'ILIKE', 'LIMIT'].includes(t.value)) {
        info.operators.push(t.value);
        if (t.value === 'LIMIT') info.subquery = info.subquery || code.some((x) => x.value === 'SELECT');
      } else if (t.type === 'word' && t.value === 'SELECT') {
        info.subquery = true;
      } else if (code[k - 1]?.text !== '::' && !(t.type === 'word' && EXPR_KEYWORDS.has(t.value))) {
        info.columns.push(nameOf(t));
      }
    } else if (t.type === 'op' && ['=', '<', '>', '<=', '>=', '<>', '!='].includes(t.text)) {
      info.operators.push(t.text);
    }
  }
  return info;
}

/** Reads a type at the cursor: words (double precision, character varying, timestamp with time zone), (args), []. */
function readTypeTokens(c: Cursor): TypeRef | null {
  const words: string[] = [];
  let args: number[] = [];
  let array = false;
  while (!c.done()) {
    const tok = c.peek()!;
    if (tok.type === 'word' || tok.type === 'qident') {
      if (words.length > 0 && COLUMN_CONSTRAINT_START.has(tok.value) && tok.type === 'word') break;
      if (words.length > 0 && !['PRECISION', 'VARYING', 'WITH', 'WITHOUT', 'TIME', 'ZONE'].includes(tok.value)) break;
      words.push(tok.type === 'qident' ? tok.value : tok.text.toLowerCase());
      c.next();
      const dot = c.peek();
      if (dot?.type === 'op' && dot.text === '.') {
        c.next();
        words.length = 0;
      }
      continue;
    }
    if (tok.type === 'op' && tok.text === '(' && args.length === 0) {
      const inner = c.parenthesised() ?? [];
      args = inner.filter((t) => t.type === 'number').map((t) => Number(t.text));
      continue;
    }
    if (tok.type === 'op' && tok.text === '[') {
      array = true;
      c.next();
      if (c.peek()?.type === 'number') c.next();
      if (c.peek()?.text === ']') c.next();
      continue;
    }
    break;
  }
  if (words.length === 0) return null;
  let written = words.join(' ');
  // `timestamp(3) with time zone`: the precision sits between the words.
  if (/^(timestamp|time) with time zone$/.test(written)) written = `${words[0]}tz`;
  if (/^(timestamp|time) without time zone$/.test(written)) written = words[0]!;
  return { name: canonicalTypeName(written), args, array };
}

function readColumnTokens(tokens: Token[]): ColumnDef {
  const c = new Cursor(tokens);
  const col: ColumnDef = {
    name: nameOf(c.next()),
    type: null,
    notNull: false,
    primaryKey: false,
    unique: false,
    default: null,
    generated: null,
    identity: false,
    references: null,
    check: null,
  };
  col.type = readTypeTokens(c);
  while (!c.done()) {
    if (c.accept('NOT', 'NULL')) col.notNull = true;
    else if (c.accept('NULL')) continue;
    else if (c.accept('CONSTRAINT')) c.next();
    else if (c.accept('PRIMARY', 'KEY')) {
      col.primaryKey = true;
      col.notNull = true;
    } else if (c.accept('UNIQUE')) col.unique = true;
    else if (c.accept('REFERENCES')) {
      col.references = c.name();
      c.parenthesised();
    } else if (c.accept('CHECK')) col.check = readExprTokens(c.parenthesised() ?? []);
    else if (c.accept('DEFAULT')) {
      const expr: Token[] = [];
      let depth = 0;
      while (!c.done()) {
        const tok = c.peek()!;
        if (tok.type === 'op' && tok.text === '(') depth++;
        if (tok.type === 'op' && tok.text === ')') depth--;
        if (depth === 0 && tok.type === 'word' && COLUMN_CONSTRAINT_START.has(tok.value) && expr.length > 0) break;
        expr.push(tok);
        c.next();
      }
      col.default = readExprTokens(expr);
    } else if (c.accept('GENERATED') || c.isWord('AS')) {
      c.accept('ALWAYS');
      c.accept('BY', 'DEFAULT');
      c.accept('AS');
      if (c.accept('IDENTITY')) {
        col.identity = true;
        c.parenthesised();
      } else {
        c.parenthesised();
        col.generated = c.accept('VIRTUAL') ? 'virtual' : 'stored';
        c.accept('STORED');
      }
    } else if (c.accept('AUTOINCREMENT')) col.identity = true;
    else c.next();
  }
  return col;
}

function readConstraintTokens(tokens: Token[]): ConstraintDef {
  const c = new Cursor(tokens);
  const def: ConstraintDef = { kind: 'other', name: null, notValid: false, usingIndex: null, columns: [], references: null, check: null };
  if (c.accept('CONSTRAINT')) {
    c.accept('IF', 'NOT', 'EXISTS');
    def.name = nameOf(c.next());
  }
  const columnList = () => splitCommas(c.parenthesised() ?? []).map((p) => nameOf(p[0]));
  if (c.accept('PRIMARY', 'KEY') || c.accept('UNIQUE')) {
    def.kind = tokens.some((t) => t.value === 'PRIMARY') ? 'primary-key' : 'unique';
    c.accept('NULLS', 'NOT', 'DISTINCT');
    c.accept('NULLS', 'DISTINCT');
    if (c.accept('USING', 'INDEX')) def.usingIndex = nameOf(c.next());
    else def.columns = columnList();
  } else if (c.accept('FOREIGN', 'KEY')) {
    def.kind = 'foreign-key';
    def.columns = columnList();
    if (c.accept('REFERENCES')) def.references = c.name();
  } else if (c.accept('CHECK')) {
    def.kind = 'check';
    def.check = readExprTokens(c.parenthesised() ?? []);
    def.columns = def.check.columns;
  } else if (c.accept('EXCLUDE')) def.kind = 'exclude';
  else if (c.accept('NOT', 'NULL')) def.kind = 'not-null';
  for (let k = 0; k + 1 < tokens.length; k++) {
    if (tokens[k]!.value === 'NOT' && tokens[k + 1]!.value === 'VALID') def.notValid = true;
  }
  return def;
}

function readAlterActionTokens(tokens: Token[], names: string[]): AlterAction {
  const c = new Cursor(tokens);
  const words = tokens.filter((t) => t.type === 'word').slice(0, 3).map((t) => t.value).join(' ');
  if (c.accept('ADD')) {
    if (TABLE_CONSTRAINT_START.has(c.word())) {
      const constraint = readConstraintTokens(tokens.slice(c.i));
      if (constraint.name) names.push(constraint.name);
      return { kind: 'add-constraint', constraint };
    }
    c.accept('COLUMN');
    const ifNotExists = c.accept('IF', 'NOT', 'EXISTS');
    const column = readColumnTokens(tokens.slice(c.i));
    names.push(column.name);
    return { kind: 'add-column', column, ifNotExists };
  }
  if (c.accept('DROP', 'CONSTRAINT')) {
    c.accept('IF', 'EXISTS');
    return { kind: 'drop-constraint', name: nameOf(c.next()) };
  }
  if (c.accept('DROP')) {
    if (c.isWord('NOT') || c.isWord('DEFAULT') || c.isWord('PRIMARY')) return { kind: 'other', words };
    c.accept('COLUMN');
    c.accept('IF', 'EXISTS');
    return { kind: 'drop-column', column: nameOf(c.next()) };
  }
  if (c.accept('VALIDATE', 'CONSTRAINT')) return { kind: 'validate-constraint', name: nameOf(c.next()) };
  if (c.accept('RENAME')) {
    if (c.accept('TO')) {
      const to = c.name();
      names.push(to);
      return { kind: 'rename-table', to };
    }
    if (c.isWord('CONSTRAINT')) return { kind: 'other', words };
    c.accept('COLUMN');
    const from = nameOf(c.next());
    c.accept('TO');
    const to = nameOf(c.next());
    names.push(to);
    return { kind: 'rename-column', from, to };
  }
  if (c.accept('ALTER')) {
    c.accept('COLUMN');
    const column = nameOf(c.next());
    if (c.accept('SET', 'NOT', 'NULL')) return { kind: 'set-not-null', column };
    if (c.accept('DROP', 'NOT', 'NULL')) return { kind: 'drop-not-null', column };
    if (c.accept('DROP', 'DEFAULT')) return { kind: 'drop-default', column };
    if (c.accept('SET', 'DEFAULT')) return { kind: 'set-default', column, expr: readExprTokens(tokens.slice(c.i)) };
    if (c.accept('TYPE') || c.accept('SET', 'DATA', 'TYPE')) {
      const type = readTypeTokens(c);
      let using: ExprInfo | null = null;
      const at = tokens.findIndex((t, k) => k >= c.i && t.value === 'USING');
      if (at !== -1) using = readExprTokens(tokens.slice(at + 1));
      return { kind: 'set-type', column, type, using };
    }
    return { kind: 'other', words: `ALTER COLUMN ${tokens.slice(c.i).filter((t) => t.type === 'word').slice(0, 2).map((t) => t.value).join(' ')}`.trim() };
  }
  return { kind: 'other', words };
}

export function classifyTokens(tokens: Token[]): Classified {
  const names: string[] = [];
  const c = new Cursor(tokens);
  const done = (statement: ParsedStatement, understood = true): Classified => ({
    statement,
    definedNames: names.filter(Boolean),
    understood,
  });
  const first = c.word();

  if (c.accept('ALTER', 'TABLE')) {
    c.accept('IF', 'EXISTS');
    c.accept('ONLY');
    const table = c.name();
    if (c.peek()?.text === '*') c.next();
    const actions = splitCommas(tokens.slice(c.i)).map((part) => readAlterActionTokens(part, names));
    return done({ kind: 'alter-table', table, actions });
  }
  if (c.isWord('CREATE')) {
    c.next();
    const unique = c.accept('UNIQUE');
    if (c.accept('INDEX')) {
      const concurrently = c.accept('CONCURRENTLY');
      const ifNotExists = c.accept('IF', 'NOT', 'EXISTS');
      const name = c.isWord('ON') ? null : c.name() || null;
      if (name) names.push(name);
      c.accept('ON');
      c.accept('ONLY');
      return done({ kind: 'create-index', table: c.name(), name, concurrently, unique, ifNotExists });
    }
    let temporary = false;
    while (['TEMP', 'TEMPORARY', 'UNLOGGED', 'GLOBAL', 'LOCAL'].includes(c.word())) {
      temporary = temporary || c.word().startsWith('TEMP');
      c.next();
    }
    if (c.accept('TABLE')) {
      const ifNotExists = c.accept('IF', 'NOT', 'EXISTS');
      const table = c.name();
      names.push(table);
      const body = c.parenthesised() ?? [];
      const columns: ColumnDef[] = [];
      const constraints: ConstraintDef[] = [];
      for (const part of splitCommas(body)) {
        if (part[0]?.type === 'word' && TABLE_CONSTRAINT_START.has(part[0].value)) {
          const def = readConstraintTokens(part);
          constraints.push(def);
          if (def.name) names.push(def.name);
        } else if (part[0]?.value !== 'LIKE') {
          const col = readColumnTokens(part);
          columns.push(col);
          names.push(col.name);
        }
      }
      const asSelect = tokens.slice(c.i).some((t) => t.value === 'AS' || t.value === 'SELECT');
      return done({ kind: 'create-table', table, columns, constraints, ifNotExists, asSelect, temporary });
    }
    if (c.accept('TYPE')) {
      const name = c.name();
      names.push(name);
      const isEnum = c.accept('AS', 'ENUM');
      const values = isEnum ? (c.parenthesised() ?? []).filter((t) => t.type === 'string').map((t) => t.value) : null;
      return done({ kind: 'create-type', name, enumValues: values });
    }
    return done({ kind: 'other', command: `CREATE ${c.word()}`.trim() }, false);
  }
  if (c.accept('DROP', 'INDEX')) {
    const concurrently = c.accept('CONCURRENTLY');
    const ifExists = c.accept('IF', 'EXISTS');
    const list = splitCommas(tokens.slice(c.i)).map((p) => new Cursor(p).name());
    return done({ kind: 'drop-index', names: list, concurrently, ifExists });
  }
  if (c.accept('DROP', 'TABLE')) {
    const ifExists = c.accept('IF', 'EXISTS');
    const rest = tokens.slice(c.i).filter((t) => !(t.type === 'word' && (t.value === 'CASCADE' || t.value === 'RESTRICT')));
    return done({ kind: 'drop-table', tables: splitCommas(rest).map((p) => new Cursor(p).name()), ifExists });
  }
  if (c.accept('TRUNCATE')) {
    c.accept('TABLE');
    c.accept('ONLY');
    const rest = tokens.slice(c.i).filter((t) => !(t.type === 'word' && ['CASCADE', 'RESTRICT', 'RESTART', 'CONTINUE', 'IDENTITY', 'ONLY'].includes(t.value)));
    return done({ kind: 'truncate', tables: splitCommas(rest).map((p) => new Cursor(p).name()) });
  }
  if (c.accept('ALTER', 'TYPE')) {
    const name = c.name();
    if (c.accept('ADD', 'VALUE')) {
      c.accept('IF', 'NOT', 'EXISTS');
      const value = c.next()?.value ?? '';
      const where = c.accept('BEFORE') ? 'before' : c.accept('AFTER') ? 'after' : null;
      return done({ kind: 'alter-type', name, addValue: { value, position: where } });
    }
    return done({ kind: 'alter-type', name, addValue: null });
  }
  if (first === 'SET') {
    c.next();
    const local = c.accept('LOCAL');
    c.accept('SESSION');
    const name = c.name();
    if (c.peek()?.text === '=' || c.isWord('TO')) c.next();
    const value = tokens
      .slice(c.i)
      .map((t) => (t.type === 'string' ? t.value : t.text))
      .join(' ');
    return done({ kind: 'set', name, value, local });
  }
  if (c.accept('RESET')) return done({ kind: 'reset', name: c.name() || 'all' });
  if (['BEGIN', 'START'].includes(first)) return done({ kind: 'transaction', action: 'begin' });
  if (['COMMIT', 'END'].includes(first)) return done({ kind: 'transaction', action: 'commit' });
  if (first === 'ROLLBACK') {
    return done({ kind: 'transaction', action: tokens.some((t) => t.value === 'TO') ? 'savepoint' : 'rollback' });
  }
  if (first === 'SAVEPOINT' || first === 'RELEASE') return done({ kind: 'transaction', action: 'savepoint' });
  if (c.accept('UPDATE')) {
    c.accept('ONLY');
    const table = c.name();
    const whereAt = tokens.findIndex((t) => t.value === 'WHERE');
    const fromAt = tokens.findIndex((t) => t.value === 'FROM');
    return done({
      kind: 'update',
      table,
      where: whereAt === -1 ? null : readExprTokens(tokens.slice(whereAt + 1)),
      from: fromAt !== -1 && (whereAt === -1 || fromAt < whereAt),
    });
  }
  if (c.accept('DELETE')) {
    c.accept('FROM');
    c.accept('ONLY');
    const table = c.name();
    const whereAt = tokens.findIndex((t) => t.value === 'WHERE');
    return done({ kind: 'delete', table, where: whereAt === -1 ? null : readExprTokens(tokens.slice(whereAt + 1)) });
  }
  if (c.accept('INSERT')) {
    c.accept('OR');
    if (['REPLACE', 'IGNORE', 'ABORT', 'FAIL', 'ROLLBACK'].includes(c.word())) c.next();
    c.accept('INTO');
    const table = c.name();
    return done({ kind: 'insert', table, fromSelect: tokens.some((t) => t.value === 'SELECT') });
  }
  if (c.accept('LOCK')) {
    c.accept('TABLE');
    c.accept('ONLY');
    const inAt = tokens.findIndex((t) => t.value === 'IN');
    const tableTokens = tokens.slice(c.i, inAt === -1 ? undefined : inAt);
    const modeWords = inAt === -1 ? ['ACCESS', 'EXCLUSIVE'] : tokens.slice(inAt + 1).map((t) => t.value).filter((w) => w !== 'MODE' && w !== 'NOWAIT');
    return done({ kind: 'lock-table', tables: splitCommas(tableTokens).map((p) => new Cursor(p).name()), mode: modeWords.join(' ') });
  }
  if (first === 'VACUUM') {
    const full = tokens.some((t) => t.value === 'FULL');
    const tables = tokens
      .filter((t, k) => (t.type === 'word' || t.type === 'qident') && k > 0 && !['FULL', 'VERBOSE', 'ANALYZE', 'FREEZE', 'TRUE', 'FALSE', 'ON', 'OFF'].includes(t.value))
      .map(nameOf);
    return full
      ? done({ kind: 'maintenance', command: 'VACUUM FULL', tables, concurrently: false })
      : done({ kind: 'other', command: 'VACUUM' });
  }
  if (c.accept('CLUSTER')) {
    c.accept('VERBOSE');
    return done({ kind: 'maintenance', command: 'CLUSTER', tables: c.done() ? [] : [c.name()], concurrently: false });
  }
  if (c.accept('REFRESH', 'MATERIALIZED', 'VIEW')) {
    const concurrently = c.accept('CONCURRENTLY');
    return done({ kind: 'maintenance', command: 'REFRESH MATERIALIZED VIEW', tables: [c.name()], concurrently });
  }
  if (c.accept('REINDEX')) {
    const options = c.parenthesised() ?? [];
    const target = c.word();
    c.next();
    const concurrently = c.accept('CONCURRENTLY') || options.some((t) => t.value === 'CONCURRENTLY');
    return done({ kind: 'reindex', target, name: c.name() || null, concurrently });
  }
  const words = tokens.filter((t) => t.type === 'word').map((t) => t.value);
  const command = ['CREATE', 'DROP', 'ALTER', 'COMMENT'].includes(first) && words[1] ? `${first} ${words[1]}` : first;
  return done({ kind: 'other', command }, ['COMMENT', 'GRANT', 'REVOKE', 'DO', 'SELECT', 'PRAGMA', 'ANALYZE', 'VACUUM'].includes(first));
}
