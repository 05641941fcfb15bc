// The `yaml`-package reading path: a full AST with ranges and error recovery. It is the reference
// for what dbt YAML readers report, and the fallback when the fast js-yaml path cannot be trusted.
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { Diagnostic, Location } from '../model';
import type { YamlView } from './yamlView';

/** A parsed YAML file plus what is needed to turn node offsets into locations. */
export interface YamlFile {
  path: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  diagnostics: Diagnostic[];
}

export function loadYaml(path: string, text: string): YamlFile {
  const lineCounter = new LineCounter();
  // Pretty errors would repeat the position and a source excerpt in the message; editors show both.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const diagnostics: Diagnostic[] = [];
  for (const [problems, severity] of [[doc.errors, 'error'], [doc.warnings, 'warning']] as const) {
    for (const { pos, message } of problems) {
      const { line, col } = lineCounter.linePos(pos[0]);
      diagnostics.push({ path, line, column: col, severity, message, code: 'yaml-parse' });
    }
  }
  return { path, doc, lineCounter, diagnostics };
}

export function nodeLocation(file: YamlFile, node: unknown): Location {
  const { line, col } = file.lineCounter.linePos((node as { range?: number[] } | undefined)?.range?.[0] ?? 0);
  return { path: file.path, line, column: col };
}

export function warningAt(file: YamlFile, node: unknown, code: string, message: string): Diagnostic {
  const { line, column } = nodeLocation(file, node);
  return { path: file.path, line, column, severity: 'warning', message, code };
}

export const child = (map: unknown, key: string): unknown => (isMap(map) ? map.get(key, true) : undefined);

/** A scalar as text; null, empty and non-scalar values count as absent. */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  const text = String(node.value);
  return text === '' ? undefined : text;
}

export const childText = (map: unknown, key: string): string | undefined => scalarText(child(map, key));

/** Plain JS for a subtree; alias bombs make toJS throw, which must not escape a reader. */
export function toJs(file: YamlFile, node: unknown): unknown {
  if (node === undefined || node === null) return undefined;
  try {
    return (node as { toJS(doc: Document): unknown }).toJS(file.doc);
  } catch {
    return undefined;
  }
}

/** Sets only the defined optional fields, so records deep-equal literals that omit them. */
export function assignDefined<T extends object>(target: T, values: Partial<T>): T {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
  return target;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function seqItems(map: unknown, key: string): unknown[] {
  const seq = child(map, key);
  return isSeq(seq) ? seq.items : [];
}

/** The schema walker's view of a `yaml` AST: exactly the helpers above, so the fallback is the reference. */
export function documentView(file: YamlFile): YamlView<unknown> {
  return {
    root: file.doc.contents ?? undefined,
    diagnostics: file.diagnostics,
    isMap: (node) => isMap(node),
    child,
    text: scalarText,
    items: seqItems,
    keys: (map) => (isMap(map) ? map.items.map((pair) => scalarText(pair.key)) : []),
    toJs: (node) => toJs(file, node),
    location: (node) => nodeLocation(file, node),
  };
}
