// The rule registry: every lint rule, in the order findings are produced. Rule ids are stable and documented in
// docs/rules/<id>.md; docs/rules/README.md maps them to squawk's rule names.

import type { Rule } from '../types.ts';
import { accessExclusiveHeld } from './access-exclusive-held.ts';
import { addColumnRewrite } from './add-column-rewrite.ts';
import { addRequiredColumn } from './add-required-column.ts';
import { charColumn } from './char-column.ts';
import { columnTypeChange } from './column-type-change.ts';
import { concurrentlyInTransaction } from './concurrently-in-transaction.ts';
import { constraintWithoutNotValid } from './constraint-without-not-valid.ts';
import { createIndexNotConcurrently } from './create-index-not-concurrently.ts';
import { dropColumn } from './drop-column.ts';
import { dropIndexNotConcurrently } from './drop-index-not-concurrently.ts';
import { dropTable } from './drop-table.ts';
import { enumValueInTransaction } from './enum-value-in-transaction.ts';
import { enumValuePosition } from './enum-value-position.ts';
import { identifierTooLong } from './identifier-too-long.ts';
import { ignoreWithoutReason } from './ignore-without-reason.ts';
import { intPrimaryKey } from './int-primary-key.ts';
import { irreversibleDowngrade } from './irreversible-downgrade.ts';
import { jsonColumn } from './json-column.ts';
import { lockTimeExceeds } from './lock-time-exceeds.ts';
import { missingLockTimeout } from './missing-lock-timeout.ts';
import { mixedSchemaAndData } from './mixed-schema-and-data.ts';
import { renameColumn } from './rename-column.ts';
import { renameTable } from './rename-table.ts';
import { revisionNotLinted } from './revision-not-linted.ts';
import { serialColumn } from './serial-column.ts';
import { setNotNull } from './set-not-null.ts';
import { sqliteAlterNeedsBatch } from './sqlite-alter-needs-batch.ts';
import { tableRewrite } from './table-rewrite.ts';
import { timestampWithoutTimeZone } from './timestamp-without-time-zone.ts';
import { unbatchedBackfill } from './unbatched-backfill.ts';
import { unparsableStatement } from './unparsable-statement.ts';
import { uniqueWithoutUsingIndex } from './unique-without-using-index.ts';
import { unusedIgnore } from './unused-ignore.ts';
import { updateWithoutWhere } from './update-without-where.ts';
import { deleteWithoutWhere } from './delete-without-where.ts';
import { validateInSameTransaction } from './validate-in-same-transaction.ts';

export const ALL_RULES: readonly Rule[] = [
  // Locks and rewrites on PostgreSQL
  createIndexNotConcurrently,
  dropIndexNotConcurrently,
  concurrentlyInTransaction,
  constraintWithoutNotValid,
  validateInSameTransaction,
  uniqueWithoutUsingIndex,
  setNotNull,
  addRequiredColumn,
  addColumnRewrite,
  columnTypeChange,
  tableRewrite,
  missingLockTimeout,
  accessExclusiveHeld,
  enumValuePosition,
  enumValueInTransaction,
  // Changes that break running code or destroy data
  renameColumn,
  renameTable,
  dropColumn,
  dropTable,
  updateWithoutWhere,
  deleteWithoutWhere,
  unbatchedBackfill,
  mixedSchemaAndData,
  irreversibleDowngrade,
  // Type hygiene and names
  intPrimaryKey,
  timestampWithoutTimeZone,
  charColumn,
  serialColumn,
  jsonColumn,
  identifierTooLong,
  // SQLite
  sqliteAlterNeedsBatch,
  // Emitted by the engine
  unparsableStatement,
  unusedIgnore,
  ignoreWithoutReason,
  revisionNotLinted,
  // Emitted after lint (checks/lock-time.ts)
  lockTimeExceeds,
];

export const ruleById: ReadonlyMap<string, Rule> = new Map(ALL_RULES.map((r) => [r.id, r]));
