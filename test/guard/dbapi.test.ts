// Issue 10 items 1 and 2, against dist/: a do_connect listener in env.py that rewrites the connection parameters,
// and DBAPI-level connects (psycopg2/psycopg/asyncpg connect in a migration, a creator= function, libpq's PG*
// environment fallbacks, a Unix socket, sqlite3/aiosqlite on another file) are each refused, with the file and
// line, before a byte is sent: the precious cluster's server log (log_connections, log_statement=all) shows no
// connection from any run, and its data is unchanged. In both venvs (Alembic 1.8 / SQLAlchemy 1.4 too).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli.ts';
import { hasOldVenv, venvPython } from '../support/env.ts';
import { startPrecious, type Precious } from './precious.ts';
import { HOSTILE, hostileProject, workDir } from './support.ts';

const work = workDir('dbapi');
let precious: Precious;

before(async () => {
  precious = await startPrecious();
});
after(async () => {
  await precious?.stop();
  rmSync(work, { recursive: true, force: true });
});

const pythons: ['latest' | 'old', string][] = [['latest', venvPython()]];
if (hasOldVenv()) pythons.push(['old', venvPython('old')]);

/** A run of `dir` on its own throwaway database; returns the report (the run must stop with a refusal). */
async function refusedRun(dir: string, python: string, database = 'postgres-local') {
  const mark = precious.log().length;
  const run = await runCli(['check', dir, '--database', database, '--python', python, '--checks', 'upgrade',
    '--format', 'json'], { dist: true });
  assert.equal(run.code, 2, `exit ${run.code}\n${run.stdout}\n${run.stderr}`);
  const error = run.report!.error!;
  assert.equal(error.kind, 'user');
  assert.match(error.message, /^refused to connect to /, error.message);
  assert.doesNotMatch(error.message, /Upgrade passed/);
  assert.deepEqual(precious.connectionsSince(mark), [], 'the precious cluster logged no connection from the run');
  assert.deepEqual(precious.log().slice(mark).filter((l) => /statement:/.test(l)), [], 'and no statement');
  assert.deepEqual(await precious.rows(), ['gold'], 'its data is unchanged');
  return { run, error };
}

const line = (dir: string, file: string, text: string) =>
  readFileSync(join(dir, file), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

for (const [which, python] of pythons) {
  test(`item 1 (${which}): a do_connect listener in env.py that points the connection at another database`, async () => {
    const dir = hostileProject(work, `listener-${which}`, '    pass');
    const envPy = join(dir, 'migrations', 'env.py');
    const source = readFileSync(envPy, 'utf8').replace('    with connectable.connect() as connection:', [
      '    from sqlalchemy import event',
      '',
      '    @event.listens_for(connectable, "do_connect")',
      '    def _token(dialect, conn_rec, cargs, cparams):  # the IAM-token recipe, pointed elsewhere',
      '        cparams.pop("database", None)',
      `        cparams.update(host="127.0.0.1", port=${precious.port}, dbname="precious", user="postgres")`,
      '',
      '    with connectable.connect() as connection:',
    ].join('\n'));
    writeFileSync(envPy, source);
    const { error } = await refusedRun(dir, python);
    assert.match(error.message, new RegExp(`refused to connect to postgresql://postgres@localhost:${precious.port}/precious \\(psycopg2\\.connect\\)`));
    assert.match(error.message, /do_connect listener at migrations\/env\.py:\d+ changed the connection parameters/);
    assert.equal(error.file, 'migrations/env.py');
    assert.equal(error.line, line(dir, 'migrations/env.py', 'with connectable.connect() as connection:'));
  });

  // @PORT@ and @SOCKET@ are the precious cluster's TCP port and socket directory.
  const pgProbes: [string, string, string, boolean][] = [
    ['psycopg2.connect in a migration', 'import psycopg2',
      '    conn = psycopg2.connect(host="127.0.0.1", port=@PORT@, dbname="precious", user="postgres")', false],
    ['create_engine(creator=psycopg2.connect elsewhere)', 'import psycopg2',
      '    engine = sa.create_engine(os.environ["DATABASE_URL"], creator=lambda: psycopg2.connect("host=127.0.0.1 port=@PORT@ dbname=precious user=postgres"))\n    conn = engine.raw_connection()', false],
    ['psycopg2.connect through the precious Unix socket', 'import psycopg2',
      '    conn = psycopg2.connect(host=@SOCKET@, port=@PORT@, dbname="precious", user="postgres")', false],
    ["libpq's PGHOST/PGPORT/PGDATABASE fallbacks", 'import psycopg2',
      '    os.environ.update(PGHOST=@SOCKET@, PGPORT="@PORT@", PGDATABASE="precious", PGUSER="postgres")\n    conn = psycopg2.connect("")', false],
    ['a service file whose section header libpq and a loose reader read differently', 'import psycopg2, tempfile',
      '    path = tempfile.mktemp()\n    open(path, "w").write("[evil]x\\nhost=127.0.0.1\\nport=@PORT@\\ndbname=precious\\nuser=postgres\\n[evil]\\nhost=/nowhere\\n")\n    os.environ["PGSERVICEFILE"] = path\n    conn = psycopg2.connect("service=evil")', false],
    ['a postgresql:// URI handed to psycopg2', 'import psycopg2',
      '    conn = psycopg2.connect("postgresql://postgres@127.0.0.1:@PORT@/precious")', false],
    ['psycopg (3) connect', 'import psycopg',
      '    conn = psycopg.connect("host=127.0.0.1 port=@PORT@ dbname=precious user=postgres")', true],
    ['asyncpg connect', 'import asyncio, asyncpg',
      '    conn = asyncio.run(asyncpg.connect("postgresql://postgres@127.0.0.1:@PORT@/precious"))', true],
    ['asyncpg create_pool', 'import asyncio, asyncpg',
      '    async def pool():\n        return await asyncpg.create_pool("postgresql://postgres@127.0.0.1:@PORT@/precious", min_size=1)\n    conn = asyncio.run(pool())', true],
  ];
  for (const [name, imports, body, latestOnly] of pgProbes) {
    if (latestOnly && which === 'old') continue;
    test(`item 2 (${which}): ${name} is refused before a byte is sent`, async () => {
      const code = body.replaceAll('@PORT@', String(precious.port)).replaceAll('@SOCKET@', JSON.stringify(precious.socketDir));
      const dir = hostileProject(work, `${name.replace(/\W+/g, '-')}-${which}`,
        `${code}\n    conn.cursor().execute("INSERT INTO treasure VALUES ('stolen')")  # never reached`, imports);
      const { error } = await refusedRun(dir, python);
      assert.match(error.message, /\/precious|precious\b/);
      const file = `migrations/versions/${HOSTILE}_hostile.py`;
      assert.equal(error.file, file, error.message);
      assert.match(error.message, new RegExp(`${file.replace(/[./]/g, '\\$&')}:\\d+ tried to open it; a migration runs on the connection Alembic gives it`));
    });
  }

  test(`item 2 (${which}): sqlite3.connect on another file, on a SQLite run`, async () => {
    const elsewhere = join(work, `elsewhere-${which}.db`);
    const dir = hostileProject(work, `sqlite-${which}`,
      `    conn = sqlite3.connect(${JSON.stringify(elsewhere)})\n    conn.execute("CREATE TABLE stolen (x)")\n    conn.commit()`, 'import sqlite3');
    const { error } = await refusedRun(dir, python, 'sqlite');
    assert.match(error.message, new RegExp(`refused to connect to sqlite:///${elsewhere.replace(/[./]/g, '\\$&')} \\(sqlite3\\.connect\\)`));
    assert.ok(!existsSync(elsewhere), 'the other file was never created');
  });
}

test('item 2: aiosqlite on another file (checked in the caller, and again in its worker thread)', async () => {
  const elsewhere = join(work, 'elsewhere-aio.db');
  const dir = hostileProject(work, 'aiosqlite', [
    '    async def go():',
    `        async with aiosqlite.connect(${JSON.stringify(elsewhere)}) as conn:`,
    '            await conn.execute("CREATE TABLE stolen (x)")',
    '    asyncio.run(go())',
  ].join('\n'), 'import asyncio, aiosqlite');
  const { error } = await refusedRun(dir, venvPython(), 'sqlite');
  assert.match(error.message, /\(aiosqlite\.connect\)/);
  assert.ok(!existsSync(elsewhere));
});

test('the throwaway database itself stays reachable every way: psycopg2, psycopg, asyncpg, libpq env vars, the URL', async () => {
  const dir = hostileProject(work, 'allowed', [
    '    url = sa.engine.make_url(os.environ["DATABASE_URL"])',
    '    host, db = url.query["host"], url.database',
    '    c = psycopg2.connect(host=host, dbname=db, user="postgres"); c.close()',
    '    c = psycopg2.connect(os.environ["DATABASE_URL"].replace("+psycopg2", "")); c.close()',
    '    c = psycopg.connect(host=host, dbname=db, user="postgres"); c.close()',
    '    async def one():',
    '        await (await asyncpg.connect(host=host, database=db, user="postgres")).close()',
    '    asyncio.run(one())',
    '    os.environ.update(PGHOST=host, PGDATABASE=db, PGUSER="postgres")',
    '    c = psycopg2.connect(""); c.close()',
    '    del os.environ["PGHOST"], os.environ["PGDATABASE"], os.environ["PGUSER"]',
    "    print('all allowed', file=sys.stderr, flush=True)",
  ].join('\n'), 'import asyncio, asyncpg, psycopg, psycopg2');
  const run = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(), '--checks', 'upgrade',
    '--format', 'json', '-v'], { dist: true });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stderr, /all allowed/);
});

test("SQLAlchemy's IAM-token recipe itself still works: a do_connect listener that only sets the password", async () => {
  const dir = hostileProject(work, 'token-listener', '    pass');
  const envPy = join(dir, 'migrations', 'env.py');
  writeFileSync(envPy, readFileSync(envPy, 'utf8').replace('    with connectable.connect() as connection:', [
    '    from sqlalchemy import event',
    '',
    '    @event.listens_for(connectable, "do_connect")',
    '    def _token(dialect, conn_rec, cargs, cparams):',
    '        cparams["password"] = "a-fresh-token"  # trust auth on the socket ignores it',
    '',
    '    with connectable.connect() as connection:',
  ].join('\n')));
  const run = await runCli(['check', dir, '--database', 'postgres-local', '--python', venvPython(), '--checks', 'upgrade',
    '--format', 'json'], { dist: true });
  assert.equal(run.code, 0, run.stdout + run.stderr);
});

test('a psycopg2 connection_factory that builds its own connection elsewhere is refused (the dsn it is handed proves nothing)', async () => {
  const body = [
    '    class Elsewhere(psycopg2.extensions.connection):',
    '        def __init__(self, dsn, *args, **kwargs):',
    `            super().__init__("host=127.0.0.1 port=${precious.port} dbname=precious user=postgres", *args, **kwargs)`,
    '    engine = sa.create_engine(os.environ["DATABASE_URL"], connect_args={"connection_factory": Elsewhere})',
    '    conn = engine.raw_connection()',
    `    conn.cursor().execute("INSERT INTO treasure VALUES ('stolen')")  # never reached`,
  ].join('\n');
  const dir = hostileProject(work, 'connection-factory', body, 'import psycopg2, psycopg2.extensions');
  const { error } = await refusedRun(dir, venvPython());
  assert.match(error.message, /connection_factory/);
  // A factory that leaves construction to psycopg2 (DictConnection) still connects to the throwaway database.
  const ok = hostileProject(work, 'connection-factory-ok', [
    '    engine = sa.create_engine(os.environ["DATABASE_URL"], connect_args={"connection_factory": psycopg2.extras.DictConnection})',
    '    engine.raw_connection().close()',
  ].join('\n'), 'import psycopg2, psycopg2.extras');
  const run = await runCli(['check', ok, '--database', 'postgres-local', '--python', venvPython(), '--checks', 'upgrade', '--format', 'json'], { dist: true });
  assert.equal(run.code, 0, `${run.report?.error?.message ?? ''}\n${run.stderr.slice(-1500)}`);
});
