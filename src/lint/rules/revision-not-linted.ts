// revision-not-linted: a revision with neither an upgrade trace nor offline SQL (the upgrade did not run and
// offline mode failed), so no rule could look at it. Emitted by the engine.

import type { Rule } from '../types.ts';

export const revisionNotLinted: Rule = {
  id: 'revision-not-linted',
  title: 'Revision with nothing to lint',
  defaultSeverity: 'notice',
  dialects: ['postgresql', 'sqlite'],
  engine: true,
  hint: 'Fix the upgrade failure reported by the upgrade check, or make the migration work in offline mode (`alembic upgrade --sql`): avoid op.get_bind() queries at module level.',
  check() {},
};
