// A small SQL lexer for PostgreSQL and SQLite text: words, quoted identifiers, strings, dollar quotes, numbers,
// bind parameters, operators and comments. It never fails: unknown characters become one-character operator tokens.

export type TokenType = 'word' | 'qident' | 'string' | 'dollar' | 'number' | 'param' | 'op' | 'comment' | 'semicolon';

export interface Token {
  type: TokenType;
  /** Exact source text. */
  text: string;
  start: number;
  end: number;
  /** word: upper-case text; qident: the unquoted name; string: the unescaped value. */
  value: string;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DIGIT = /[0-9]/;

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const n = sql.length;
  let i = 0;
  const push = (type: TokenType, start: number, end: number, value?: string) => {
    const text = sql.slice(start, end);
    tokens.push({ type, text, start, end, value: value ?? text });
  };
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      push('comment', i, stop);
      i = stop;
      continue;
    }
    if (c === '/' && next === '*') {
      // PostgreSQL block comments nest.
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (sql[j] === '/' && sql[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (sql[j] === '*' && sql[j + 1] === '/') {
          depth--;
          j += 2;
        } else j++;
      }
      push('comment', i, j);
      i = j;
      continue;
    }
    if (c === ';') {
      push('semicolon', i, i + 1);
      i++;
      continue;
    }
    // String literals, with optional E / N / B / X / U& prefix.
    const prefixed = /[EeNnBbXx]/.test(c) && next === "'";
    if (c === "'" || prefixed) {
      const start = i;
      const escapes = c === 'E' || c === 'e';
      let j = prefixed ? i + 2 : i + 1;
      let value = '';
      while (j < n) {
        const ch = sql[j]!;
        if (escapes && ch === '\\' && j + 1 < n) {
          value += sql[j + 1];
          j += 2;
          continue;
        }
        if (ch === "'") {
          if (sql[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          j++;
          break;
        }
        value += ch;
        j++;
      }
      push('string', start, j, value);
      i = j;
      continue;
    }
    if (c === '"' || c === '`' || c === '[') {
      if (c === '[') {
        // Only SQLite quotes identifiers in brackets; elsewhere `[` is an array subscript.
        push('op', i, i + 1);
        i++;
        continue;
      }
      const close = c;
      let j = i + 1;
      let value = '';
      while (j < n) {
        if (sql[j] === close) {
          if (sql[j + 1] === close) {
            value += close;
            j += 2;
            continue;
          }
          j++;
          break;
        }
        value += sql[j];
        j++;
      }
      push('qident', i, j, value);
      i = j;
      continue;
    }
    if (c === '$') {
      // $1 parameter, or $tag$ ... $tag$ dollar quote.
      if (next !== undefined && DIGIT.test(next)) {
        let j = i + 1;
        while (j < n && DIGIT.test(sql[j]!)) j++;
        push('param', i, j);
        i = j;
        continue;
      }
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (m) {
        const tag = m[0];
        const bodyStart = i + tag.length;
        const close = sql.indexOf(tag, bodyStart);
        const end = close === -1 ? n : close + tag.length;
        push('dollar', i, end, sql.slice(bodyStart, close === -1 ? n : close));
        i = end;
        continue;
      }
    }
    if (c === '%' && (next === '(' || next === 's')) {
      // Python DB-API pyformat / format parameters: %(name)s, %s.
      if (next === 's') {
        push('param', i, i + 2);
        i += 2;
        continue;
      }
      const close = sql.indexOf(')s', i);
      if (close !== -1 && close - i < 200 && !/\s/.test(sql.slice(i + 2, close))) {
        push('param', i, close + 2);
        i = close + 2;
        continue;
      }
    }
    if (c === '?' && (next === undefined || !/[|&-]/.test(next))) {
      push('param', i, i + 1);
      i++;
      continue;
    }
    if (DIGIT.test(c) || (c === '.' && next !== undefined && DIGIT.test(next))) {
      let j = i;
      while (j < n && /[0-9.]/.test(sql[j]!)) j++;
      if (j < n && /[eE]/.test(sql[j]!) && /[-+0-9]/.test(sql[j + 1] ?? '')) {
        j += 2;
        while (j < n && DIGIT.test(sql[j]!)) j++;
      }
      push('number', i, j);
      i = j;
      continue;
    }
    if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < n && WORD_PART.test(sql[j]!)) j++;
      const text = sql.slice(i, j);
      tokens.push({ type: 'word', text, start: i, end: j, value: text.toUpperCase() });
      i = j;
      continue;
    }
    // Multi-character operators that matter to us; anything else is one character.
    const two = sql.slice(i, i + 2);
    if (two === '::' || two === '<=' || two === '>=' || two === '<>' || two === '!=' || two === '||') {
      push('op', i, i + 2);
      i += 2;
      continue;
    }
    push('op', i, i + 1);
    i++;
  }
  return tokens;
}

export interface SqlPiece {
  /** Source text of one statement, without the terminating semicolon, trimmed. */
  sql: string;
  /** Tokens of the statement, comments included. */
  tokens: Token[];
}

/** Splits text that may hold several statements (op.execute("...; ...")) at top-level semicolons. */
export function splitStatements(sql: string, tokens: Token[] = tokenize(sql)): SqlPiece[] {
  const pieces: SqlPiece[] = [];
  let current: Token[] = [];
  const flush = () => {
    const code = current.filter((t) => t.type !== 'comment');
    if (code.length > 0) {
      const start = current[0]!.start;
      const end = current[current.length - 1]!.end;
      pieces.push({ sql: sql.slice(start, end).trim(), tokens: current });
    } else if (current.length > 0 && pieces.length > 0) {
      // Trailing comments belong to the statement before them (ignore directives after the SQL).
      pieces[pieces.length - 1]!.tokens.push(...current);
    }
    current = [];
  };
  // BEGIN ATOMIC ... END bodies (SQL-standard function bodies) hold semicolons that do not end the statement.
  let atomicDepth = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.type === 'word') {
      if (t.value === 'ATOMIC' && tokens[k - 1]?.value === 'BEGIN') atomicDepth++;
      else if (t.value === 'END' && atomicDepth > 0 && tokens[k + 1]?.type !== 'word') atomicDepth--;
    }
    if (t.type === 'semicolon' && atomicDepth === 0) {
      flush();
      continue;
    }
    current.push(t);
  }
  flush();
  return pieces;
}

/** Code tokens only (no comments, no semicolons). */
export function codeTokens(tokens: Token[]): Token[] {
  return tokens.filter((t) => t.type !== 'comment' && t.type !== 'semicolon');
}
