// Hover on a column: its type and description, where its values come from (the upstream chain)
// and who reads it downstream, with links to each asset's file. The column is found from the
// positions the index recorded (SQL references, YAML entries, PySpark col("x") and constants),
// else by name among the columns of the assets this file describes and their direct upstreams.
import type { Hover } from 'vscode-languageserver';
import type { Asset } from '../core/graph/assetIndex';
import { FLOW_USAGES } from '../core/model';
import type { EditorView } from './editorView';
import type { WorkspacePaths } from './workspacePaths';
import { mdText as md } from '../core/query/markdownText';

const MAX_CHAIN = 6;
const MAX_LIST = 12;

interface Subject {
  asset: Asset;
  column: string;
  /** When the cursor is on a reference: the upstream column it reads and how. */
  reads?: { asset: Asset; column: string; usage: string; confidence: string };
}

export function columnHover(view: EditorView, path: string, text: string, line0: number, character: number, paths: WorkspacePaths): Hover | undefined {
  const word = wordAt(text, line0, character);
  if (!word) return undefined;
  const subject = subjectAt(view, path, word.text, line0 + 1, word.start + 1);
  if (!subject) return undefined;
  return {
    contents: { kind: 'markdown', value: describe(view, subject, paths) },
    range: { start: { line: line0, character: word.start }, end: { line: line0, character: word.end } },
  };
}

function subjectAt(view: EditorView, path: string, word: string, line: number, column: number): Subject | undefined {
  const get = (id: string) => view.index.get(id);
  for (const spot of view.spotsAt(path, line, column)) {
    if (spot.kind === 'column') return { asset: spot.asset, column: spot.column };
    const { ref } = spot;
    const upstream = get(ref.upstream);
    const consumer = get(ref.consumer);
    if (!upstream || !consumer) continue;
    const reads = { asset: upstream, column: ref.column, usage: ref.usage, confidence: ref.confidence };
    if (ref.outputColumn && ref.outputColumn !== '*' && FLOW_USAGES.has(ref.usage)) return { asset: consumer, column: ref.outputColumn, reads };
    return { asset: upstream, column: ref.column, reads };
  }
  // No recorded position: a name in a YAML column list, a string constant, a column the parser
  // could not place. Match it against the columns this file's assets have or read.
  const lower = word.toLowerCase();
  const own = view.describedBy(path);
  const near = [...own, ...own.flatMap((a) => view.index.graph.upstreamOf(a.id).map((e) => get(e.from)).filter((x): x is Asset => !!x))];
  for (const asset of near) {
    const c = asset.columns.find((x) => x.name.toLowerCase() === lower);
    if (c) return { asset, column: c.name };
  }
  return undefined;
}

function describe(view: EditorView, s: Subject, paths: WorkspacePaths): string {
  const info = s.asset.columns.find((c) => c.name.toLowerCase() === s.column.toLowerCase());
  const out: string[] = [];
  out.push(`**${md(s.column)}**${info?.type ? ` \`${code(info.type)}\`` : ''} — column of ${link(s.asset, paths)} *(${md(s.asset.asset_type)})*`);
  if (info?.description) out.push('', md(info.description));
  if (s.reads && (s.reads.asset !== s.asset || s.reads.column !== s.column)) {
    out.push('', `Here: reads ${link(s.reads.asset, paths)}.${md(s.reads.column)} (${s.reads.usage}${s.reads.confidence === 'inferred' ? ', inferred' : ''})`);
  }
  const up = upstreamChain(view, s.asset, s.column);
  out.push('', '**Comes from**', '');
  out.push(...(up.length ? up.map(([depth, a, c, usage]) => `${'  '.repeat(depth)}- ${link(a, paths)}.${md(c)}${usage === 'identity' ? '' : ` *(${usage})*`}`) : ['- *(no upstream column: computed here or a source)*']));
  const down = downstream(view, s.asset, s.column);
  out.push('', `**Used by** (${down.length})`, '');
  out.push(...(down.length ? down.slice(0, MAX_LIST) : ['- *(nothing downstream reads it)*']));
  if (down.length > MAX_LIST) out.push(`- … ${down.length - MAX_LIST} more`);
  return out.join('\n');

  function downstream(v: EditorView, asset: Asset, column: string): string[] {
    const lines: string[] = [];
    for (const ref of v.index.graph.referencesTo(asset.id, column)) {
      const consumer = v.index.get(ref.consumer);
      if (!consumer) continue;
      const into = ref.outputColumn && FLOW_USAGES.has(ref.usage) ? ` → ${md(ref.outputColumn)}` : '';
      lines.push(`- ${link(consumer, paths)}${into} *(${ref.usage}${ref.confidence === 'inferred' ? ', inferred' : ''})*`);
    }
    return [...new Set(lines)];
  }
}

/** [depth, asset, column, usage] for each upstream column, depth first, without repeats. */
function upstreamChain(view: EditorView, asset: Asset, column: string): [number, Asset, string, string][] {
  const out: [number, Asset, string, string][] = [];
  const seen = new Set<string>();
  const walk = (a: Asset, c: string, depth: number) => {
    if (depth >= MAX_CHAIN || out.length >= MAX_LIST * 2) return;
    for (const f of view.index.graph.flowsInto(a.id)) {
      if (f.outputColumn?.toLowerCase() !== c.toLowerCase()) continue;
      const up = view.index.get(f.upstream);
      const key = `${f.upstream}|${f.column.toLowerCase()}`;
      if (!up || seen.has(key)) continue;
      seen.add(key);
      out.push([depth, up, f.column, f.usage]);
      walk(up, f.column, depth + 1);
    }
  };
  walk(asset, column, 0);
  return out;
}

function link(a: Asset, paths: WorkspacePaths): string {
  const at = a.location;
  const name = `**${md(a.name)}**`;
  return at ? `[${name}](${paths.uri(at.path)}#L${at.line})` : name;
}

/** The identifier under the cursor, also inside a string (`col("order_total")`). */
function wordAt(text: string, line0: number, character: number): { text: string; start: number; end: number } | undefined {
  let lineStart = 0;
  for (let i = 0; i < line0; i++) {
    const next = text.indexOf('\n', lineStart);
    if (next < 0) return undefined;
    lineStart = next + 1;
  }
  const end0 = text.indexOf('\n', lineStart);
  const lineText = text.slice(lineStart, end0 < 0 ? text.length : end0);
  const isPart = (ch: string | undefined) => !!ch && /[\p{L}\p{N}_$]/u.test(ch);
  let start = Math.min(character, lineText.length);
  let end = start;
  while (start > 0 && isPart(lineText[start - 1])) start--;
  while (end < lineText.length && isPart(lineText[end])) end++;
  if (start === end || /^\d/.test(lineText[start])) return undefined;
  return { text: lineText.slice(start, end), start, end };
}

function code(s: string): string {
  return s.replace(/`/g, "'");
}
