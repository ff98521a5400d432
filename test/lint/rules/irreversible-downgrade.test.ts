import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingsOf, MIGRATION_FILE } from '../lint-input.ts';

const RULE = 'irreversible-downgrade';

test('a `pass` downgrade after a schema change, NotImplementedError and a missing downgrade are reported at the downgrade line', () => {
  const [pass] = findingsOf(RULE, ['ALTER TABLE users ADD COLUMN email TEXT'], { downgrade: 'pass', downgradeLine: 42 });
  assert.equal(pass?.line, 42);
  assert.equal(pass?.file, MIGRATION_FILE);
  assert.match(pass!.message, /downgrade\(\) is empty/);
  assert.match(findingsOf(RULE, [], { downgrade: 'raises', downgradeLine: 42 })[0]!.message, /NotImplementedError/);
  assert.match(findingsOf(RULE, [], { downgrade: 'missing', downgradeLine: null })[0]!.message, /no downgrade\(\)/);
  assert.equal(findingsOf(RULE, [], { downgrade: 'missing', downgradeLine: null })[0]!.line, undefined);
});

test('valid: a real downgrade, and a `pass` downgrade of a data-only upgrade (nothing to undo)', () => {
  assert.equal(findingsOf(RULE, [], { downgrade: 'ok', downgradeLine: 42 }).length, 0);
  assert.equal(findingsOf(RULE, ["UPDATE users SET plan = 'free' WHERE plan IS NULL"], { downgrade: 'pass', downgradeLine: 42 }).length, 0);
  assert.equal(findingsOf(RULE, [], { downgrade: 'pass', downgradeLine: 42 }).length, 0);
});
