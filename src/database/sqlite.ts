// The sqlite provider: an empty database file in a fresh temp dir (a file, not :memory:, so the Python driver and
// env.py open the same database). Snapshots come from the driver; reset recreates the file; dispose removes the dir.

import { rmSync } from 'node:fs';
import { copyFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InternalError } from '../errors.ts';
import { registerDisposable } from './cleanup.ts';
import type { ProvisionSpec, ThrowawayDatabase } from './provider.ts';
import { watchAfterDeath } from './parent-death-watch.ts';
import { ownedTempDir, throwawayBaseDir } from './temp-dir.ts';
import { sqliteUrl } from './url.ts';

const FILE = 'preflight.db';
/** Files SQLite keeps beside the database (rollback journal, WAL): a reset must remove them too. */
const COMPANIONS = ['-journal', '-wal', '-shm'];

/** 3.45.1 → 3045001, SQLite's own SQLITE_VERSION_NUMBER encoding. */
export function sqliteVersionNumber(version: string): number {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  return major * 1_000_000 + minor * 1_000 + patch;
}

export async function provisionSqlite(spec: ProvisionSpec): Promise<ThrowawayDatabase> {
  const dir = await ownedTempDir(throwawayBaseDir(spec.tmpDir), 'sqlite');
  const unwatch = watchAfterDeath('dir', dir);
  const path = join(dir, FILE);
  let disposed: Promise<void> | null = null;
  const dispose = (): Promise<void> => {
    disposed ??= (async () => {
      await rm(dir, { recursive: true, force: true });
      unwatch();
      unregister();
    })();
    return disposed;
  };
  const unregister = registerDisposable({
    name: `sqlite database in ${dir}`,
    dispose,
    disposeSync: () => rmSync(dir, { recursive: true, force: true }),
  });
  const create = async () => {
    for (const suffix of ['', ...COMPANIONS]) await rm(`${path}${suffix}`, { force: true });
    // An empty file is a valid empty SQLite database.
    await writeFile(path, '');
  };
  await create();
  // The restore point: a copy of the file (no journal beside it: the walk that wrote it has ended).
  const checkpointPath = join(dir, 'checkpoint.db');
  let hasCheckpoint = false;
  const checkpoint = async () => {
    await copyFile(path, checkpointPath);
    hasCheckpoint = true;
  };
  // The restore point is used up: the file becomes the database (a rename, not a copy).
  const restore = async () => {
    if (!hasCheckpoint) return create();
    for (const suffix of COMPANIONS) await rm(`${path}${suffix}`, { force: true });
    await rename(checkpointPath, path);
    hasCheckpoint = false;
  };
  const version = spec.sqliteVersion ?? 'unknown';
  spec.log?.(`sqlite: database file ${path}`);
  return {
    provider: 'sqlite',
    dialect: 'sqlite',
    url: sqliteUrl(path),
    serverVersion: version,
    serverVersionNum: spec.sqliteVersion ? sqliteVersionNumber(spec.sqliteVersion) : 0,
    snapshot: async () => {
      if (!spec.sqliteSnapshot) {
        throw new InternalError('the sqlite provider needs spec.sqliteSnapshot (snapshots are taken by the Python driver)');
      }
      return spec.sqliteSnapshot(path);
    },
    reset: create,
    checkpoint,
    restore,
    dispose,
  };
}
