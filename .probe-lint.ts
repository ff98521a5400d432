import { generateLintInput } from './bench/lint.ts';
import { lintMigrations } from './src/lint/engine.ts';
import { createStatementParser } from './src/lint/parse.ts';
import { buildRevision, SchemaHistory } from './src/lint/revision-context.ts';
import { ALL_RULES } from './src/lint/rules/index.ts';
import { tokenize } from './src/lint/sql-tokens.ts';
const { input } = generateLintInput(1000);
const all = input.revisions.flatMap((r) => r.executed!.map((s) => s.sql));
let t = performance.now();
for (const s of all) tokenize(s);
console.log('tokenize', (performance.now() - t).toFixed(0));
for (let round = 0; round < 2; round++) {
const p = createStatementParser('postgresql');
t = performance.now();
for (const s of all) p.parse(s);
console.log('parse', (performance.now() - t).toFixed(0), p.cstParses);
t = performance.now();
const h = new SchemaHistory();
const built = input.revisions.map((r) => buildRevision(r, p, 'postgresql', 170000, h));
console.log('build (parse cached)', (performance.now() - t).toFixed(0));
t = performance.now();
let n = 0;
for (const b of built) for (const rule of ALL_RULES) if (!rule.engine) rule.check(b.ctx, () => n++);
console.log('rules', (performance.now() - t).toFixed(0), n);
const times = new Map<string, number>();
for (const rule of ALL_RULES) { const t0 = performance.now(); for (const b of built) rule.check(b.ctx, () => {}); times.set(rule.id, performance.now() - t0); }
console.log([...times].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => `${k}:${v.toFixed(0)}`).join(' '));
}
t = performance.now(); lintMigrations(input); console.log('lint', (performance.now() - t).toFixed(0));
