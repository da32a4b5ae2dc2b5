import { sql, type Selectable } from 'kysely';
import { isIsoDate } from '../dates.js';
import { ConflictError, NotFoundError, type ErrorCode } from '../errors.js';
import { nameKeys } from '../units/names.js';
import type { Db } from '../warehouse/database.js';
import type { UnitAliasTable } from '../warehouse/schema.js';
import { InvalidInputError, type FieldIssue } from './input-error.js';

export type UnitAlias = Selectable<UnitAliasTable>;
export type AliasLevel = UnitAliasTable['level'];
export const aliasLevels = ['province', 'commune'] as const satisfies readonly AliasLevel[];

/** A steward's alias as asked for: the name, the unit's code, and optionally its level and the days it holds. */
export interface NewUnitAlias {
  readonly name: string;
  readonly code: string;
  readonly level?: AliasLevel | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly note?: string | undefined;
}

/** How an interface names the alias's inputs in messages: the CLI its flags, the API its body fields. */
export interface AliasSpelling {
  readonly name: string;
  readonly code: string;
  readonly level: string;
  readonly from: string;
  readonly to: string;
}

export const aliasFieldNames: AliasSpelling = { name: 'name', code: 'code', level: 'level', from: 'from', to: 'to' };

function invalid(code: ErrorCode, field: keyof AliasSpelling, message: string): InvalidInputError {
  return new InvalidInputError(code, message, [{ field, message } satisfies FieldIssue]);
}

const days = (a: NewUnitAlias) => `${a.from ?? 'the beginning'} to ${a.to ?? 'now'}`;

/**
 * Checks and stores a steward's alias. The code must name a unit of the level on every day the alias holds
 * (UNIT_ALIAS_CODE_INVALID otherwise); a name already meaning a unit of the level on some of those days is a
 * ConflictError (UNIT_ALIAS_EXISTS). The resolvers use it from the next lookup on (a sync's next run).
 */
export async function addUnitAlias(db: Db, input: NewUnitAlias, createdBy: string, spelling: AliasSpelling = aliasFieldNames): Promise<UnitAlias> {
  const keys = nameKeys(input.name);
  if (keys.exactKey === '') throw invalid('UNIT_ALIAS_INVALID', 'name', `${spelling.name} "${input.name}" is empty once spaces and punctuation are dropped: give the name as the source writes it.`);
  const code = input.code.trim();
  const level: AliasLevel | undefined = input.level ?? (code.length === 2 ? 'province' : code.length === 5 ? 'commune' : undefined);
  if (level === undefined) {
    throw invalid('UNIT_ALIAS_INVALID', 'code', `${spelling.code} "${input.code}" is neither a province code (2 digits, e.g. 91) nor a commune code (5 digits): give ${spelling.level} province or commune with it.`);
  }
  for (const field of ['from', 'to'] as const) {
    const day = input[field];
    if (day !== undefined && !isIsoDate(day)) throw invalid('DATE_INVALID', field, `${spelling[field]} "${day}" is not a date: write it YYYY-MM-DD, e.g. 2025-07-01.`);
  }
  if (input.from !== undefined && input.to !== undefined && input.from > input.to) {
    throw invalid('UNIT_ALIAS_INVALID', 'from', `${spelling.from} ${input.from} is after ${spelling.to} ${input.to}: give the earlier day first.`);
  }
  const covered = await sql<{ covered: boolean | null }>`
    select range_agg(validity) @> daterange(${input.from ?? null}::date, ${input.to ?? null}::date, '[]') as covered
    from admin_unit where level = ${level} and code = ${code}`.execute(db);
  if (covered.rows[0]?.covered !== true) {
    throw invalid(
      'UNIT_ALIAS_CODE_INVALID', 'code',
      `no ${level} has code ${code} on every day from ${days(input)}: check it with \`lgsp units resolve ${code} --as-of <day>\` (GET /v1/units?q=${code}&asOf=<day>), or narrow the days with ${spelling.from}/${spelling.to}.`,
    );
  }
  try {
    return await db
      .insertInto('unit_alias')
      .values({ name: input.name.trim(), exact_key: keys.exactKey, ascii_key: keys.asciiKey, level, code, valid_from: input.from ?? null, valid_to: input.to ?? null, note: input.note ?? null, created_by: createdBy })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if ((error as { constraint?: unknown }).constraint !== 'unit_alias_one_meaning') throw error;
    const held = await overlapping(db, keys.exactKey, level, input);
    throw new ConflictError(
      'UNIT_ALIAS_EXISTS',
      `"${input.name}" is already an alias of ${level} ${held?.code ?? '?'} (alias ${held?.id ?? '?'}, ${held?.valid_from ?? 'the beginning'} to ${held?.valid_to ?? 'now'}) on some of the days ${days(input)}: ` +
        `remove that one first (\`lgsp units alias remove ${held?.id ?? '<id>'}\`, DELETE /v1/units/aliases/${held?.id ?? '{id}'}), or give days that do not overlap.`,
    );
  }
}

async function overlapping(db: Db, exactKey: string, level: AliasLevel, input: NewUnitAlias): Promise<UnitAlias | undefined> {
  return db
    .selectFrom('unit_alias')
    .selectAll()
    .where('exact_key', '=', exactKey)
    .where('level', '=', level)
    .where(sql<boolean>`validity && daterange(${input.from ?? null}::date, ${input.to ?? null}::date, '[]')`)
    .executeTakeFirst();
}

/** Every steward's alias, oldest first. */
export async function listUnitAliases(db: Db): Promise<UnitAlias[]> {
  return db.selectFrom('unit_alias').selectAll().orderBy('id').execute();
}

/** Removes an alias (NotFoundError for an unknown id): the name stops resolving at once. */
export async function removeUnitAlias(db: Db, id: number): Promise<UnitAlias> {
  const removed = await db.deleteFrom('unit_alias').where('id', '=', id).returningAll().executeTakeFirst();
  if (!removed) throw new NotFoundError('Unit alias', String(id), 'Run `lgsp units alias list` (GET /v1/units/aliases) to see the aliases.');
  return removed;
}

/** An alias for scripts and the API. */
export function aliasToJson(a: UnitAlias) {
  return {
    id: a.id, name: a.name, level: a.level, code: a.code, from: a.valid_from, to: a.valid_to, note: a.note,
    createdBy: a.created_by, createdAt: a.created_at.toISOString(),
  };
}
