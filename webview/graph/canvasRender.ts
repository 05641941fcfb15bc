// Big graphs (more nodes than SVG stays smooth with) are drawn on a canvas: the same boxes,
// icons, colours and "+N" counts, without column rows. Names are drawn with fillText, which
// is text by construction. Hit-testing maps clicks back to nodes and markers.
import type { GraphNode } from '../../src/protocol/lineageProtocol';
import { GLYPH, typeStyle } from './assetTypes';
import { linkControls, moreMarker, tableEnds } from './geometry';
import type { FlowDirection } from './layout';
import { HEADER_HEIGHT } from './layout';
import type { Scene } from './scene';
import { fitLabel } from '../common/text';
import type { ThemeColors } from './themeColors';

export interface Transform {
  x: number;
  y: number;
  k: number;
}

export type CanvasHit = { kind: 'node'; node: GraphNode } | { kind: 'more'; node: GraphNode };

export function drawCanvasScene(canvas: HTMLCanvasElement, scene: Scene, t: Transform, colors: ThemeColors, kbd?: string): void {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.setTransform(ratio * t.k, 0, 0, ratio * t.k, ratio * t.x, ratio * t.y);
  // Only what is on screen is drawn: a 2,000-node graph zoomed in costs a few nodes per frame.
  const view = { x0: -t.x / t.k, y0: -t.y / t.k, x1: (w - t.x) / t.k, y1: (h - t.y) / t.k };
  const visible = (b: { x: number; y: number; width: number; height: number }) => b.x + b.width >= view.x0 && b.x <= view.x1 && b.y + b.height >= view.y0 && b.y <= view.y1;

  ctx.lineWidth = 1.2 / Math.max(t.k, 0.5);
  ctx.strokeStyle = colors.get('var(--vscode-editorLineNumber-foreground, var(--vscode-descriptionForeground))');
  ctx.beginPath();
  for (const e of scene.data.edges) {
    const a = scene.layout.nodes[e.from];
    const b = scene.layout.nodes[e.to];
    if (!a || !b) continue;
    const [ea, eb] = tableEnds(a, b, scene.layout.direction);
    const p = ea.at;
    const q = eb.at;
    if (Math.max(p.x, q.x) < view.x0 || Math.min(p.x, q.x) > view.x1 || Math.max(p.y, q.y) < view.y0 || Math.min(p.y, q.y) > view.y1) continue;
    const [c1, c2] = linkControls(ea, eb);
    ctx.moveTo(p.x, p.y);
    ctx.bezierCurveTo(c1.x, c1.y, c2.x, c2.y, q.x, q.y);
  }
  ctx.stroke();

  const detail = t.k > 0.35; // text is unreadable below this zoom: boxes only
  const fg = colors.get('var(--vscode-foreground)');
  const muted = colors.get('var(--vscode-descriptionForeground)');
  const boxFill = colors.get('var(--vscode-editorWidget-background, var(--vscode-editor-background))');
  const border = colors.get('var(--vscode-editorWidget-border, var(--vscode-panel-border, var(--vscode-foreground)))');
  const focusBorder = colors.get('var(--vscode-focusBorder)');
  const warn = colors.get('var(--vscode-editorWarning-foreground)');
  for (const n of scene.data.nodes) {
    const b = scene.layout.nodes[n.id];
    if (!b || !visible(b)) continue;
    const style = typeStyle(n.asset_type);
    const dim = scene.searching && !scene.matches.has(n.id);
    ctx.globalAlpha = dim ? 0.3 : 1;
    ctx.fillStyle = boxFill;
    ctx.fillRect(b.x, b.y, b.width, b.height);
    ctx.lineWidth = n.depth === 0 || n.id === kbd ? 2.5 : 1;
    ctx.strokeStyle = n.depth === 0 || n.id === kbd || (scene.searching && !dim) ? focusBorder : n.stale ? warn : border;
    ctx.setLineDash(n.stale || n.id === kbd ? [5, 3] : []);
    ctx.strokeRect(b.x, b.y, b.width, b.height);
    ctx.setLineDash([]);
    ctx.fillStyle = colors.get(style.color);
    ctx.fillRect(b.x, b.y, 4, HEADER_HEIGHT);
    if (detail) {
      ctx.font = '16px codicon';
      ctx.fillText(style.glyph, b.x + 12, b.y + 23);
      ctx.fillStyle = fg;
      ctx.font = '600 12.5px sans-serif';
      ctx.fillText(fitLabel(n.name, 23), b.x + 34, b.y + 15);
      ctx.fillStyle = muted;
      ctx.font = '10.5px sans-serif';
      ctx.fillText(n.stale ? `${style.label} · stale` : style.label, b.x + 34, b.y + 28);
      if (n.stale) {
        ctx.fillStyle = warn;
        ctx.font = '14px codicon';
        ctx.fillText(GLYPH.warning, b.x + b.width - 22, b.y + 23);
      }
      for (const m of moreMarkers(n, b, scene.layout.direction)) {
        ctx.fillStyle = colors.get('var(--vscode-badge-background)');
        ctx.fillRect(m.x, m.y, m.width, m.height);
        ctx.fillStyle = colors.get('var(--vscode-badge-foreground)');
        ctx.font = '600 10.5px sans-serif';
        ctx.fillText(m.text, m.x + 5, m.y + 12);
      }
    }
  }
  ctx.globalAlpha = 1;
}

function moreMarkers(n: GraphNode, b: { x: number; y: number; width: number; height: number }, flow: FlowDirection): { x: number; y: number; width: number; height: number; text: string }[] {
  const out = [];
  for (const [count, dir] of [[n.hiddenUpstream, 'up'], [n.hiddenDownstream, 'down']] as const) {
    if (!count) continue;
    const m = moreMarker(count, dir, b, flow);
    out.push({ ...m, x: b.x + m.x, y: b.y + m.y });
  }
  return out;
}

/** The node or "+N" marker under a point given in canvas pixels. */
export function canvasHit(scene: Scene, t: Transform, px: number, py: number): CanvasHit | undefined {
  const x = (px - t.x) / t.k;
  const y = (py - t.y) / t.k;
  for (const n of scene.data.nodes) {
    const b = scene.layout.nodes[n.id];
    if (!b) continue;
    if (x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height) return { kind: 'node', node: n };
    if (moreMarkers(n, b, scene.layout.direction).some((m) => x >= m.x && x <= m.x + m.width && y >= m.y && y <= m.y + m.height)) return { kind: 'more', node: n };
  }
  return undefined;
}
