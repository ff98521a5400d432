// A finding's hint built from its own objects (table, column, index, constraint, type, dialect) by the builders of
// this directory; a rule without a builder, or a finding a builder cannot read, keeps the rule's general hint.

import type { RevisionContext, Rule, RuleReport } from '../types.ts';
import { CHANGE_HINTS } from './changes.ts';
import { LOCK_HINTS, type HintBuilder } from './locks.ts';
import { TYPE_HINTS } from './types.ts';

const BUILDERS: Record<string, HintBuilder> = { ...LOCK_HINTS, ...CHANGE_HINTS, ...TYPE_HINTS };

export function hintFor(rule: Rule, report: RuleReport, ctx: RevisionContext): string {
  return BUILDERS[rule.id]?.(report, ctx) ?? rule.hint;
}

/** Rules whose hints are built per finding (the others' hint is the same for every finding). */
export const RULES_WITH_BUILT_HINTS: readonly string[] = Object.keys(BUILDERS);
