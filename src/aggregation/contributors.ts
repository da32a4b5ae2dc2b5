import { sql } from 'kysely';
import { NotFoundError } from '../errors.js';
import type { Db } from '../warehouse/database.js';
import type { UnitRef } from './types.js';

/**
 * Contributors of a unit U (design decision 1): U itself, its children (admin_unit.parent_id = U) and its
 * predecessors through a succession with divided = false, recursively. So the current An Giang (91) gathers
 * its current communes and the legacy provinces An Giang (89) and Kiên Giang (91), and those their legacy
 * communes. The graph is time-independent: a query for 2024 walks the same tree as one for 2026.
 *
 * A unit can be reached twice (a legacy commune is a child of its legacy province and a predecessor of a current
 * commune). Each unit is counted once, under one parent: the shortest path, on a tie the child edge (so legacy
 * communes stay under their legacy province, the same place divided legacy communes have to be). The result is a
 * tree rooted at U.
 *
 * A legacy commune that was divided (divided = true) cannot be split without weights: it contributes through its
 * legacy province (hence to the current province) but never to a current commune. When it is reachable only
 * through divided successions it is recorded as left out, so the result can say so.
 */
export interface ContributorNode {
  readonly unit: UnitRef;
  readonly edge: 'self' | 'child' | 'predecessor';
  /** This unit was divided among several successors: its values roll up at province level only. */
  readonly dividedLegacy: boolean;
  /** Direct contributors, in a stable order (level, code, id). */
  readonly contributors: ContributorNode[];
}

export interface LeftOutUnit {
  readonly unit: UnitRef;
  /** The unit of the tree it was divided into (one of several). */
  readonly successorId: number;
}

export interface ContributorTree {
  readonly root: ContributorNode;
  readonly nodes: ReadonlyMap<number, ContributorNode>;
  readonly leftOut: readonly LeftOutUnit[];
  /** Every unit id whose observations the computation may look at, left-out units included. */
  readonly unitIds: readonly number[];
}

interface WalkRow {
  unit_id: number;
  via_id: number | null;
  edge: 'self' | 'child' | 'predecessor' | 'divided';
  depth: number;
  code: string;
  name: string;
  level: string;
  valid_from: string | null;
  valid_to: string | null;
  divided_legacy: boolean;
}

/** One recursive query for the whole tree of `unitId`. Throws NotFoundError when the unit does not exist. */
export async function loadContributors(db: Db, unitId: number): Promise<ContributorTree> {
  const { rows } = await sql<WalkRow>`
    with recursive walk (unit_id, via_id, edge, depth, path) as (
      select u.id, null::bigint, 'self'::text, 0, array[u.id]
      from admin_unit u
      where u.id = ${unitId}
      union all
      select e.unit_id, w.unit_id, e.edge, w.depth + 1, w.path || e.unit_id
      from walk w
      cross join lateral (
        select c.id as unit_id, 'child'::text as edge from admin_unit c where c.parent_id = w.unit_id
        union all
        select s.predecessor_id, case when s.divided then 'divided' else 'predecessor' end
        from admin_unit_succession s where s.successor_id = w.unit_id
      ) e
      where w.edge <> 'divided' and e.unit_id <> all (w.path)
    ),
    best as (
      select distinct on (unit_id) unit_id, via_id, edge, depth
      from walk
      order by unit_id, (edge = 'divided'), depth, (edge = 'predecessor'), via_id
    )
    select b.unit_id, b.via_id, b.edge, b.depth, u.code, u.name, u.level, u.valid_from, u.valid_to,
           exists (select 1 from admin_unit_succession s where s.predecessor_id = u.id and s.divided) as divided_legacy
    from best b
    join admin_unit u on u.id = b.unit_id
    order by b.depth, u.level, u.code, u.id`.execute(db);

  const nodes = new Map<number, ContributorNode>();
  const leftOut: LeftOutUnit[] = [];
  const pending: { node: ContributorNode; viaId: number }[] = [];
  let root: ContributorNode | undefined;
  for (const r of rows) {
    const unit: UnitRef = { id: r.unit_id, code: r.code, level: r.level, name: r.name, validFrom: r.valid_from, validTo: r.valid_to };
    if (r.edge === 'divided') {
      if (r.via_id !== null) leftOut.push({ unit, successorId: r.via_id });
      continue;
    }
    const node: ContributorNode = { unit, edge: r.edge, dividedLegacy: r.divided_legacy, contributors: [] };
    nodes.set(unit.id, node);
    if (r.edge === 'self') root = node;
    else if (r.via_id !== null) pending.push({ node, viaId: r.via_id });
  }
  if (!root) throw new NotFoundError('Administrative unit', String(unitId), 'Use an admin_unit id, or aggregateByCode with a code and a date.');
  // Rows come ordered by depth, so parents exist; attaching keeps the (level, code, id) order.
  for (const { node, viaId } of pending) nodes.get(viaId)?.contributors.push(node);
  return { root, nodes, leftOut, unitIds: [...nodes.keys(), ...leftOut.map((l) => l.unit.id)] };
}

/** "91 Tỉnh Kiên Giang (until 2025-06-30)": codes are reused, so a label always says which version. */
export function unitLabel(unit: UnitRef): string {
  const when = unit.validTo !== null ? ` (until ${unit.validTo})` : unit.validFrom !== null ? ` (from ${unit.validFrom})` : '';
  return `${unit.code} ${unit.name}${when}`;
}

/** Every node of the subtree rooted at `node`, itself included. */
export function subtreeOf(node: ContributorNode): ContributorNode[] {
  return [node, ...node.contributors.flatMap(subtreeOf)];
}
