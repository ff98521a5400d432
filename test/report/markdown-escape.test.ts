// The escaping primitives: fences outgrow any backtick run, cells cannot split rows, prose cannot open blocks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeBlock, escapeCell, escapeInline, escapeParagraph, htmlLine, inlineCode, neutraliseMarker } from '../../src/report/markdown-escape.ts';

test('codeBlock picks a fence longer than the longest backtick run', () => {
  assert.equal(codeBlock('select 1'), '```\nselect 1\n```');
  assert.equal(codeBlock('a ``` b', 'sql'), '````sql\na ``` b\n````');
  assert.equal(codeBlock('`'.repeat(12)).split('\n')[0], '`'.repeat(13));
  assert.equal(codeBlock('x\r\ny\n\n'), '```\nx\ny\n```');
});

test('the marker and HTML comments are broken inside code, escaped outside', () => {
  assert.ok(!neutraliseMarker('<!-- alembic-preflight:x -->').includes('<!--'));
  assert.ok(!codeBlock('<!-- alembic-preflight:x -->').includes('<!--'));
  assert.ok(!escapeInline('<!-- x -->').includes('<'));
});

test('inline text: HTML escaped, markup escaped, mentions defused, one line', () => {
  assert.equal(escapeInline('<b>*x*</b>'), '&lt;b&gt;\\*x\\*&lt;/b&gt;');
  assert.equal(escapeInline('a\nb'), 'a b');
  assert.equal(escapeInline('ping @team'), 'ping @\u2060team');
  assert.equal(escapeInline('mail a@b.c'), 'mail a@\u2060b.c');
  assert.equal(escapeParagraph('- item'), '\\- item');
  assert.equal(escapeParagraph('1. item'), '1\\. item');
  assert.equal(escapeParagraph('# h'), '\\# h');
});

test('cells and inline code cannot split a table row', () => {
  assert.ok(!escapeCell('a|b').includes('|'));
  assert.ok(!inlineCode('a|b`c').includes('|'));
  assert.equal(inlineCode('x_y'), '<code>x\\_y</code>');
  assert.equal(htmlLine('<a>\n"b"'), '&lt;a&gt; &quot;b&quot;');
});
