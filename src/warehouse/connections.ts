import type { Selectable } from 'kysely';
import type { Db } from './database.js';
import type { ConnectionTable } from './schema.js';

export type Connection = Selectable<ConnectionTable>;

export interface NewConnection {
  readonly id: string;
  readonly connectorId: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly secretRefs: Record<string, unknown>;
  readonly schedule?: Record<string, unknown> | null;
}

export async function insertConnection(db: Db, c: NewConnection): Promise<Connection> {
  return db
    .insertInto('connection')
    .values({
      id: c.id,
      connector_id: c.connectorId,
      name: c.name,
      config: JSON.stringify(c.config),
      secret_refs: JSON.stringify(c.secretRefs),
      schedule: c.schedule ? JSON.stringify(c.schedule) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findConnection(db: Db, id: string): Promise<Connection | undefined> {
  return db.selectFrom('connection').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listConnections(db: Db): Promise<Connection[]> {
  return db.selectFrom('connection').selectAll().orderBy('id').execute();
}

/** Inserts the connection, or updates its connector, name, config and secret references if it exists. */
export async function upsertConnection(db: Db, c: NewConnection): Promise<Connection> {
  return db
    .insertInto('connection')
    .values({ id: c.id, connector_id: c.connectorId, name: c.name, config: JSON.stringify(c.config), secret_refs: JSON.stringify(c.secretRefs) })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        connector_id: eb.ref('excluded.connector_id'),
        name: eb.ref('excluded.name'),
        config: eb.ref('excluded.config'),
        secret_refs: eb.ref('excluded.secret_refs'),
        updated_at: new Date(),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}
