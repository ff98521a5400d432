// ignore-without-reason: a `preflight: ignore` directive with no reason after the rule ids. The reason is the
// review record of why the hazard is acceptable. Emitted by the engine.

import type { Rule } from '../types.ts';

export const ignoreWithoutReason: Rule = {
  id: 'ignore-without-reason',
  title: 'Ignore directive without a reason',
  defaultSeverity: 'warning',
  dialects: ['postgresql', 'sqlite'],
  engine: true,
  hint: 'Write why after the rule id: `# preflight: ignore[drop-column] column unused since release 4.2`.',
  check() {},
};
