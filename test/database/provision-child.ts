// Child process for cleanup.test.ts: provisions a postgres-local and a sqlite database under argv[2], prints one
// JSON line, then either waits to be signalled or ends as argv[3] says (exit without dispose).
import { provisionPostgresLocal } from '../../src/database/postgres-local.ts';
import { provisionSqlite } from '../../src/database/sqlite.ts';
import { watcherPid } from '../../src/database/parent-death-watch.ts';

const [tmpDir, mode] = process.argv.slice(2);
const pg = await provisionPostgresLocal({ tmpDir });
const lite = await provisionSqlite({ tmpDir });
process.stdout.write(`${JSON.stringify({ pg: pg.url, sqlite: lite.url, watcher: watcherPid() })}\n`);
if (mode === 'exit') process.exit(0);
// Wait for a signal; the timer keeps the event loop alive.
setInterval(() => {}, 1_000);
