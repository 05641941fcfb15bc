// The messages between the page and its layout worker (internal to the webview).
import type { LayoutInput, LayoutResult } from './layout';

export interface LayoutRequest {
  id: number;
  input: LayoutInput;
  /** Also run ELK after the quick layout (small graphs). */
  refine: boolean;
}

export type LayoutResponse =
  | { id: number; kind: 'layout'; result: LayoutResult; ms: number }
  | { id: number; kind: 'error'; engine: 'quick' | 'elk'; message: string };
