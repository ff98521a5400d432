import assert from 'node:assert/strict';
import { test } from 'node:test';
import { facts, findingsOf } from '../lint-input.ts';

const RULE = 'table-rewrite';

test('VACUUM FULL, CLUSTER and rewriting ALTER TABLE forms are reported', () => {
  assert.match(findingsOf(RULE, ['VACUUM FULL events'])[0]!.message, /VACUUM FULL events rewrites the table/);
  assert.equal(findingsOf(RULE, ['CLUSTER events USING ix_events_at']).length, 1);
  assert.equal(findingsOf(RULE, ['ALTER TABLE events SET LOGGED']).length, 1);
  assert.equal(findingsOf(RULE, ['ALTER TABLE events SET TABLESPACE fast']).length, 1);
});

test('an observed rewrite for another reason is reported with evidence', () => {
  const [f] = findingsOf(RULE, [
    { sql: "ALTER TABLE events SET (fillfactor = 50)", facts: facts({ rewritten: ['public.events'] }) },
  ]);
  assert.match(f!.message, /rewrote events \(observed/);
  assert.deepEqual(f!.evidence?.rewrittenTables, ['public.events']);
});

test('valid: rewrites other rules explain, no rewrite observed, new tables', () => {
  assert.equal(findingsOf(RULE, [{ sql: 'ALTER TABLE e ALTER COLUMN a TYPE bigint', facts: facts({ rewritten: ['e'] }) }]).length, 0);
  assert.equal(findingsOf(RULE, [{ sql: 'ALTER TABLE e ADD COLUMN u uuid DEFAULT gen_random_uuid()', facts: facts({ rewritten: ['e'] }) }]).length, 0);
  assert.equal(findingsOf(RULE, [{ sql: 'ALTER TABLE e SET (fillfactor = 50)', facts: facts() }]).length, 0);
  assert.equal(findingsOf(RULE, [{ sql: 'CREATE TABLE n (a int)' }, { sql: 'ALTER TABLE n SET LOGGED', facts: facts({ rewritten: ['n'] }) }]).length, 0);
});
