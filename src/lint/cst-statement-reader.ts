// Turns sql-parser-cst's syntax tree for one statement into the plain ParsedStatement model rules read.
// Works on the tree as plain data (nodes are `{ type, ... }` objects), so sql-parser-cst stays imported by parse.ts only.

import { emptyExpr, foldIdentifier, typeRef } from './sql-names.ts';
import { codeTokens, tokenize } from './sql-tokens.ts';
import type { AlterAction, ColumnDef, ConstraintDef, ExprInfo, ParsedStatement, TypeRef } from './types.ts';

/** Placeholder names parse.ts substitutes for identifiers; kept as they are (they are bound back later). */
const PLACEHOLDER = /^pfx_[iqs]\d+$/;

export type CstNode = { type: string } & Record<string, unknown>;
type N = CstNode;

export function isNode(x: unknown): x is N {
  return typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string';
}

function get(n: N | undefined, key: string): N | undefined {
  const v = n?.[key];
  return isNode(v) ? v : undefined;
}

/** Items of a list_expr, a paren_expr around one, or a plain array. */
function items(x: unknown): N[] {
  if (Array.isArray(x)) return x.filter(isNode);
  if (!isNode(x)) return [];
  if (x.type === 'paren_expr') return items(x.expr);
  if (x.type === 'list_expr') return items(x.items);
  return [x];
}

/** Keyword or keywords → upper-case words joined by spaces. */
function kw(x: unknown): string {
  if (Array.isArray(x)) return x.map(kw).filter(Boolean).join(' ');
  if (isNode(x) && x.type === 'keyword') return String(x.text).toUpperCase();
  return '';
}

function ident(n: N | undefined): string {
  if (!n) return '';
  if (n.type === 'identifier') {
    const text = String(n.text);
    const quoted = text.startsWith('"') || text.startsWith('`') || text.startsWith('[');
    return PLACEHOLDER.test(String(n.name)) ? String(n.name) : foldIdentifier(String(n.name), quoted);
  }
  return entityName(n);
}

/** Unqualified name of a table / index / type reference in any of its wrappings. */
function entityName(n: N | undefined): string {
  if (!n) return '';
  switch (n.type) {
    case 'identifier':
      return ident(n);
    case 'member_expr':
      return entityName(get(n, 'property'));
    case 'alias':
      return entityName(get(n, 'expr'));
    case 'table_without_inheritance':
    case 'table_with_inheritance':
    case 'indexed_table':
    case 'not_indexed_table':
    case 'partitioned_table':
      return entityName(get(n, 'table'));
    case 'keyword':
      return String(n.text).toLowerCase();
    default:
      return '';
  }
}

function stringValue(n: N | undefined): string {
  if (!n) return '';
  if (n.type === 'string_literal') return String(n.value);
  return '';
}

function numberArgs(x: unknown): number[] {
  return items(x)
    .map((i) => (i.type === 'number_literal' ? Number(i.value) : NaN))
    .filter((v) => !Number.isNaN(v));
}

function readType(n: N | undefined): TypeRef | null {
  if (!n) return null;
  switch (n.type) {
    case 'data_type_name':
      return typeRef(kw(n.name).toLowerCase());
    case 'modified_data_type': {
      const base = readType(get(n, 'dataType'));
      return base ? { ...base, args: numberArgs(n.modifiers) } : null;
    }
    case 'array_data_type': {
      const base = readType(get(n, 'dataType'));
      return base ? { ...base, array: true } : null;
    }
    case 'time_data_type': {
      const zone = kw(n.timeZoneKw).startsWith('WITH ') ? 'tz' : '';
      const precision = get(n, 'precision');
      const args = precision ? numberArgs([get(precision, 'expr')]) : [];
      return typeRef(`${kw(n.timeKw).toLowerCase()}${zone}`, args);
    }
    case 'interval_data_type':
      return typeRef('interval');
    case 'identifier':
    case 'member_expr':
      return typeRef(entityName(n));
    default:
      return { name: n.type, args: [], array: false };
  }
}

function readExpr(root: N | undefined): ExprInfo {
  const info = emptyExpr();
  if (!root) return info;
  let top: N | undefined = root;
  while (top && (top.type === 'paren_expr' || top.type === 'cast_operator_expr' || top.type === 'cast_expr')) {
    top = top.type === 'paren_expr' ? get(top, 'expr') : top.type === 'cast_operator_expr' ? get(top, 'left') : get(top, 'expr');
  }
  if (top) {
    const t = top.type;
    info.isNull = t === 'null_literal';
    info.constant =
      t === 'string_literal' || t === 'number_literal' || t === 'boolean_literal' || t === 'null_literal' ||
      (t === 'prefix_op_expr' && get(top, 'expr')?.type === 'number_literal');
  }
  const walk = (n: N) => {
    switch (n.type) {
      case 'func_call': {
        const name = entityName(get(n, 'name'));
        info.functions.push(name.toLowerCase());
        const args = get(n, 'args');
        if (args) walk(args);
        return;
      }
      case 'identifier':
        info.columns.push(ident(n));
        return;
      case 'member_expr':
        info.columns.push(entityName(n));
        return;
      case 'binary_expr': {
        const op = n.operator;
        info.operators.push(typeof op === 'string' ? op.toUpperCase() : kw(op));
        const right = get(n, 'right');
        if ((kw(op) === 'IS' || kw(op) === 'IS NOT') && right?.type === 'null_literal') {
          info.operators[info.operators.length - 1] = `${kw(op)} NULL`;
        }
        break;
      }
      case 'between_expr':
        info.operators.push('BETWEEN');
        break;
      case 'string_literal':
        info.strings.push(String(n.value));
        return;
      case 'select_stmt':
        info.subquery = true;
        break;
      case 'limit_clause':
        info.operators.push('LIMIT');
        break;
      case 'keyword':
        return;
      case 'data_type_name':
      case 'modified_data_type':
      case 'time_data_type':
        return;
    }
    for (const [key, value] of Object.entries(n)) {
      if (key === 'type') continue;
      if (Array.isArray(value)) for (const v of value) if (isNode(v)) walk(v);
      if (isNode(value)) walk(value);
    }
  };
  walk(root);
  // Keywords like CURRENT_TIMESTAMP arrive as argument-less function calls.
  info.keywords = info.functions.filter((f) => /^(current_|localtime)/.test(f)).map((f) => f.toUpperCase());
  return info;
}

function readColumn(n: N): ColumnDef {
  const col: ColumnDef = {
    name: ident(get(n, 'name')),
    type: readType(get(n, 'dataType')),
    notNull: false,
    primaryKey: false,
    unique: false,
    default: null,
    generated: null,
    identity: false,
    references: null,
    check: null,
  };
  for (const wrapper of items(n.constraints)) {
    const c = wrapper.type === 'constraint' ? get(wrapper, 'constraint') : wrapper;
    if (!c) continue;
    switch (c.type) {
      case 'constraint_not_null':
        col.notNull = true;
        break;
      case 'constraint_default': {
        let expr = get(c, 'expr');
        // sql-parser-cst's SQLite grammar reads `DEFAULT 'x' NOT NULL` as the expression `'x' NOT NULL`
        // (SQLite's DEFAULT only takes a literal or a parenthesised expression, so NOT NULL is the constraint).
        if (expr?.type === 'postfix_op_expr' && kw(expr.operator) === 'NOT NULL') {
          col.notNull = true;
          expr = get(expr, 'expr');
        }
        col.default = readExpr(expr);
        break;
      }
      case 'constraint_primary_key':
        col.primaryKey = true;
        col.notNull = true;
        break;
      case 'constraint_unique':
        col.unique = true;
        break;
      case 'references_specification':
        col.references = entityName(get(c, 'table'));
        break;
      case 'constraint_check':
        col.check = readExpr(get(c, 'expr'));
        break;
      case 'constraint_generated': {
        const expr = get(c, 'expr');
        if (expr?.type === 'identity_column') col.identity = true;
        else col.generated = kw(c.storageKw) === 'VIRTUAL' ? 'virtual' : 'stored';
        break;
      }
      case 'constraint_auto_increment':
        col.identity = true;
        break;
    }
  }
  return col;
}

function readConstraint(wrapper: N, outerName: N | undefined, outerModifiers: unknown): ConstraintDef | null {
  let name = outerName ? ident(get(outerName, 'name')) || null : null;
  let modifiers = items(outerModifiers);
  let c: N | undefined = wrapper;
  if (wrapper.type === 'constraint') {
    const cn = get(wrapper, 'name');
    if (cn) name = ident(get(cn, 'name')) || null;
    modifiers = modifiers.concat(items(wrapper.modifiers));
    c = get(wrapper, 'constraint');
  }
  if (!c) return null;
  const def: ConstraintDef = {
    kind: 'other',
    name,
    notValid: modifiers.some((m) => kw(m.kw) === 'NOT VALID'),
    usingIndex: null,
    columns: [],
    references: null,
    check: null,
  };
  const columnsOf = (x: unknown): string[] =>
    items(x).map((i) => (i.type === 'index_specification' ? ident(get(i, 'expr')) : ident(i)));
  switch (c.type) {
    case 'constraint_primary_key':
    case 'constraint_unique': {
      def.kind = c.type === 'constraint_primary_key' ? 'primary-key' : 'unique';
      const cols = get(c, 'columns');
      if (cols?.type === 'existing_index') def.usingIndex = ident(get(cols, 'index'));
      else def.columns = columnsOf(cols);
      break;
    }
    case 'constraint_foreign_key': {
      def.kind = 'foreign-key';
      def.columns = columnsOf(get(c, 'columns'));
      def.references = entityName(get(get(c, 'references'), 'table'));
      break;
    }
    case 'constraint_check':
      def.kind = 'check';
      def.check = readExpr(get(c, 'expr'));
      def.columns = def.check.columns;
      break;
    case 'constraint_exclude':
      def.kind = 'exclude';
      break;
    case 'constraint_not_null':
      def.kind = 'not-null';
      break;
  }
  return def;
}

function readAlterAction(a: N): AlterAction[] {
  switch (a.type) {
    case 'alter_action_add_column':
      return [{ kind: 'add-column', column: readColumn(get(a, 'column')!), ifNotExists: Boolean(a.ifNotExistsKw) }];
    case 'alter_action_drop_column':
      return [{ kind: 'drop-column', column: ident(get(a, 'column')) }];
    case 'alter_action_rename_column':
      return [{ kind: 'rename-column', from: ident(get(a, 'oldName')), to: ident(get(a, 'newName')) }];
    case 'alter_action_rename':
      return [{ kind: 'rename-table', to: entityName(get(a, 'newName')) }];
    case 'alter_action_add_constraint': {
      const def = readConstraint(get(a, 'constraint')!, get(a, 'name'), a.modifiers);
      return def ? [{ kind: 'add-constraint', constraint: def }] : [];
    }
    case 'alter_action_drop_constraint':
      return [{ kind: 'drop-constraint', name: ident(get(a, 'constraint')) }];
    case 'alter_action_validate_constraint':
      return [{ kind: 'validate-constraint', name: ident(get(a, 'constraint')) }];
    case 'alter_action_alter_column': {
      const column = ident(get(a, 'column'));
      const action = get(a, 'action');
      switch (action?.type) {
        case 'alter_action_set_not_null':
          return [{ kind: 'set-not-null', column }];
        case 'alter_action_drop_not_null':
          return [{ kind: 'drop-not-null', column }];
        case 'alter_action_set_data_type': {
          const using = items(action.clauses).find((c) => c.type === 'set_data_type_using_clause');
          return [{ kind: 'set-type', column, type: readType(get(action, 'dataType')), using: using ? readExpr(get(using, 'expr')) : null }];
        }
        case 'alter_action_set_default':
          return [{ kind: 'set-default', column, expr: readExpr(get(action, 'expr')) }];
        case 'alter_action_drop_default':
          return [{ kind: 'drop-default', column }];
        default:
          return [{ kind: 'other', words: `ALTER COLUMN ${leadingKeywords(action)}`.trim() }];
      }
    }
    default:
      return [{ kind: 'other', words: leadingKeywords(a) }];
  }
}

/** The keywords at the start of a node (the first `...Kw` fields), e.g. `SET LOGGED`, `OWNER TO`. */
function leadingKeywords(n: N | undefined): string {
  if (!n) return '';
  for (const [key, value] of Object.entries(n)) {
    if (key.endsWith('Kw')) {
      const words = kw(value);
      if (words) return words;
    }
  }
  return n.type.replace(/^alter_action_/, '').replace(/_/g, ' ').toUpperCase();
}

export function readStatement(s: N, sql: string): { statement: ParsedStatement; definedNames: string[] } {
  const names: string[] = [];
  const done = (statement: ParsedStatement) => ({ statement, definedNames: names.filter(Boolean) });
  switch (s.type) {
    case 'create_table_stmt': {
      const table = entityName(get(s, 'name'));
      names.push(table);
      const columns: ColumnDef[] = [];
      const constraints: ConstraintDef[] = [];
      for (const item of items(s.columns)) {
        if (item.type === 'column_definition') {
          const col = readColumn(item);
          columns.push(col);
          names.push(col.name);
          for (const wrapper of items(item.constraints)) {
            if (wrapper.type === 'constraint') names.push(ident(get(get(wrapper, 'name'), 'name')));
          }
        } else if (item.type !== 'create_table_like_clause') {
          const def = readConstraint(item, undefined, []);
          if (def) {
            constraints.push(def);
            if (def.name) names.push(def.name);
          }
        }
      }
      const kind = kw(get(s, 'kind')?.kindKw);
      return done({
        kind: 'create-table',
        table,
        columns,
        constraints,
        ifNotExists: Boolean(s.ifNotExistsKw),
        asSelect: items(s.clauses).some((c) => c.type === 'as_clause'),
        temporary: /TEMP/.test(kind),
      });
    }
    case 'alter_table_stmt': {
      const actions = items(s.actions).flatMap(readAlterAction);
      for (const a of actions) {
        if (a.kind === 'add-column') names.push(a.column.name);
        if (a.kind === 'add-constraint' && a.constraint.name) names.push(a.constraint.name);
        if (a.kind === 'rename-column') names.push(a.to);
        if (a.kind === 'rename-table') names.push(a.to);
      }
      return done({ kind: 'alter-table', table: entityName(get(s, 'table')), actions });
    }
    case 'create_index_stmt': {
      const name = entityName(get(s, 'name')) || null;
      if (name) names.push(name);
      return done({
        kind: 'create-index',
        table: entityName(get(s, 'table')),
        name,
        concurrently: Boolean(s.concurrentlyKw),
        unique: kw(s.indexTypeKw) === 'UNIQUE',
        ifNotExists: Boolean(s.ifNotExistsKw),
      });
    }
    case 'drop_index_stmt':
      return done({
        kind: 'drop-index',
        names: items(s.indexes).map(entityName),
        concurrently: Boolean(s.concurrentlyKw),
        ifExists: Boolean(s.ifExistsKw),
      });
    case 'reindex_stmt': {
      const options = items(get(s, 'options')).map((o) => o.type);
      return done({
        kind: 'reindex',
        target: kw(s.targetKw),
        name: entityName(get(s, 'name')) || null,
        concurrently: Boolean(s.concurrentlyKw) || options.includes('reindex_option_concurrently'),
      });
    }
    case 'drop_table_stmt':
      return done({ kind: 'drop-table', tables: items(s.tables).map(entityName), ifExists: Boolean(s.ifExistsKw) });
    case 'truncate_stmt':
      return done({ kind: 'truncate', tables: items(s.tables).map(entityName) });
    case 'create_type_stmt': {
      const name = entityName(get(s, 'name'));
      names.push(name);
      const def = get(s, 'definition');
      return done({
        kind: 'create-type',
        name,
        enumValues: def?.type === 'enum_type_definition' ? items(def.values).map(stringValue) : null,
      });
    }
    case 'alter_type_stmt': {
      const add = items(s.actions).find((a) => a.type === 'alter_action_add_enum_value');
      const position = add ? get(add, 'position') : undefined;
      return done({
        kind: 'alter-type',
        name: entityName(get(s, 'name')),
        addValue: add
          ? {
              value: stringValue(get(add, 'value')),
              position: position ? (kw(position.positionKw) === 'BEFORE' ? 'before' : 'after') : null,
            }
          : null,
      });
    }
    case 'set_parameter_stmt': {
      const value = items(s.value)
        .map((v) => (v.type === 'string_literal' ? String(v.value) : v.type === 'identifier' ? ident(v) : String(v.text ?? kw(v) ?? '')))
        .join(', ');
      return done({ kind: 'set', name: ident(get(s, 'name')), value, local: kw(s.modifierKw) === 'LOCAL' });
    }
    case 'reset_parameter_stmt':
      return done({ kind: 'reset', name: ident(get(s, 'name')) || 'all' });
    case 'start_transaction_stmt':
      return done({ kind: 'transaction', action: 'begin' });
    case 'commit_transaction_stmt':
      return done({ kind: 'transaction', action: 'commit' });
    case 'rollback_transaction_stmt':
      return done({ kind: 'transaction', action: 'rollback' });
    case 'savepoint_stmt':
    case 'release_savepoint_stmt':
    case 'rollback_to_savepoint':
      return done({ kind: 'transaction', action: 'savepoint' });
    case 'update_stmt': {
      const clauses = items(s.clauses);
      const upd = clauses.find((c) => c.type === 'update_clause');
      const where = clauses.find((c) => c.type === 'where_clause');
      return done({
        kind: 'update',
        table: entityName(items(upd?.tables)[0]),
        where: where ? readExpr(get(where, 'expr')) : null,
        from: clauses.some((c) => c.type === 'from_clause'),
      });
    }
    case 'delete_stmt': {
      const clauses = items(s.clauses);
      const del = clauses.find((c) => c.type === 'delete_clause');
      const where = clauses.find((c) => c.type === 'where_clause');
      return done({ kind: 'delete', table: entityName(items(del?.tables)[0]), where: where ? readExpr(get(where, 'expr')) : null });
    }
    case 'insert_stmt': {
      const clauses = items(s.clauses);
      const ins = clauses.find((c) => c.type === 'insert_clause');
      return done({
        kind: 'insert',
        table: entityName(get(ins, 'table')),
        fromSelect: clauses.some((c) => c.type === 'select_stmt' || c.type === 'compound_select_stmt'),
      });
    }
    case 'refresh_materialized_view_stmt':
      return done({
        kind: 'maintenance',
        command: 'REFRESH MATERIALIZED VIEW',
        tables: [entityName(get(s, 'name'))],
        concurrently: Boolean(s.concurrentlyKw),
      });
    case 'select_stmt':
      return done({ kind: 'other', command: 'SELECT' });
    default:
      return done({ kind: 'other', command: leadingCommand(sql) });
  }
}

/** `SELECT set_config('lock_timeout', '3s', true)` is how some migrations set a timeout. */
export function readSetConfig(sql: string): ParsedStatement | null {
  const m = /set_config\s*\(\s*'([a-z_.]+)'\s*,\s*'([^']*)'\s*,\s*(true|false)\s*\)/i.exec(sql);
  if (!m) return null;
  return { kind: 'set', name: m[1]!.toLowerCase(), value: m[2]!, local: m[3]!.toLowerCase() === 'true' };
}

/** First words of a statement, upper-case: `CREATE FUNCTION`, `COMMENT ON`, `DO`, `GRANT`. */
export function leadingCommand(sql: string): string {
  const words = codeTokens(tokenize(sql.slice(0, 200)))
    .filter((t) => t.type === 'word')
    .map((t) => t.value)
    .filter((w) => w !== 'OR' && w !== 'REPLACE' && w !== 'UNIQUE' && w !== 'TEMP' && w !== 'TEMPORARY');
  if (words.length === 0) return '';
  const first = words[0]!;
  return ['CREATE', 'DROP', 'ALTER', 'COMMENT'].includes(first) && words[1] ? `${first} ${words[1]}` : first;
}

