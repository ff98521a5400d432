// Reports built by hand for the reporter tests: a plain PR run, a hostile one, and a huge one.
// Fixed times and durations, so the rendered output is byte-for-byte stable (golden files).

import { REPORT_VERSION, countFindings, type CheckResult, type Finding, type MigrationSql, type Report, type RevisionInfo } from '../../src/report/model.ts';

function revision(revision: string, down: string[], file: string, message: string, extra: Partial<RevisionInfo> = {}): RevisionInfo {
  return {
    revision, downRevisions: down, dependsOn: [], branchLabels: [], file, message,
    isHead: false, isBase: down.length === 0, isMerge: down.length > 1, ...extra,
  };
}

function finish(report: Omit<Report, 'counts'>): Report {
  return { ...report, counts: countFindings(report.checks) };
}

function check(id: CheckResult['id'], findings: Finding[], durationMs: number, status?: CheckResult['status'], reason?: string): CheckResult {
  return {
    id,
    status: status ?? (findings.some((f) => f.severity === 'error') ? 'failed' : 'passed'),
    ...(reason ? { reason } : {}),
    durationMs,
    findings,
  };
}

const UPGRADE_B = `-- Running upgrade 1a2b3c4d5e6f -> 2b3c4d5e6f70

ALTER TABLE users ADD COLUMN email VARCHAR(255) NOT NULL DEFAULT '';

CREATE INDEX ix_users_email ON users (email);

UPDATE alembic_version SET version_num='2b3c4d5e6f70' WHERE alembic_version.version_num = '1a2b3c4d5e6f';
`;
const DOWNGRADE_B = `-- Running downgrade 2b3c4d5e6f70 -> 1a2b3c4d5e6f

DROP INDEX ix_users_email;

ALTER TABLE users DROP COLUMN email;

UPDATE alembic_version SET version_num='1a2b3c4d5e6f' WHERE alembic_version.version_num = '2b3c4d5e6f70';
`;

/** A PR adding one revision on PostgreSQL: a lint warning on its index, a drift finding, a schema diff. */
export function prReport(): Report {
  const revisions = [
    revision('1a2b3c4d5e6f', [], 'alembic/versions/1a2b3c4d5e6f_create_users.py', 'create users'),
    revision('2b3c4d5e6f70', ['1a2b3c4d5e6f'], 'alembic/versions/2b3c4d5e6f70_add_email.py', 'add email to users', { isHead: true }),
  ];
  const migrations: MigrationSql[] = [
    { revision: '2b3c4d5e6f70', file: 'alembic/versions/2b3c4d5e6f70_add_email.py', upgradeSql: UPGRADE_B, downgradeSql: DOWNGRADE_B },
  ];
  const lint: Finding[] = [
    {
      code: 'require-concurrent-index',
      severity: 'warning',
      message: 'CREATE INDEX without CONCURRENTLY locks writes to "users" while the index builds.',
      revision: '2b3c4d5e6f70',
      file: 'alembic/versions/2b3c4d5e6f70_add_email.py',
      line: 21,
      sql: 'CREATE INDEX ix_users_email ON users (email)',
      hint: 'Build the index concurrently, outside the transaction:\n\n```python\nwith op.get_context().autocommit_block():\n    op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True)\n```',
      evidence: { locks: [{ relation: 'users', mode: 'ShareLock' }] },
    },
    {
      code: 'adding-not-null-field',
      severity: 'notice',
      message: 'Adding a NOT NULL column with a default rewrites nothing on PostgreSQL 11+, but check the default.',
      revision: '2b3c4d5e6f70',
      file: 'alembic/versions/2b3c4d5e6f70_add_email.py',
      line: 18,
      sql: "ALTER TABLE users ADD COLUMN email VARCHAR(255) NOT NULL DEFAULT ''",
    },
  ];
  const drift: Finding[] = [
    {
      code: 'drift/missing-column',
      severity: 'error',
      message: 'Model column users.nickname has no migration.',
      file: 'app/models.py',
      line: 14,
      hint: 'Add to a new migration:\n\n```python\nop.add_column("users", sa.Column("nickname", sa.String(length=50), nullable=True))\n```',
    },
  ];
  return finish({
    version: REPORT_VERSION,
    tool: { name: 'alembic-preflight', version: '0.1.0' },
    mode: 'pr',
    projectDir: 'backend',
    status: 'failed',
    startedAt: '2026-01-02T03:04:05.000Z',
    durationMs: 8_421,
    environment: {
      database: { provider: 'postgres-local', dialect: 'postgresql', serverVersion: '17.2' },
      python: '3.12.3', alembic: '1.20.1', sqlalchemy: '2.1.9',
    },
    checks: [
      check('pr-migrations', [], 3),
      check('graph', [], 41),
      check('upgrade', [], 1_210),
      check('roundtrip', [], 2_050),
      check('stairway', [], 1_733),
      check('drift', drift, 611),
      check('lint', lint, 95),
    ],
    revisions,
    newRevisions: ['2b3c4d5e6f70'],
    migrations,
    schemaDiff: [
      { change: 'added', kind: 'column', key: 'public.users.email', object: { type: 'character varying(255)', notNull: true, default: "''::character varying" } },
      { change: 'added', kind: 'index', key: 'public.users.ix_users_email', object: { definition: 'CREATE INDEX ix_users_email ON public.users USING btree (email)' } },
      { change: 'changed', kind: 'column', key: 'public.users.age', props: [{ prop: 'type', before: 'integer', after: 'bigint' }], object: { type: 'bigint', notNull: false, default: null } },
      { change: 'changed', kind: 'table', key: 'public.users', props: [{ prop: 'comment', before: null, after: 'people' }] },
    ],
  });
}

/** Text a hostile migration author could put in a docstring, a SQL string, an identifier or a message. */
export const HOSTILE = [
  '```` ``` `` ` ',
  '</details></summary></code></table>',
  '<!-- alembic-preflight:backend -->',
  '<img src=x onerror=alert(1)> <script>alert(1)</script>',
  '| a | b |',
  '@octocat #1 *bold* _it_ [link](https://evil.example)',
].join(' ');

/** Every user-controlled string in the report carries hostile text. */
export function hostileReport(): Report {
  const base = prReport();
  const rev = base.revisions[1]!;
  const hostileSql = `-- Running upgrade 1a2b3c4d5e6f -> 2b3c4d5e6f70

COMMENT ON TABLE users IS '\`\`\`\`\`
</details>
<!-- alembic-preflight:backend -->
# not a heading';

CREATE FUNCTION f() RETURNS text AS $$ SELECT '\`\`\`</details>' $$ LANGUAGE sql;

UPDATE alembic_version SET version_num='2b3c4d5e6f70' WHERE alembic_version.version_num = '1a2b3c4d5e6f';
`;
  const finding: Finding = {
    code: 'hostile/code`</details>',
    severity: 'error',
    message: `Message with ${HOSTILE}\nand a second line`,
    revision: rev.revision,
    file: 'alembic/versions/2b3c4d5e6f70_<b>add</b>.py',
    line: 3,
    sql: "COMMENT ON TABLE users IS '`````",
    details: [`detail ${HOSTILE}`],
    hint: `Prose ${HOSTILE}\n\n\`\`\`python\nop.execute("\`\`\`\`\`\`\`\`\`")\n</details>\n\`\`\`\n\ntrailing <!-- alembic-preflight:x -->`,
  };
  return finish({
    ...base,
    projectDir: 'backend',
    checks: base.checks.map((c) =>
      c.id === 'lint' ? check('lint', [finding], 12)
        : c.id === 'stairway' ? check('stairway', [], 0, 'skipped', `skipped because ${HOSTILE}`)
          : c),
    revisions: [base.revisions[0]!, { ...rev, message: `add email ${HOSTILE}`, file: 'alembic/versions/2b3c4d5e6f70_<b>add</b>.py' }],
    migrations: [{ revision: rev.revision, file: rev.file, upgradeSql: hostileSql, downgradeSql: `SELECT '${HOSTILE}';` }],
    schemaDiff: [
      { change: 'added', kind: 'table', key: `public.${HOSTILE}` },
      { change: 'changed', kind: 'column', key: 'public.users.a|b', props: [{ prop: 'type', before: 'integer', after: `text ${HOSTILE}` }] },
    ],
    error: undefined,
  });
}

/** Fifteen new revisions, each with ~12,000 characters of SQL and a finding: far over GitHub's comment limit. */
export function hugeReport(): Report {
  const base = prReport();
  const revisions: RevisionInfo[] = [base.revisions[0]!];
  const migrations: MigrationSql[] = [];
  const findings: Finding[] = [];
  let parent = '1a2b3c4d5e6f';
  for (let i = 0; i < 15; i++) {
    const id = `b${String(i).padStart(11, '0')}`;
    const file = `alembic/versions/${id}_bulk_${i}.py`;
    revisions.push(revision(id, [parent], file, `bulk data load ${i}`, { isHead: i === 14 }));
    const inserts = Array.from({ length: 150 }, (_, k) => `INSERT INTO items (id, name) VALUES (${i * 1000 + k}, 'item number ${k} of batch ${i}');`);
    migrations.push({ revision: id, file, upgradeSql: inserts.join('\n\n') + '\n', downgradeSql: `DELETE FROM items WHERE id BETWEEN ${i * 1000} AND ${i * 1000 + 149};\n` });
    findings.push({
      code: 'batch-data-migration', severity: i % 3 === 0 ? 'error' : 'warning',
      message: `Revision ${id} loads data in the migration.`, revision: id, file, line: 10 + i,
      sql: `INSERT INTO items (id, name) VALUES (${i * 1000 + 3}, 'item number 3 of batch ${i}')`,
    });
    parent = id;
  }
  return finish({
    ...base,
    checks: [...base.checks.filter((c) => c.id !== 'lint'), check('lint', findings, 420)],
    revisions,
    newRevisions: revisions.slice(1).map((r) => r.revision),
    migrations,
  });
}
