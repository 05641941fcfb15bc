// Go to definition on `ref('x')`, `source('a', 'b')` and table names in SQL: the file is read
// with the core's SQL tokenizer (Jinja blocks are single tokens, parsed as calls), and the name
// resolves through the same rules the index used, so the jump lands where lineage says.
import type { Location as LspLocation } from 'vscode-languageserver';
import type { Asset } from '../core/graph/assetIndex';
import type { UpstreamRef } from '../core/model';
import { isWord, tokenizeSql, readQualifiedName } from '../core/sql/tokenizer';
import type { SqlToken } from '../core/sql/tokenizer';
import { parseJinjaCall } from '../core/dbt/jinjaCall';
import { relationFromParts } from '../core/sql/queryIr';
import type { EditorView } from './editorView';
import type { WorkspacePaths } from './workspacePaths';
import { editorPosition } from './workspacePaths';

export function definition(view: EditorView, path: string, text: string, line0: number, character: number, paths: WorkspacePaths): LspLocation[] {
  const tokens = tokenizeSql(text);
  const i = tokens.findIndex((t) => t.line === line0 + 1 && t.column - 1 <= character && character <= t.column - 1 + (t.end - t.start));
  if (i < 0) return [];
  const target = tokens[i].kind === 'jinja' ? jinjaTarget(view, path, tokens[i]) : tableTarget(view, tokens, i);
  return target ? locationsOf(target, paths) : [];
}

function jinjaTarget(view: EditorView, path: string, token: SqlToken): Asset | undefined {
  const call = parseJinjaCall(token.text);
  if (!call) return undefined;
  let up: UpstreamRef | undefined;
  if (call.name === 'ref' && call.args.length) up = call.args.length >= 2 ? { kind: 'ref', package: call.args[0], name: call.args[1] } : { kind: 'ref', name: call.args[0] };
  if (call.name === 'source' && call.args.length === 2) up = { kind: 'source', source: call.args[0], table: call.args[1] };
  if (!up) return undefined;
  const project = view.describedBy(path).find((a) => typeof a.meta.project === 'string')?.meta.project as string | undefined;
  return view.index.resolveUpstream(up, project);
}

const TABLE_KEYWORDS = ['from', 'join', 'into', 'table', 'update', 'view', 'exists', 'using', 'merge'];

/** A table name: the dotted name the cursor is in, when the index knows that relation. */
function tableTarget(view: EditorView, tokens: SqlToken[], i: number): Asset | undefined {
  if (tokens[i].kind !== 'word' && tokens[i].kind !== 'quoted') return undefined;
  let start = i;
  while (start >= 2 && tokens[start - 1].text === '.' && ['word', 'quoted'].includes(tokens[start - 2].kind)) start -= 2;
  // Only where SQL names a table, so a column that shares a table's name does not jump.
  if (!isWord(tokens[start - 1], ...TABLE_KEYWORDS)) return undefined;
  const name = readQualifiedName(tokens, start);
  if (!name || name.jinja || !name.parts.length) return undefined;
  const relation = relationFromParts(name.parts);
  return view.index.assets.findRelation(relation);
}

function locationsOf(asset: Asset, paths: WorkspacePaths): LspLocation[] {
  const list = asset.locations.length ? asset.locations : asset.location ? [asset.location] : [];
  return list.map((l) => {
    const pos = editorPosition(l);
    return { uri: paths.uri(l.path), range: { start: pos, end: pos } };
  });
}
