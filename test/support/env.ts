// Where the tests find the real parts: the fixtures' Python venvs (made by scripts/setup-python.sh) and the repo root.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixturesDir = join(repoRoot, 'fixtures');

export function fixture(name: string): string {
  return join(fixturesDir, name);
}

/** The venv with the latest Alembic and SQLAlchemy 2.x (and asyncpg, aiosqlite, psycopg2, psycopg 3). */
export function venvPython(which: 'latest' | 'old' = 'latest'): string {
  const env = which === 'latest' ? process.env.PREFLIGHT_TEST_PYTHON : process.env.PREFLIGHT_TEST_PYTHON_OLD;
  if (env) return env;
  const path = join(repoRoot, which === 'latest' ? '.venv' : '.venv-old', 'bin', 'python');
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`bash scripts/setup-python.sh\` first (the README's test command does).`);
  }
  return path;
}

export function hasOldVenv(): boolean {
  return Boolean(process.env.PREFLIGHT_TEST_PYTHON_OLD) || existsSync(join(repoRoot, '.venv-old', 'bin', 'python'));
}
