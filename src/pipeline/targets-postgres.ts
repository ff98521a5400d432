// Whether a project that develops on SQLite shows it deploys PostgreSQL: its env.py, alembic.ini, settings modules
// or declared dependencies name a PostgreSQL URL or driver. Read from the project's files, not from whatever a
// shared virtualenv happens to have installed. Promise: reads a bounded set of small files, never runs anything.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const DEPENDENCY_FILES = /^(requirements[\w.-]*\.(txt|in)|pyproject\.toml|setup\.cfg|setup\.py|Pipfile|environment\.ya?ml)$/;
const SETTINGS_FILES = /^(settings|config|conf|database|db)\.py$|^\.env(\.(?!example|sample|template|dist)[\w-]+)?$/;
const SKIP_DIRS = new Set(['node_modules', '.git', '.venv', 'venv', '.tox', '__pycache__', 'site-packages', '.mypy_cache']);
const POSTGRES = /\bpostgres(?:ql)?(?:\+\w+)?:\/\/|\b(psycopg2(?:-binary)?|psycopg(?:\[[\w,]+\])?|asyncpg|pg8000)\b/i;
const MAX_FILE = 256 * 1024;

function* candidates(dir: string, depth: number): Generator<string> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // an unreadable directory has nothing to say
  }
  for (const name of names) {
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (depth > 0 && !SKIP_DIRS.has(name) && !name.startsWith('.')) yield* candidates(path, depth - 1);
    } else if (st.size <= MAX_FILE && (DEPENDENCY_FILES.test(name) || SETTINGS_FILES.test(name))) {
      yield path;
    }
  }
}

/** The first file (relative to the project) and the text in it that names PostgreSQL, or null. */
export function postgresEvidence(projectDir: string, envPy: string | null, iniFile: string | null): string | null {
  const files = [envPy, iniFile, ...candidates(projectDir, 3)].filter((f): f is string => !!f && existsSync(f));
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    // Comment lines say nothing about where the project deploys (`# pip install psycopg2 for prod`).
    const comment = basename(file) === 'alembic.ini' ? /^\s*[#;]/ : /^\s*#/;
    text = text.split('\n').filter((l) => !comment.test(l)).join('\n');
    const m = POSTGRES.exec(text);
    if (m) return `${relative(projectDir, file) || file} names ${m[0].replace(/:\/\/$/, '')}`;
  }
  return null;
}
