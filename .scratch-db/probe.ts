import { provisionPostgresLocal } from '../src/database/postgres-local.ts';
import pg from 'pg';
for (const v of ['15', '17', '15']) {
  const t = performance.now();
  const db = await provisionPostgresLocal({ postgresVersion: v, log: console.log });
  console.log('provision total', Math.round(performance.now() - t), db.url, db.serverVersion, db.serverVersionNum);
  const c = new pg.Client({ connectionString: db.url }); await c.connect();
  await c.query('CREATE TABLE t (id serial primary key, name text not null default $$x$$)');
  await c.end();
  let s = performance.now(); const snap = await db.snapshot(); console.log('snapshot', (performance.now() - s).toFixed(1), snap.objects.length);
  s = performance.now(); await db.reset(); console.log('reset', (performance.now() - s).toFixed(1));
  console.log((await db.snapshot()).objects.map(o => o.kind + ' ' + o.key));
  s = performance.now(); await db.dispose(); console.log('dispose', (performance.now() - s).toFixed(1));
}
