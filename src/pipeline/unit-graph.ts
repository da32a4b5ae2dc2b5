import type { Db } from '../warehouse/database.js';

interface Node {
  readonly level: string;
  readonly parentId: number | null;
  /** Undivided successors: where the unit's values go after a reform. */
  readonly successors: number[];
}

/**
 * Which provinces each unit rolls up into: its own province (a commune's parent), the province its legacy
 * province merged into, and so on; a divided legacy commune reaches provinces through its legacy province only.
 * Loaded once per run (a few thousand rows), answered from memory.
 */
export class UnitGraph {
  private readonly provinces = new Map<number, readonly number[]>();

  private constructor(private readonly nodes: ReadonlyMap<number, Node>) {}

  static async load(db: Db): Promise<UnitGraph> {
    const [units, links] = await Promise.all([
      db.selectFrom('admin_unit').select(['id', 'level', 'parent_id']).execute(),
      db.selectFrom('admin_unit_succession').select(['predecessor_id', 'successor_id']).where('divided', '=', false).execute(),
    ]);
    const nodes = new Map<number, Node>(units.map((u) => [u.id, { level: u.level, parentId: u.parent_id, successors: [] }]));
    for (const l of links) nodes.get(l.predecessor_id)?.successors.push(l.successor_id);
    return new UnitGraph(nodes);
  }

  /** The provinces (any version) the unit is or rolls up into; none for the country. */
  provincesOf(unitId: number): readonly number[] {
    const known = this.provinces.get(unitId);
    if (known) return known;
    const found = new Set<number>();
    const seen = new Set<number>([unitId]);
    const queue = [unitId];
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const node = this.nodes.get(id);
      if (!node) continue;
      if (node.level === 'province') found.add(id);
      const next = [...node.successors, ...(node.level === 'commune' && node.parentId !== null ? [node.parentId] : [])];
      for (const n of next) {
        if (seen.has(n)) continue;
        seen.add(n);
        queue.push(n);
      }
    }
    const result = [...found];
    this.provinces.set(unitId, result);
    return result;
  }

  /**
   * The province whose contributor tree holds this province's: the one it merged into (legacy 89 -> current 91),
   * followed to the end; itself when it merged into none or was split among several.
   */
  reportingProvinceOf(provinceId: number): number {
    const seen = new Set<number>();
    let id = provinceId;
    for (;;) {
      seen.add(id);
      const next = (this.nodes.get(id)?.successors ?? []).filter((s) => this.nodes.get(s)?.level === 'province');
      const [only] = next;
      if (next.length !== 1 || only === undefined || seen.has(only)) return id;
      id = only;
    }
  }
}
