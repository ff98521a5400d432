// unused-ignore: a `preflight: ignore` directive that silenced nothing (or names an unknown rule). Stale ignores
// hide the next real hazard on that line. Emitted by the engine.

import type { Rule } from '../types.ts';

export const unusedIgnore: Rule = {
  id: 'unused-ignore',
  title: 'Ignore directive that matches nothing',
  defaultSeverity: 'warning',
  dialects: ['postgresql', 'sqlite'],
  engine: true,
  hint: 'Remove the directive, or fix its rule id / move it onto (or just above) the op.* line the finding points at.',
  check() {},
};
