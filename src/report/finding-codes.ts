// What every finding code means, for SARIF rule metadata and the comment's links: lint rules from their pages
// (rule-docs.ts, generated from docs/rules), the checks' own codes from the table below (docs/report.md).

import { RULE_DOCS, TOOL_REPOSITORY } from './rule-docs.ts';

export interface CodeDoc {
  /** One sentence: what the code reports. */
  title: string;
  /** A few plain sentences: why it matters. */
  summary: string;
  /** Markdown help (a lint rule's whole page, or the summary and where to read more). */
  markdown: string;
  /** The page at the tool's version. */
  url: string;
}

const CHECK_CODES: Record<string, [string, string]> = {
  'graph/load-error': ['A migration file does not load.', 'Alembic cannot import the file (a syntax error, a failing import): no command can run until it loads.'],
  'graph/duplicate-revision': ['Two migration files declare the same revision id.', 'Alembic refuses to build the revision graph when an id is declared twice.'],
  'graph/dangling-down-revision': ['A down_revision or depends_on points at a revision no file declares.', 'The graph is broken: Alembic cannot find the parent, so upgrade and downgrade fail.'],
  'graph/cycle': ['The revision graph has a cycle.', 'A revision is its own ancestor: Alembic cannot order the migrations.'],
  'graph/multiple-heads': ['The migrations have more than one head.', 'Two branches were created on the same parent; `alembic upgrade head` refuses to run until they are merged.'],
  'graph/multiple-bases': ['The migrations have more than one base.', 'More than one migration has down_revision = None without branch labels.'],
  'upgrade/not-applied': ['env.py ran but applied no revision (or not all), and nothing failed.', 'Its online branch does not run the migrations (a condition that skips it, run_migrations() never called): `alembic upgrade head` would apply nothing either.'],
  'upgrade/failed': ['A migration fails to upgrade on an empty database.', 'The upgrade raised: the deploy would stop at this revision.'],
  'database/refused-connection': ['env.py or a migration tried to connect to another database.', 'alembic-preflight only lets env.py reach the throwaway database it created; the connection was refused before it was made.'],
  'stairway/downgrade-leaves-trace': ['A downgrade does not undo its upgrade.', 'After upgrade and downgrade the schema differs from before the upgrade: objects are left behind or missing.'],
  'stairway/downgrade-failed': ['A downgrade fails.', 'The downgrade raised right after its upgrade: a rollback would stop here.'],
  'stairway/reupgrade-failed': ['An upgrade fails after its own downgrade.', 'Upgrade, downgrade, upgrade again fails: the downgrade leaves something the upgrade does not expect.'],
  'data/upgrade-fails-on-rows': ['A migration fails on rows the schema allowed, and passes on empty tables.', 'The seeded stairway put a few valid rows in every table before the upgrade (or the upgrade after the downgrade), and it failed on them: a NOT NULL column without default or backfill, SET NOT NULL before the backfill, a cast that fails on existing values, a unique index over duplicates. Production tables have rows.'],
  'data/downgrade-fails-on-rows': ['A downgrade fails on rows the upgraded schema allowed, and passes on empty tables.', 'The rollback would stop at this revision once the table holds data.'],
  'data/lost-on-rollback': ['Upgrade + downgrade do not give back the rows or values that were there before.', 'Rows or values present before the upgrade differ after the downgrade, or values the upgrade moved elsewhere are not moved back: a rollback loses data. (A column the upgrade drops is expected to lose its values.)'],
  'data/seed-fails': ['A hand-written seed ([tool.alembic-preflight.data]) fails before its revision is upgraded.', 'The seed file or seed(connection) function named for this revision raised on the schema as it stands before the upgrade; its rows are not in the tables, and the revision\'s assertions were not run.'],
  'data/assertion-fails': ['A hand-written assertion ([tool.alembic-preflight.data]) fails after its revision is upgraded.', 'An SQL assertion returned rows (each one an offending row), or a check(connection) function raised AssertionError, on the data as the upgrade left it: the migration mangles or loses data the assertion expects.'],
  'data/not-checked': ['A revision could not be checked on rows.', 'Seeding rows or reading them back failed; the walk went on without the data check from there.'],
  'stairway/irreversible': ['A migration cannot be downgraded.', 'downgrade() is missing or only raises (NotImplementedError): a rollback stops here. (A `pass` downgrade is run like any other.)'],
  'stairway/step-timeout': ['A step of the stairway ran longer than the step timeout.', 'The downgrade or re-upgrade of this revision did not finish within --step-timeout; it was stopped and the statement it was running is shown.'],
  'upgrade/step-timeout': ['An upgrade ran longer than the step timeout.', 'This revision\'s upgrade did not finish within --step-timeout (a lock wait, a long backfill): it was stopped.'],
  'upgrade/server-role-created': ['A migration created a role on the shared server.', 'Roles are cluster-wide: they outlive the throwaway database. The run dropped the role again.'],
  'upgrade/server-role-dropped': ['A migration dropped a role on the shared server.', 'Roles are cluster-wide: the role is gone for every database of that server.'],
  'upgrade/server-role-altered': ['A migration altered a role on the shared server.', 'Roles are cluster-wide: the change holds for every database of that server.'],
  'upgrade/server-database-created': ['A migration created a database on the shared server.', 'Databases outlive the run unless the migration drops them.'],
  'upgrade/server-database-dropped': ['A migration dropped a database on the shared server.', 'Another database of that server is gone.'],
  'upgrade/server-tablespace-created': ['A migration created a tablespace on the shared server.', 'Tablespaces are cluster-wide and outlive the run.'],
  'upgrade/server-tablespace-dropped': ['A migration dropped a tablespace on the shared server.', 'Tablespaces are cluster-wide.'],
  'graph/dialect-not-checked': ['PostgreSQL was not checked although the project names it.', 'auto checks a SQLite project on PostgreSQL too when its files name PostgreSQL; env.py could not run there.'],
  'drift/enum-missing-labels': ['A PostgreSQL enum lacks labels the models use.', 'Inserting such a value fails with invalid input value for enum: an ALTER TYPE ... ADD VALUE migration is missing (autogenerate does not compare labels).'],
  'drift/enum-extra-labels': ['A PostgreSQL enum has labels the models dropped.', 'The type still accepts values the models no longer know.'],
  'models-registered/error': ['The model modules could not be checked.', 'env.py or a model module raised while they were read; the check could not finish.'],
  'roundtrip/downgrade-failed': ['Downgrading from head to base fails.', 'The full rollback raised.'],
  'roundtrip/downgrade-leaves-trace': ['Downgrading from head leaves objects behind.', 'The schema after head → base is not what it was before.'],
  'roundtrip/upgrade-failed': ['Upgrading again after a full downgrade fails.', 'head → base → head does not complete.'],
  'roundtrip/schema-differs': ['The schema after a round trip differs from the first upgrade.', 'head → base → head gives another schema than the first upgrade.'],
  'drift/no-target-metadata': ['env.py sets no target_metadata.', 'Without it the models cannot be compared with the migrations.'],
  'models-registered/not-imported': ['A model module is never imported by env.py.', 'Autogenerate cannot see tables defined in modules env.py does not import.'],
  'models-registered/other-metadata': ['A model uses another MetaData than target_metadata.', 'Autogenerate only compares the MetaData env.py gives it.'],
  'models-registered/import-error': ['A model module does not import.', 'The module raised on import, so its tables cannot be checked.'],
  'live-drift/no-version-table': ['The live database has no alembic_version table.', 'It was never stamped: Alembic does not know which migrations it has.'],
  'live-drift/empty-version-table': ['The live database\'s alembic_version table is empty.', 'Alembic does not know which migrations the database has.'],
  'live-drift/unknown-revision': ['The live database is at a revision that is not in this code.', 'It was migrated by another branch or a newer release.'],
  'live-drift/pending-migrations': ['Migrations are pending on the live database.', 'The live database is behind head.'],
  'live-drift/expected-schema-failed': ['The expected schema could not be built.', 'Migrating a throwaway database to the live database\'s revision failed.'],
  'pr/modified-migration': ['The pull request edits a migration that exists on the base branch.', 'A migration that may already be applied must not be edited: databases that ran it will never run the new text.'],
};

const DOCS_PREFIX = /^(drift|live-drift)\//;

/** Where the docs are at this version of the tool (a tag), so a link says what this run meant. */
export function docsBase(version: string): string {
  return `${TOOL_REPOSITORY}/blob/v${version}/docs`;
}

/** The page that explains a code: a lint rule's page, else the finding-codes table of docs/report.md. */
export function codeDocUrl(code: string, version: string): string {
  if (RULE_DOCS[code]) return `${docsBase(version)}/rules/${encodeURIComponent(code)}.md`;
  return `${docsBase(version)}/report.md#finding-codes`;
}

/** Relative links of a rule page made absolute, so they work inside SARIF viewers and comments. */
function absoluteLinks(markdown: string, version: string): string {
  return markdown.replace(/\]\(([\w.-]+\.md)(#[\w-]+)?\)/g, (_m, page: string, anchor = '') => `](${docsBase(version)}/rules/${page}${anchor})`);
}

export function codeDoc(code: string, version: string): CodeDoc {
  const url = codeDocUrl(code, version);
  const rule = RULE_DOCS[code];
  if (rule) return { title: rule.title, summary: rule.summary, markdown: absoluteLinks(rule.markdown, version), url };
  const known = CHECK_CODES[code];
  const kind = DOCS_PREFIX.exec(code)?.[1];
  const [title, summary] = known
    ?? (kind === 'drift'
      ? [`The models and the migrations differ (${code.slice(6)}).`, 'Autogenerate finds a difference between target_metadata and the database the migrations built: a migration is missing.']
      : kind === 'live-drift'
        ? [`The live database differs from its migrations (${code.slice(11)}).`, 'An object was added, removed or changed on the live database outside the migrations.']
        : [`${code}.`, 'See the finding codes of the report documentation.']);
  return { title, summary, markdown: `${summary}\n\nSee [finding codes](${url}).`, url };
}
