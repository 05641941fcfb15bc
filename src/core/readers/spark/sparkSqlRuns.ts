// The SQL a Spark job runs (`spark.sql("…")`, a .sql file it opens) and the temporary views that
// SQL can read: a view is not a table but the frame it was made from (`createOrReplaceTempView`).
import type { Location, UpstreamRef } from '../../model';
import type { PyNode } from '../../python/pythonParser';
import { scanTableReferences } from '../../sql/tolerantScan';
import type { TableReference } from '../../sql/tolerantScan';
import { relationKey } from '../../sql/queryIr';
import type { Frame, Source } from './sparkFrames';
import { upstreamKey } from './sparkFrames';
import type { ViewRead } from './sparkViewSql';
import type { SparkWrite } from './sparkWrites';

export interface SparkSql {
  sql: string;
  viaVariable: boolean;
  /** A .sql file the job runs, with its text. */
  file?: { path: string; text: string };
  /** Where SQL written in the job's own strings is, so its words are found there (see literalRanges.ts). */
  range?: { start: number; end: number };
  /** Temporary views the SQL reads, each with the datasets it was made from. */
  views: ViewRead[];
}

interface Host {
  readonly writes: SparkWrite[];
  /** The job reads `ref`; a frame of it starts from the returned source. */
  source(ref: UpstreamRef, viaSql?: boolean): Source;
  at(node: PyNode): Location;
}

export class SqlRuns {
  readonly sqls: SparkSql[] = [];
  private readonly views = new Map<string, Frame>();
  private readonly seen = new Set<string>();

  constructor(private readonly host: Host) {}

  tempView(name: string, frame: Frame): void {
    this.views.set(name.toLowerCase(), frame);
  }

  view(name: string): Frame | undefined {
    return this.views.get(name.toLowerCase());
  }

  /** SQL the job runs at `node`: recorded once (a function's body is read at each call), its writes the job's. */
  run(node: PyNode, sql: string, viaVariable: boolean, file?: SparkSql['file'], range?: SparkSql['range']): Source[] {
    const refs = scanTableReferences(sql, 0); // scanned once for the record, the writes and the reads
    const key = `${node.id}|${sql}`;
    if (!this.seen.has(key)) this.sqls.push({ sql, viaVariable, file, ...(range && { range }), views: this.viewsIn(refs) });
    this.seen.add(key);
    for (const ref of refs) {
      if (ref.role === 'write') this.host.writes.push({ target: { kind: 'relation', relation: ref.relation }, location: this.host.at(node) });
    }
    return this.readSources(refs, true);
  }

  /** Relations a query reads; a temporary view stands for the frames it was made from. */
  sources(sql: string, viaSql = false): Source[] {
    return this.readSources(scanTableReferences(sql, 0), viaSql);
  }

  private readSources(refs: TableReference[], viaSql: boolean): Source[] {
    const out: Source[] = [];
    for (const ref of refs) {
      if (ref.role !== 'read') continue;
      const view = this.views.get(relationKey(ref.relation));
      if (view) out.push(...view.sources);
      else out.push(this.host.source({ kind: 'relation', relation: ref.relation }, viaSql));
    }
    return out;
  }

  /** The temporary views a query reads and their datasets, for its column lineage (see sparkViewSql.ts). */
  private viewsIn(refs: TableReference[]): SparkSql['views'] {
    const out: SparkSql['views'] = [];
    const seen = new Set<string>(); // a view read twice (`v a JOIN v b`) is one CTE
    for (const ref of refs) {
      const key = relationKey(ref.relation);
      const view = ref.role === 'read' && !seen.has(key) ? this.views.get(key) : undefined;
      if (!view) continue;
      seen.add(key);
      // A self-join names one dataset twice: it is one upstream.
      const sources = new Map(view.sources.map((s) => [upstreamKey(s.ref), s.ref]));
      out.push({ relation: ref.relation, sources: [...sources.values()] });
    }
    return out;
  }
}
