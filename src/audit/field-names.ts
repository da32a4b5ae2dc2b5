import { z } from 'zod';

/** At most this many names per entry, each at most this long: a request cannot make its audit entry large. */
const maxNames = 40;
const maxNameLength = 100;

/** The field names a route's zod schema declares (through defaults, optionals and transforms); empty when unknown. */
export function declaredFieldNames(schema: unknown): ReadonlySet<string> {
  if (schema instanceof z.ZodObject) return new Set(Object.keys(schema.shape));
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return declaredFieldNames(schema.unwrap());
  if (schema instanceof z.ZodPipe) return declaredFieldNames(schema.in);
  return new Set();
}

/**
 * The names of the fields a request gave, `<where>.<name>`, never their values. Only names the route's schema
 * declares are kept: a client's own key names are its text too, and could carry anything (conservatively, a
 * secret pasted in the wrong place). A route without a zod schema (the queue dashboard) records no names.
 */
export function givenFieldNames(where: string, given: unknown, schema: unknown): string[] {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) return [];
  const declared = declaredFieldNames(schema);
  return Object.keys(given)
    .filter((name) => declared.has(name) && name.length <= maxNameLength)
    .sort()
    .slice(0, maxNames)
    .map((name) => `${where}.${name}`);
}
