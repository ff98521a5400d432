import { createStatementParser } from './src/lint/parse.ts';
import { classifyTokens } from './src/lint/token-classifier.ts';
import { tokenize, codeTokens } from './src/lint/sql-tokens.ts';
const p = createStatementParser('postgresql');
const stmts = [
 'CREATE INDEX CONCURRENTLY ix_a ON public.users (email)',
 "ALTER TABLE users ADD COLUMN created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL",
 "ALTER TABLE users_2 ADD COLUMN uid UUID DEFAULT gen_random_uuid()",
 "ALTER TABLE users ALTER COLUMN age TYPE BIGINT USING age::bigint, ALTER COLUMN a SET NOT NULL, RENAME COLUMN a TO b, DROP COLUMN x, VALIDATE CONSTRAINT x",
 'ALTER TABLE users ADD CONSTRAINT fk_users_org_id FOREIGN KEY(org_id) REFERENCES orgs (id) NOT VALID',
 'CREATE TABLE "User Table" (id SERIAL NOT NULL, "Name" VARCHAR(50), c CHAR(3), ts TIMESTAMP WITHOUT TIME ZONE, j JSON, x int4, PRIMARY KEY (id), CONSTRAINT uq_x UNIQUE (x))',
 "SET LOCAL lock_timeout = '3s'",
 "SELECT set_config('lock_timeout', '5s', false)",
 "ALTER TYPE mood_2 ADD VALUE 'happy' AFTER 'sad'",
 "UPDATE users SET a_b = 1 WHERE a_b IS NULL",
 "INSERT INTO t (a, b) VALUES (%(a)s, %(b)s)",
 "VACUUM FULL users",
 "ALTER TABLE users ADD CONSTRAINT uq UNIQUE USING INDEX ix_a",
];
for (const s of stmts) {
  const [piece] = p.parse(s);
  const r = piece!.result;
  const tok = classifyTokens(codeTokens(tokenize(s)), 'postgresql');
  const same = JSON.stringify(r.statement) === JSON.stringify(tok.statement);
  console.log(r.via, same ? 'SAME' : 'DIFF', JSON.stringify(r.statement), r.definedNames.join(','));
  if (!same) console.log('     tok:', JSON.stringify(tok.statement));
}
console.log('cst parses', p.cstParses);
p.parse("ALTER TABLE users_3 ADD COLUMN uid UUID DEFAULT gen_random_uuid()");
console.log('cst parses', p.cstParses);
