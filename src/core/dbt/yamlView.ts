// What the dbt schema walker needs from a parsed YAML file. Two parsers implement it (the fast
// js-yaml tree and the `yaml` AST), so the walking logic exists once and both give the same records.
import type { Diagnostic, Location } from '../model';

export interface YamlView<N> {
  /** The document's top node; undefined for an empty file. */
  root: N | undefined;
  /** Problems the parser itself reported. */
  diagnostics: Diagnostic[];
  isMap(node: N | undefined): boolean;
  /** The value under `key` of a mapping; undefined when absent or `map` is not a mapping. */
  child(map: N | undefined, key: string): N | undefined;
  /** A scalar as text; null, empty and non-scalar values count as absent. */
  text(node: N | undefined): string | undefined;
  /** The items of the sequence under `key`; [] when it is not a sequence. */
  items(map: N | undefined, key: string): N[];
  /** A mapping's keys as text, in source order. */
  keys(map: N): (string | undefined)[];
  /** A fresh plain-JS copy of a subtree. */
  toJs(node: N | undefined): unknown;
  location(node: N | undefined): Location;
}

/** Thrown by the fast view when it meets something only the `yaml` package answers exactly. */
export class YamlFallback extends Error {}
