import { lintSql, facts } from './test/lint/lint-input.ts';
const f = lintSql([
  'CREATE TABLE users (id SERIAL NOT NULL, email VARCHAR(50), created TIMESTAMP WITHOUT TIME ZONE, data JSON, PRIMARY KEY (id))',
  'CREATE INDEX ix_users_email ON users (email)',
  'CREATE INDEX ix_orders_user_id ON orders (user_id)',
  'ALTER TABLE orders ADD COLUMN total INTEGER NOT NULL',
  { sql: "ALTER TABLE orders ADD COLUMN token UUID DEFAULT gen_random_uuid()", facts: facts({ locks: [{ relation: 'public.orders', mode: 'AccessExclusiveLock' }], rewritten: ['public.orders'] }) },
  "UPDATE orders SET total = 0 WHERE total IS NULL",
  "ALTER TABLE orders ALTER COLUMN total TYPE BIGINT",
  "ALTER TABLE orders RENAME COLUMN a TO b",
  "ALTER TYPE mood ADD VALUE 'x'",
  "VACUUM FULL orders",
  "UPDATE alembic_version SET version_num='b' WHERE alembic_version.version_num = 'a'",
], { downgrade: 'pass', downgradeLine: 40 });
for (const x of f) console.log(x.severity.padEnd(7), x.code.padEnd(30), x.line, x.message, JSON.stringify(x.evidence));
