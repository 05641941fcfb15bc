// Where the text of a string value sits in its Python file, so SQL written in a string (a DAG
// task's `sql=`, a Spark job's `spark.sql(...)`) gets positions inside the string: the host
// language's quotes would otherwise be read by the SQL tokenizer as one quoted name.
import type { PyNode } from './pythonParser';
import type { PyScopes } from './pyValues';

/** Offsets of the content of each string literal a value is built from. */
export function literalRanges(node: PyNode | null | undefined, scopes: PyScopes, depth = 0): { start: number; end: number }[] {
  // A value read from a config file (or a range()) is in a tree of its own: no place in this file.
  if (!node || depth > 8 || node.treeNodes !== scopes.root.treeNodes) return [];
  switch (node.type) {
    case 'string': {
      const start = node.namedChildren.find((c) => c?.type === 'string_start');
      const end = node.namedChildren.find((c) => c?.type === 'string_end');
      return [{ start: start?.endIndex ?? node.startIndex, end: end?.startIndex ?? node.endIndex }];
    }
    case 'identifier': {
      const bound = scopes.lookup(node.text, node);
      return bound && bound !== node ? literalRanges(bound, scopes, depth + 1) : [];
    }
    case 'concatenated_string':
    case 'parenthesized_expression':
      return node.namedChildren.flatMap((c) => literalRanges(c, scopes, depth + 1));
    case 'binary_operator':
      return [...literalRanges(node.childForFieldName('left'), scopes, depth + 1), ...literalRanges(node.childForFieldName('right'), scopes, depth + 1)];
    default:
      return [];
  }
}

/** One span over all the ranges (undefined for none): where to look for the SQL's words. */
export function spanOf(ranges: { start: number; end: number }[]): { start: number; end: number } | undefined {
  return ranges.length ? { start: Math.min(...ranges.map((r) => r.start)), end: Math.max(...ranges.map((r) => r.end)) } : undefined;
}
