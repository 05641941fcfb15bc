// Plain SQL outside dbt projects: a folder of DDL or migrations is a lineage graph too. This pass
// is token-level and fast (the table graph); the full parse happens in the column phase.
import type { AssetFact, FileFacts, Relation } from '../model';
import { formatRelation, relationKey } from '../sql/queryIr';
import { splitStatements, tokenizeSql, lineColumnAt } from '../sql/tokenizer';
import { parseChangeStatement } from '../sql/changeStatements';
import { scanTableReferences } from '../sql/tolerantScan';

export function readSqlFile(path: string, text: string, dialect: string): FileFacts {
  const facts = new Map<string, AssetFact>();
  const out: FileFacts = { path, assets: [], changes: [], queries: [], diagnostics: [] };
  for (const stmt of splitStatements(text)) {
    const changes = parseChangeStatement(stmt.text, stmt.start, text, path);
    if (changes) {
      out.changes.push(...changes);
      continue;
    }
    const refs = scanTableReferences(stmt.text, stmt.start);
    const writes = refs.filter((r) => r.role === 'write');
    const reads = refs.filter((r) => r.role === 'read');
    const kind = statementKind(stmt.text);
    for (const w of writes) {
      const fact = factFor(facts, w.relation, kind === 'view' ? 'view' : 'table', path, lineColumnAt(text, w.offset));
      for (const r of reads) {
        if (relationKey(r.relation) !== relationKey(w.relation)) fact.upstream.push({ kind: 'relation', relation: r.relation });
      }
    }
  }
  out.assets.push(...facts.values());
  out.queries.push({ path, originalText: text, dialect, sql: text });
  return out;
}

function factFor(facts: Map<string, AssetFact>, relation: Relation, type: 'table' | 'view', path: string, pos: { line: number; column: number }): AssetFact {
  const key = relationKey(relation);
  let fact = facts.get(key);
  if (!fact) {
    fact = {
      id: `${type}:${key}`,
      asset_type: type,
      name: formatRelation(relation),
      source_ref: path,
      relation,
      location: { path, ...pos },
      upstream: [],
      origin: 'sql',
    };
    facts.set(key, fact);
  } else if (type === 'view') {
    fact.asset_type = 'view';
  }
  return fact;
}

// CREATE [OR REPLACE] [MATERIALIZED] VIEW makes a view; everything else that writes is a table.
function statementKind(sql: string): 'view' | 'table' | 'other' {
  const words = tokenizeSql(sql.slice(0, 200))
    .slice(0, 6)
    .map((t) => t.value.toLowerCase());
  if (words[0] !== 'create') return 'other';
  return words.includes('view') ? 'view' : 'table';
}
