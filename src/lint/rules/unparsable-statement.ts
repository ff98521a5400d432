// unparsable-statement: sql-parser-cst could not parse a statement. Never fatal: the token classifier reads the
// statements the rules care about, and the finding says whether it did. Emitted by the engine.

import type { Rule } from '../types.ts';

export const unparsableStatement: Rule = {
  id: 'unparsable-statement',
  title: 'Statement sql-parser-cst cannot parse',
  defaultSeverity: 'notice',
  dialects: ['postgresql', 'sqlite'],
  squawk: ['syntax-error'],
  engine: true,
  hint:
    'Nothing to change in the migration if the SQL is valid: the statement ran (or was rendered) fine. It means the linter read it with its fallback token classifier, or not at all; report it if a rule should have looked inside it.',
  check() {},
};
