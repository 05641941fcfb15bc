// Joins the facts of all readers into assets: one physical relation is one asset whichever tool
// names it (a dbt source, a CREATE TABLE in a migration and a lineage.yml entry for the same
// table merge), and every asset can be found by id, name, alias, relation or file path.
import type { AssetFact, AssetType, ColumnInfo, Location, Relation } from '../model';
import { relationFromParts, relationKey, relationKeyOf } from '../sql/queryIr';

/** What an asset keeps of each fact merged into it: enough to look it up and rank its names. */
export type FactKey = Pick<AssetFact, 'id' | 'name' | 'aliases' | 'relation' | 'origin' | 'asset_type'>;

export interface Asset {
  id: string;
  name: string;
  asset_type: AssetType;
  source_ref: string;
  aliases: string[];
  relation?: Relation;
  location?: Location;
  /** Every file that describes the asset (model SQL, its YAML, the DDL that creates it). */
  paths: string[];
  /** Where each of those files defines it (the editor puts a CodeLens on each). */
  locations: Location[];
  columns: ColumnInfo[];
  columnsComplete: boolean;
  facts: FactKey[];
  meta: Record<string, unknown>;
}

// When facts merge, the richer tool names the asset: a dbt source keeps its dbt name even when
// a migration also creates the table.
const ORIGIN_RANK: Record<AssetFact['origin'], number> = { dbt: 4, manifest: 3, airflow: 3, spark: 3, dvc: 3, mlflow: 3, lineage_yml: 2, sql: 1 };
const TYPE_RANK: Partial<Record<string, number>> = { dbt_model: 5, dbt_seed: 5, dbt_snapshot: 5, view: 3, table: 2 };

export class AssetIndex {
  readonly assets: Asset[] = [];
  private readonly byId = new Map<string, Asset>();
  private readonly byRelation = new Map<string, Asset[]>();
  private readonly byName = new Map<string, Asset[]>();
  /** The asset a file defines, when it defines exactly one (a model, a DAG, a Spark job). */
  private readonly byPath = new Map<string, Asset | null>();

  /** Adds a fact, merging it into an existing asset for the same id or physical relation. */
  add(fact: AssetFact): Asset {
    const existing = this.byId.get(fact.id) ?? (fact.relation ? this.exactRelation(fact.relation) : undefined);
    if (existing) {
      this.merge(existing, fact);
      return existing;
    }
    const asset: Asset = {
      id: fact.id,
      name: fact.name,
      asset_type: fact.asset_type,
      source_ref: fact.source_ref,
      aliases: fact.aliases ? fact.aliases.slice() : [],
      relation: fact.relation,
      location: fact.location,
      paths: fact.location ? [fact.location.path] : [],
      locations: fact.location ? [fact.location] : [],
      columns: fact.columns ? fact.columns.slice() : [],
      columnsComplete: !!fact.columnsComplete,
      facts: [factKey(fact)],
      meta: fact.meta ? { ...fact.meta } : {},
    };
    this.assets.push(asset);
    this.register(asset, fact);
    if (fact.location && fact.asset_type !== 'file') {
      // One lookup, not has() then get(): a path no asset claimed yet is undefined, a shared one null.
      const p = fact.location.path;
      const there = this.byPath.get(p);
      this.byPath.set(p, there !== undefined && there !== asset ? null : asset);
    }
    return asset;
  }

  /** The one asset defined in `path`, if exactly one is. */
  definedIn(path: string): Asset | undefined {
    return this.byPath.get(path) ?? undefined;
  }

  private merge(asset: Asset, fact: AssetFact): void {
    const lead = asset.facts[0];
    const takesLead = rank(fact) > rank(lead);
    asset.facts.push(factKey(fact));
    if (takesLead) {
      asset.aliases.push(asset.name);
      asset.name = fact.name;
      asset.asset_type = fact.asset_type;
      asset.source_ref = fact.source_ref;
      asset.location = fact.location ?? asset.location;
      asset.facts.sort((a, b) => rank(b) - rank(a));
    }
    asset.aliases.push(...(fact.aliases ?? []), fact.name, fact.id);
    asset.aliases = [...new Set(asset.aliases)].filter((a) => a !== asset.name);
    if (fact.location && !asset.paths.includes(fact.location.path)) asset.paths.push(fact.location.path);
    if (fact.location && !asset.locations.some((l) => l.path === fact.location!.path && l.line === fact.location!.line)) asset.locations.push(fact.location);
    asset.relation = asset.relation ?? fact.relation;
    mergeColumns(asset, fact.columns ?? [], !!fact.columnsComplete);
    Object.assign(asset.meta, fact.meta ?? {});
    this.register(asset, fact);
  }

  /** Puts back an asset saved in an index snapshot, with every key it was registered under. */
  restore(asset: Asset): void {
    this.assets.push(asset);
    for (const f of asset.facts) this.register(asset, f);
  }

  private register(asset: Asset, fact: FactKey): void {
    this.byId.set(fact.id, asset);
    // Registered once per fact of every asset (18,000 at the bench's size): no lists made for the loops.
    push(this.byName, fact.name.toLowerCase(), asset);
    if (fact.aliases) for (const alias of fact.aliases) push(this.byName, alias.toLowerCase(), asset);
    const r = fact.relation;
    if (r) {
      // Every key an asset is registered under: db.schema.name, schema.name and the bare name.
      if (r.database && r.schema) push(this.byRelation, relationKey(r), asset);
      if (r.schema) push(this.byRelation, relationKeyOf(undefined, r.schema, r.name), asset);
      push(this.byRelation, r.name.toLowerCase(), asset);
    }
  }

  private exactRelation(r: Relation): Asset | undefined {
    const list = this.byRelation.get(relationKey(r));
    return list?.length === 1 ? list[0] : undefined;
  }

  /** Assets under a relation key whose database does not contradict the one asked for. */
  private candidates(key: string, database: string | undefined): Asset[] {
    const list = this.byRelation.get(key) ?? [];
    if (!database) return list;
    const db = database.toLowerCase();
    return list.filter((a) => !a.relation?.database || a.relation.database.toLowerCase() === db);
  }

  get(id: string): Asset | undefined {
    return this.byId.get(id);
  }

  /** The asset a relation names: most specific key first; a bare name only when it is unique. */
  findRelation(r: Relation): Asset | undefined {
    for (const key of lookupKeys(r)) {
      // `archive.raw.orders` is not `warehouse.raw.orders`, though both are `raw.orders`.
      const list = this.candidates(key, r.database);
      if (list.length === 1) return list[0];
    }
    return undefined;
  }

  /** Assets answering to a name as typed on the command line: id, name, alias, relation. */
  lookup(name: string): Asset[] {
    const byId = this.byId.get(name);
    if (byId) return [byId];
    const found = new Set<Asset>(this.byName.get(name.toLowerCase()) ?? []);
    if (found.size === 0) {
      for (const a of this.byRelation.get(relationKey(relationFromParts(name.split('.')))) ?? []) found.add(a);
    }
    return [...found];
  }

  /**
   * The assets registered under a name, as the index holds them, for lookups made once per
   * reference (the table graph resolves tens of thousands): no duplicates (see push); read only.
   */
  named(name: string): readonly Asset[] {
    return this.byName.get(name.toLowerCase()) ?? NO_ASSETS;
  }
}

const NO_ASSETS: readonly Asset[] = Object.freeze([]);

function factKey(f: AssetFact): FactKey {
  return { id: f.id, name: f.name, aliases: f.aliases, relation: f.relation, origin: f.origin, asset_type: f.asset_type };
}

function rank(f: FactKey): number {
  return ORIGIN_RANK[f.origin] * 10 + (TYPE_RANK[f.asset_type] ?? 0);
}

/**
 * The keys a name is looked up by. A qualified name never falls back to the bare table name:
 * `analytics.orders` is not `raw.orders`. A database part may be missing on either side.
 */
function lookupKeys(r: Relation): string[] {
  if (!r.schema) return [r.name.toLowerCase()];
  const keys = [relationKeyOf(undefined, r.schema, r.name)];
  if (r.database) keys.unshift(relationKey(r));
  return keys;
}

function mergeColumns(asset: Asset, columns: ColumnInfo[], complete: boolean): void {
  for (const col of columns) {
    const mine = asset.columns.find((c) => c.name.toLowerCase() === col.name.toLowerCase());
    if (!mine) asset.columns.push({ ...col });
    else {
      mine.type = mine.type ?? col.type;
      mine.description = mine.description ?? col.description;
      mine.tests = mine.tests ?? col.tests;
      mine.location = mine.location ?? col.location;
    }
  }
  asset.columnsComplete = asset.columnsComplete || complete;
}

// Each key lists an asset once, however many of its facts share the key: a second fact for the
// same relation must still find the one asset (a manifest entry after the source YAML and a DDL).
function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

/** Sets an asset's output columns, keeping what its docs say about each (type, description). */
export function setAssetColumns(asset: Asset, names: string[], complete: boolean, defs?: { name: string; type?: string }[]): void {
  const documented = new Map(asset.columns.map((c) => [c.name.toLowerCase(), c]));
  asset.columns = names.map((name, i) => {
    const doc = documented.get(name.toLowerCase());
    // Not `{ ...doc, name, type }`: in V8 that gives each column a hidden class of its own.
    return Object.assign({}, doc, { name: doc?.name ?? name, type: defs?.[i]?.type ?? doc?.type });
  });
  // Documented columns the SQL does not produce stay listed: the YAML may be ahead of the SQL.
  for (const [key, doc] of documented) if (!names.some((n) => n.toLowerCase() === key)) asset.columns.push(doc);
  asset.columnsComplete = asset.columnsComplete || complete;
}
