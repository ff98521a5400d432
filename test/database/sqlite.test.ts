import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { provisionSqlite, sqliteVersionNumber } from '../../src/database/sqlite.ts';
import type { SchemaSnapshot } from '../../src/schema/snapshot.ts';
import { venvPython } from '../support/env.ts';

/** A real SQLite snapshot of the file, through Python's sqlite3 (what the driver uses). */
function pythonTables(path: string): string[] {
  const out = execFileSync(venvPython(), ['-c',
    'import sqlite3,sys,json; c=sqlite3.connect(sys.argv[1]); '
    + 'print(json.dumps([r[0] for r in c.execute("select name from sqlite_master where type=\'table\' order by 1")]))',
    path]);
  return JSON.parse(out.toString()) as string[];
}

test('sqlite: a file in a fresh temp dir; snapshot through the injected function; reset empties; dispose removes', async () => {
  const seen: string[] = [];
  const db = await provisionSqlite({
    sqliteVersion: '3.40.1',
    sqliteSnapshot: async (path): Promise<SchemaSnapshot> => {
      seen.push(path);
      return { dialect: 'sqlite', objects: pythonTables(path).map((t) => ({ kind: 'table' as const, key: t, props: {} })) };
    },
  });
  try {
    assert.equal(db.provider, 'sqlite');
    assert.equal(db.dialect, 'sqlite');
    assert.match(db.url, /^sqlite:\/\/\/\/.+\/preflight\.db$/);
    assert.equal(db.serverVersionNum, 3040001);
    const path = db.url.slice('sqlite:///'.length);
    assert.ok(existsSync(path));

    execFileSync(venvPython(), ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table t (id integer)"); c.commit()', path]);
    assert.deepEqual((await db.snapshot()).objects.map((o) => o.key), ['t']);
    assert.deepEqual(seen, [path]);

    await db.reset();
    assert.equal(statSync(path).size, 0);
    assert.deepEqual((await db.snapshot()).objects, []);

    await db.dispose();
    assert.ok(!existsSync(dirname(path)), 'the temp dir is removed');
    await db.dispose(); // idempotent
  } finally {
    await db.dispose();
  }
});

test('sqlite: snapshot without an injected function is an internal error, not a silent empty snapshot', async () => {
  const db = await provisionSqlite({});
  try {
    await assert.rejects(db.snapshot(), /sqliteSnapshot/);
  } finally {
    await db.dispose();
  }
});

test('sqliteVersionNumber follows SQLITE_VERSION_NUMBER', () => {
  assert.equal(sqliteVersionNumber('3.45.1'), 3045001);
  assert.equal(sqliteVersionNumber('3.8'), 3008000);
});
