// Every hint is written with the finding's own objects: its table, column, index, constraint, type and dialect.
// Each case lints real SQL through the engine and checks the hint names what the statement names (and not the
// docs' example objects); SQLite hints never suggest ALTER COLUMN ... TYPE or now().
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RULES_WITH_BUILT_HINTS } from '../../../src/lint/hints/index.ts';
import { ruleById } from '../../../src/lint/rules/index.ts';
import type { Dialect } from '../../../src/lint/types.ts';
import { facts, findingsOf, WITH_TIMEOUT, type StatementSpec } from '../lint-input.ts';

const SQLITE = { dialect: 'sqlite' as Dialect, serverVersionNum: 3045000 };

function hintOf(rule: string, specs: StatementSpec[], opts: Parameters<typeof findingsOf>[2] = {}): string {
  const [f] = findingsOf(rule, specs, opts);
  assert.ok(f, `${rule} reported`);
  assert.ok(f.hint, `${rule} has a hint`);
  return f.hint;
}

function has(hint: string, ...parts: string[]): void {
  for (const p of parts) assert.ok(hint.includes(p), `hint should contain ${JSON.stringify(p)}:\n${hint}`);
}

function lacks(hint: string, ...parts: (string | RegExp)[]): void {
  for (const p of parts) assert.ok(typeof p === 'string' ? !hint.includes(p) : !p.test(hint), `hint should not contain ${p}:\n${hint}`);
}

test('PostgreSQL lock rules: the index, constraint, table and column of the statement', () => {
  let h = hintOf('create-index-not-concurrently', [WITH_TIMEOUT, 'CREATE UNIQUE INDEX ix_users_name ON users (name, org_id)']);
  has(h, 'op.create_index("ix_users_name", "users", ["name", "org_id"], unique=True, postgresql_concurrently=True)', 'autocommit_block');
  lacks(h, 'ix_users_email');
  h = hintOf('drop-index-not-concurrently', [WITH_TIMEOUT, { sql: 'DROP INDEX ix_orders_total', facts: facts({ locks: [{ relation: 'public.orders', mode: 'AccessExclusiveLock' }] }) }]);
  has(h, 'op.drop_index("ix_orders_total", table_name="orders", postgresql_concurrently=True, if_exists=True)');
  h = hintOf('concurrently-in-transaction', ['CREATE INDEX CONCURRENTLY ix_posts_slug ON posts (slug)'], { offline: true });
  has(h, 'op.execute("CREATE INDEX CONCURRENTLY ix_posts_slug ON posts (slug)")');
  h = hintOf('constraint-without-not-valid', [WITH_TIMEOUT, 'ALTER TABLE orders ADD CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (uid)']);
  has(h, 'op.create_foreign_key("fk_orders_customer", "orders", "customers", ["customer_id"], ["uid"], postgresql_not_valid=True)', 'VALIDATE CONSTRAINT fk_orders_customer');
  h = hintOf('constraint-without-not-valid', [WITH_TIMEOUT, 'ALTER TABLE items ADD CONSTRAINT ck_items_qty CHECK (qty > 0 AND (qty < 100))']);
  has(h, 'op.create_check_constraint("ck_items_qty", "items", "qty > 0 AND (qty < 100)", postgresql_not_valid=True)');
  h = hintOf('validate-in-same-transaction', [WITH_TIMEOUT, 'ALTER TABLE items ADD CONSTRAINT ck_q CHECK (q > 0) NOT VALID', 'ALTER TABLE items VALIDATE CONSTRAINT ck_q']);
  has(h, 'ALTER TABLE items VALIDATE CONSTRAINT ck_q');
  h = hintOf('unique-without-using-index', [WITH_TIMEOUT, 'ALTER TABLE accounts ADD CONSTRAINT uq_accounts_handle UNIQUE (handle)']);
  has(h, '"uq_accounts_handle_idx", "accounts", ["handle"], unique=True', 'UNIQUE USING INDEX uq_accounts_handle_idx');
  h = hintOf('set-not-null', [WITH_TIMEOUT, 'ALTER TABLE posts ALTER COLUMN body SET NOT NULL']);
  has(h, '"ck_posts_body_not_null", "posts", "body IS NOT NULL"', 'op.alter_column("posts", "body"');
  lacks(h, 'users', 'email');
  // The column's type as the migration left it: a String(20) column is not called sa.Text().
  h = hintOf('set-not-null', [WITH_TIMEOUT, 'ALTER TABLE posts ALTER COLUMN title TYPE varchar(20)', 'ALTER TABLE posts ALTER COLUMN title SET NOT NULL']);
  has(h, 'existing_type=sa.String(length=20)');
  lacks(h, 'sa.Text()');
});

test('PostgreSQL: defaults, type changes, rewrites, and the lock_timeout lost at an autocommit block', () => {
  let h = hintOf('add-required-column', [WITH_TIMEOUT, 'ALTER TABLE invoices ADD COLUMN paid_at timestamptz NOT NULL']);
  has(h, 'op.add_column("invoices", sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("CURRENT_TIMESTAMP")))');
  h = hintOf('add-column-rewrite', [WITH_TIMEOUT, 'ALTER TABLE events ADD COLUMN token uuid DEFAULT gen_random_uuid()']);
  has(h, 'op.add_column("events", sa.Column("token", sa.Uuid(), nullable=True))', 'ALTER TABLE events ALTER COLUMN token SET DEFAULT gen_random_uuid()');
  h = hintOf('column-type-change', [WITH_TIMEOUT, 'ALTER TABLE posts ALTER COLUMN title TYPE integer USING title::integer']);
  has(h, 'sa.Column("title_new", sa.Integer(), nullable=True)', 'op.drop_column("posts", "title")', 'new_column_name="title"');
  lacks(h, '"age"', 'sa.BigInteger()');
  h = hintOf('table-rewrite', [WITH_TIMEOUT, 'VACUUM FULL audit_log']);
  has(h, 'pg_repack --table=audit_log');
  h = hintOf('missing-lock-timeout', [
    WITH_TIMEOUT, 'COMMIT', 'CREATE INDEX CONCURRENTLY ix_a ON users (a)', 'BEGIN', 'ALTER TABLE users ADD COLUMN b int NOT NULL DEFAULT 0',
  ]);
  has(h, 'The SET LOCAL lock_timeout at migrations/versions/0001_test.py:10 ended with its transaction', 'autocommit_block() commits');
  const [f] = findingsOf('missing-lock-timeout', [WITH_TIMEOUT, 'COMMIT', 'BEGIN', 'ALTER TABLE users ADD COLUMN b int NOT NULL DEFAULT 0']);
  assert.match(f!.message, /the SET LOCAL lock_timeout at migrations\/versions\/0001_test\.py:10 ended when its transaction committed/);
  // Without a lost SET LOCAL, the general hint: the same for every finding, so it can be shown once per run.
  assert.equal(hintOf('missing-lock-timeout', ['ALTER TABLE users ADD COLUMN c int NOT NULL DEFAULT 0']), ruleById.get('missing-lock-timeout')!.hint);
});

test('breaking and destructive changes name their table and column, on both dialects', () => {
  for (const opts of [{}, SQLITE]) {
    let h = hintOf('drop-column', ['ALTER TABLE posts DROP COLUMN body'], opts);
    has(h, 'op.drop_column("posts", "body")');
    lacks(h, 'legacy_flag', '"users"');
    h = hintOf('rename-column', ['ALTER TABLE users RENAME COLUMN score TO reputation'], opts);
    has(h, 'sa.Column("reputation"', 'op.drop_column("users", "score")');
    h = hintOf('rename-table', ['ALTER TABLE products RENAME TO catalog_items'], opts);
    has(h, 'op.rename_table("products", "catalog_items")', 'CREATE VIEW products AS SELECT * FROM catalog_items');
    h = hintOf('drop-table', ['DROP TABLE audit_trail'], opts);
    has(h, 'op.rename_table("audit_trail", "audit_trail_deprecated")');
    h = hintOf('update-without-where', ["UPDATE users SET status = 'active'"], opts);
    has(h, "UPDATE users SET status = 'active' WHERE id IN ");
    has(h, opts === SQLITE ? "WHERE status IS NOT 'active' LIMIT 5000" : "WHERE status IS DISTINCT FROM 'active' LIMIT 5000");
    h = hintOf('unbatched-backfill', ["UPDATE orders SET currency = 'EUR' WHERE currency IS NULL"], opts);
    has(h, "UPDATE orders SET currency = 'EUR' WHERE id IN ", 'SELECT id FROM orders');
    h = hintOf('mixed-schema-and-data', ['ALTER TABLE orders ADD COLUMN currency text', "UPDATE orders SET currency = 'EUR' WHERE currency IS NULL"], opts);
    has(h, "orders's rows", "UPDATE orders SET currency = 'EUR'");
    h = hintOf('irreversible-downgrade', ['CREATE TABLE tags (id int)', 'CREATE INDEX ix_tags_id ON tags (id)', 'ALTER TABLE posts ADD COLUMN tag_id int'], { ...opts, downgrade: 'raises', downgradeLine: 30 });
    has(h, 'def downgrade():\n    op.drop_column("posts", "tag_id")\n    op.drop_index("ix_tags_id", table_name="tags")\n    op.drop_table("tags")');
    lacks(h, 'ix_users_email');
  }
});

test('SQLite: batch mode with the statement\'s own changes, never ALTER COLUMN TYPE nor now()', () => {
  let h = hintOf('sqlite-alter-needs-batch', ['ALTER TABLE posts ALTER COLUMN title TYPE VARCHAR(20)'], SQLITE);
  has(h, 'with op.batch_alter_table("posts") as batch_op:', 'batch_op.alter_column("title", type_=sa.String(length=20))');
  lacks(h, /ALTER COLUMN [\s\S]* TYPE/, 'now()', 'email');
  h = hintOf('sqlite-alter-needs-batch', ['ALTER TABLE posts ALTER COLUMN created_at SET DEFAULT now()'], SQLITE);
  has(h, 'batch_op.alter_column("created_at", server_default=sa.text("(CURRENT_TIMESTAMP)"))');
  lacks(h, 'now()');
  h = hintOf('sqlite-alter-needs-batch', ['ALTER TABLE posts ADD CONSTRAINT uq_posts_slug UNIQUE (slug)'], SQLITE);
  has(h, 'batch_op.create_unique_constraint("uq_posts_slug", ["slug"])');
  h = hintOf('add-required-column', ['ALTER TABLE posts ADD COLUMN published_at DATETIME NOT NULL'], SQLITE);
  has(h, 'sa.Column("published_at", sa.DateTime(), nullable=False, server_default=sa.text("(CURRENT_TIMESTAMP)"))');
  lacks(h, 'now()', 'PostgreSQL');
});

test('type rules name the column and keep its size', () => {
  let h = hintOf('char-column', ['CREATE TABLE c (country_code char(2))']);
  has(h, 'sa.Column("country_code", sa.String(length=2))', 'length(country_code) = 2');
  h = hintOf('timestamp-without-time-zone', ['CREATE TABLE c (seen_at timestamp)']);
  has(h, 'sa.Column("seen_at", sa.DateTime(timezone=True))');
  lacks(h, 'now()', 'created_at');
  h = hintOf('json-column', ['CREATE TABLE c (prefs json)']);
  has(h, 'sa.Column("prefs", JSONB())');
  h = hintOf('serial-column', ['CREATE TABLE legacy (id serial PRIMARY KEY)']);
  has(h, 'sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True)', 'legacy.id');
  h = hintOf('int-primary-key', ['CREATE TABLE things (thing_id integer PRIMARY KEY)']);
  has(h, 'sa.Column("thing_id", sa.BigInteger(), sa.Identity(), primary_key=True)');
  h = hintOf('identifier-too-long', [`CREATE TABLE t (${'x'.repeat(70)} int)`]);
  has(h, `Shorten "${'x'.repeat(70)}" to at most 63 bytes (it is 70)`);
});

test('every rule with an object-specific hint is covered above', () => {
  const covered = ['create-index-not-concurrently', 'drop-index-not-concurrently', 'concurrently-in-transaction', 'constraint-without-not-valid',
    'validate-in-same-transaction', 'unique-without-using-index', 'set-not-null', 'add-required-column', 'add-column-rewrite', 'column-type-change',
    'table-rewrite', 'missing-lock-timeout', 'access-exclusive-held', 'rename-column', 'rename-table', 'drop-column', 'drop-table',
    'update-without-where', 'unbatched-backfill', 'mixed-schema-and-data', 'irreversible-downgrade', 'sqlite-alter-needs-batch',
    'int-primary-key', 'serial-column', 'timestamp-without-time-zone', 'char-column', 'json-column', 'identifier-too-long'];
  assert.deepEqual([...RULES_WITH_BUILT_HINTS].sort(), covered.sort());
  const h = hintOf('access-exclusive-held', [WITH_TIMEOUT, 'ALTER TABLE users ADD COLUMN plan text', "UPDATE users SET plan = 'free'"]);
  has(h, 'Keep ALTER TABLE users ADD COLUMN plan text alone in its transaction', "the next migration: UPDATE users SET plan = 'free'");
});
