import { parse } from 'sql-parser-cst';
const r = parse("ALTER TABLE users ADD COLUMN plan TEXT DEFAULT 'free' NOT NULL", { dialect: 'sqlite' }) as any;
console.log(JSON.stringify(r.statements[0].actions.items[0].column.constraints));
const r2 = parse("CREATE TABLE t (plan TEXT DEFAULT 'free' NOT NULL, b INT DEFAULT 0 NOT NULL)", { dialect: 'postgresql' }) as any;
console.log(JSON.stringify(r2.statements[0].columns.expr.items[0].constraints).slice(0,400));
