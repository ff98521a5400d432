import { writeFileSync } from 'node:fs';
import { provisionPostgresLocal } from './src/database/postgres-local.ts';
import { lintMigrations } from './src/lint/engine.ts';
import { runFixture } from './test/lint/real-run.ts';
import { fixture } from './test/support/env.ts';
const db = await provisionPostgresLocal({});
try {
  console.log('server', db.serverVersion, db.serverVersionNum);
  for (const name of ['lint-hazards', 'healthy']) {
    const run = await runFixture(fixture(name), db, 'psycopg2');
    writeFileSync(`/tmp/lintprobe/${name}.json`, JSON.stringify(run, null, 1));
    const out = lintMigrations(run.input);
    console.log(`== ${name}: ${out.statementsLinted} statements, ${out.parseFailures} parse failures`);
    for (const f of out.findings) console.log(f.severity.padEnd(7), f.code.padEnd(30), `${f.file?.split('/').pop()}:${f.line}`, '|', f.message.slice(0, 150));
    const off = lintMigrations({ ...run.input, revisions: run.input.revisions.map((r) => ({ ...r, executed: null })) });
    console.log(`-- offline only: ${off.findings.length} findings`);
  }
} finally { await db.dispose(); }
