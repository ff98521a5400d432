import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addSecret, redact } from '../src/redact.ts';

test('URL passwords are masked wherever they appear, registered or not', () => {
  assert.equal(redact('cannot connect to postgresql://app:s3cret@db:5432/app'), 'cannot connect to postgresql://app:***@db:5432/app');
  assert.equal(redact('postgresql+asyncpg://u:p%40ss@h/db and sqlite:////tmp/x.db'), 'postgresql+asyncpg://u:***@h/db and sqlite:////tmp/x.db');
});

test('a registered URL password is masked even where it appears alone', () => {
  addSecret('postgresql://ro:Very-Secret-99@prod.internal/app');
  assert.equal(redact('auth failed for password Very-Secret-99'), 'auth failed for password ***');
  addSecret('postgresql://ro:p%23pct@h/db');
  assert.equal(redact('decoded p#pct shows up'), 'decoded *** shows up');
});
