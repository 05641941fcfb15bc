// Every message between the extension and its webviews (the lineage graph view and the impact
// panel), declared once and imported by both sides. Webviews get data only through these
// messages (postMessage); nothing is interpolated into their HTML. All names in the data come
// from the user's files and must be rendered as text.
import type { GraphData, GraphQuery, ImpactResult } from './lineageProtocol';

/** Where to open something: a workspace file URI and a 0-based position. */
export interface OpenTarget {
  uri: string;
  line?: number;
  character?: number;
}

// ---------------------------------------------------------------- lineage graph view

/** The view's controls, kept by the webview (setState) and restored after a reload. */
export interface GraphViewState {
  query: GraphQuery;
  /** Asset types hidden by the type filter. */
  hiddenTypes: string[];
  search: string;
  /** Nodes expanded to show their columns. */
  expanded: string[];
  /** The column whose lineage is highlighted: `${assetId}::${column}`. */
  selectedColumn?: string;
}

export type ToGraphView =
  /** A graph to draw (a new focus, or the same focus with other depths or filters). */
  | { type: 'graph/data'; data: GraphData; state: GraphViewState }
  /** Nothing to show yet: the index is building, or no asset is in focus. */
  | { type: 'graph/empty'; message: string }
  /** Answer to `graph/export`: where the file was saved, or why not. */
  | { type: 'graph/exported'; path?: string; error?: string };

export type FromGraphView =
  /** The webview has loaded and listens (the extension then sends the current graph). */
  | { type: 'graph/ready'; state?: GraphViewState }
  /** The user changed depth, filters or focus: the extension fetches and sends `graph/data`. */
  | { type: 'graph/query'; query: GraphQuery; state: GraphViewState }
  /** Open an asset's or a column's definition; `preserveFocus` keeps the keyboard in the view. */
  | { type: 'graph/open'; target: OpenTarget; preserveFocus?: boolean }
  /** The drawn graph as a file the user saves (SVG text or a PNG data URL). */
  | { type: 'graph/export'; format: 'svg' | 'png'; data: string }
  /** What is on screen after a render (tests and the status line read it). */
  | { type: 'graph/rendered'; focus: string; nodeIds: string[]; ms: number; detail: GraphRenderDetail };

/** More of what a render drew: how it was laid out and drawn, and the column-mode state. */
export interface GraphRenderDetail {
  /** `quick`: the view's own layered layout; `elk`: ELK's refinement of a small graph. */
  layout: 'quick' | 'elk';
  renderer: 'svg' | 'canvas';
  layoutMs: number;
  edges: number;
  expanded: string[];
  /** Columns on the highlighted lineage, as `${assetId}::${column}`. */
  highlighted: string[];
  /** Nodes matching the search box. */
  matches: string[];
}

// ---------------------------------------------------------------- impact panel

/** A reference position as the report gives it: workspace-relative path, 1-based line and column. */
export interface ImpactLocation {
  path: string;
  line: number;
  column: number;
}

/**
 * What the impact panel shows. The webview keeps it with setState, so after a window reload the
 * panel (restored by its serializer) draws it again and the extension gets it back with
 * `impact/ready`. `seq` numbers the views the extension sends, so a render can be matched to it.
 */
export type ImpactView =
  | { kind: 'report'; seq: number; title: string; result: ImpactResult; folder?: string }
  /** Nothing to report, or why not: no schema changes, unknown tables, a failed request. */
  | { kind: 'message'; seq: number; title: string; message: string; level: 'info' | 'error'; folder?: string };

/** What is on screen after a render, read back from the DOM (tests and diagnostics use it). */
export interface ImpactRendered {
  seq: number;
  title: string;
  /** The risk badge's text ('' when a message is shown). */
  risk: string;
  affected: { name: string; type: string; severity: string }[];
  /** Reference links in the table. */
  links: number;
  /** Nodes drawn in the blast-radius graph, and its direction ('' without a graph). */
  graphNodes: number;
  graphOrientation: 'lr' | 'tb' | '';
  message?: string;
  /** Elements the app never creates (img, script, iframe, object…): must stay 0 whatever the names. */
  unexpectedElements: number;
}

export type ToImpactPanel =
  | { type: 'impact/show'; view: ImpactView }
  /** The outcome of a copy or an export, shown in the panel's status line. */
  | { type: 'impact/status'; message: string; error?: boolean };

export type FromImpactPanel =
  /** The app has loaded and listens; `view` is what it restored from its state, if anything. */
  | { type: 'impact/ready'; view?: ImpactView }
  | { type: 'impact/open'; location: ImpactLocation }
  | { type: 'impact/copyMarkdown' }
  | { type: 'impact/exportJson' }
  | ({ type: 'impact/rendered' } & ImpactRendered);
