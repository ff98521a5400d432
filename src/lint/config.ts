// Reads and validates `[tool.alembic-preflight.lint]`: severity per rule, where to start, which server to lint for.
// Anything unknown or malformed is a UserError naming the key and the file, never silently ignored.
//
//   [tool.alembic-preflight.lint]
//   start-after = "3f2a1c9b7d10"        # lint only revisions after this one (oldest-first order)
//   target-server-version = "12"        # or 12, "12.4", 120004: lint as for this PostgreSQL version
//   [tool.alembic-preflight.lint.rules]
//   drop-column = "error"               # error | warning | notice | off
//   json-column = "off"

import { UserError } from '../errors.ts';
import type { Severity } from '../report/model.ts';
import { ruleById } from './rules/index.ts';
import type { LintConfig } from './types.ts';

export type { LintConfig } from './types.ts';

const LEVELS = ['error', 'warning', 'notice', 'off'] as const;
const KEYS = new Set(['rules', 'start-after', 'target-server-version']);

export function defaultLintConfig(): LintConfig {
  return { rules: {} };
}

export function parseLintConfig(raw: unknown, source: string): LintConfig {
  const where = { file: source };
  if (raw === undefined || raw === null) return defaultLintConfig();
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError('[tool.alembic-preflight.lint] must be a table', where);
  }
  const table = raw as Record<string, unknown>;
  for (const key of Object.keys(table)) {
    if (!KEYS.has(key)) {
      const hint = ruleById.has(key) ? ` (rule severities go in [tool.alembic-preflight.lint.rules])` : '';
      throw new UserError(
        `unknown key "${key}" in [tool.alembic-preflight.lint]; known keys: ${[...KEYS].join(', ')}${hint}`,
        where,
      );
    }
  }
  const config: LintConfig = { rules: {} };

  const rules = table.rules;
  if (rules !== undefined) {
    if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) {
      throw new UserError('[tool.alembic-preflight.lint] rules must be a table of rule-id = "error" | "warning" | "notice" | "off"', where);
    }
    for (const [id, level] of Object.entries(rules as Record<string, unknown>)) {
      if (!ruleById.has(id)) {
        throw new UserError(
          `unknown lint rule "${id}" in [tool.alembic-preflight.lint.rules]; see docs/rules/README.md for the rule ids`,
          where,
        );
      }
      if (typeof level !== 'string' || !(LEVELS as readonly string[]).includes(level)) {
        throw new UserError(
          `[tool.alembic-preflight.lint.rules] ${id} must be one of ${LEVELS.join(', ')}, not ${JSON.stringify(level)}`,
          where,
        );
      }
      config.rules[id] = level as Severity | 'off';
    }
  }

  const startAfter = table['start-after'];
  if (startAfter !== undefined) {
    if (typeof startAfter !== 'string' || startAfter.trim() === '') {
      throw new UserError('[tool.alembic-preflight.lint] start-after must be a revision id (a non-empty string)', where);
    }
    config.startAfter = startAfter.trim();
  }

  const target = table['target-server-version'];
  if (target !== undefined) {
    const num = parseServerVersion(target);
    if (num === null) {
      throw new UserError(
        `[tool.alembic-preflight.lint] target-server-version must be a PostgreSQL version like "12", "12.4" or 120004, not ${JSON.stringify(target)}`,
        where,
      );
    }
    config.targetServerVersion = num;
  }
  return config;
}

/** "12" → 120000, "12.4" → 120004, "9.6" → 90600, 11 → 110000, 110005 → 110005. Null when not a version. */
export function parseServerVersion(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) {
    if (value >= 10000) return value;
    if (value >= 7 && value < 100) return value * 10000;
    return null;
  }
  if (typeof value !== 'string') return null;
  const m = /^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(value);
  if (!m) return null;
  const major = Number(m[1]);
  const minor = Number(m[2] ?? 0);
  if (major >= 10000) return major;
  if (major >= 10) return major * 10000 + minor;
  if (major >= 7) return major * 10000 + minor * 100 + Number(m[3] ?? 0);
  return null;
}
