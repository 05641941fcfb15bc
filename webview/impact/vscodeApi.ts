// The webview host's API, typed with the panel's protocol: messages out, and the state VS Code
// keeps for the panel across a window reload.
import type { FromImpactPanel, ImpactView } from '../../src/protocol/webviewProtocol';

export interface PanelState {
  view?: ImpactView;
}

interface WebviewApi {
  postMessage(message: FromImpactPanel): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): WebviewApi;

/** acquireVsCodeApi may be called only once per page: the app calls this once, in main.ts. */
export function vscodeApi(): WebviewApi {
  return acquireVsCodeApi();
}
