// The drawing area: picks SVG or canvas by size, owns zoom and pan (d3-zoom), fitting, the
// keyboard's roving focus between nodes, messages in place of a graph, and export.
import * as d3 from 'd3';
import type { GraphNode } from '../../src/protocol/lineageProtocol';
import { typeStyle } from './assetTypes';
import { canvasHit, drawCanvasScene } from './canvasRender';
import type { Transform } from './canvasRender';
import { pngDataUrl, svgDocument } from './exportImage';
import { handleGraphKey, nextInDirection } from './keyboard';
import type { Scene } from './scene';
import { nodeLabel } from './scene';
import { drawSvgScene } from './svgRender';
import type { SceneEvents } from './svgRender';
import type { ThemeColors } from './themeColors';

/** Above this many nodes the graph is drawn on a canvas (SVG DOM gets sluggish to pan). */
export const CANVAS_THRESHOLD = 800;
/** The first view fits the graph unless that would make text unreadable. */
const MIN_FIT_SCALE = 0.5;
const MARGIN = 40;

export interface StageEvents extends Omit<SceneEvents, 'focused'> {
  clearSelection(): void;
}

export class GraphStage {
  readonly element: HTMLElement;
  private readonly svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly root: d3.Selection<SVGGElement, unknown, null, undefined>;
  private readonly canvas: HTMLCanvasElement;
  private readonly messageEl: HTMLElement;
  private readonly live: HTMLElement;
  private readonly zoom = d3.zoom<Element, unknown>().scaleExtent([0.05, 3]);
  private transform: Transform = d3.zoomIdentity;
  private scene?: Scene;
  private tabStop?: string;
  private frame = 0;
  private readonly sceneEvents: SceneEvents;
  mode: 'svg' | 'canvas' = 'svg';

  constructor(parent: HTMLElement, private readonly events: StageEvents, private readonly colors: ThemeColors) {
    this.sceneEvents = { ...events, focused: (id) => (this.tabStop = id) };
    this.element = document.createElement('div');
    this.element.className = 'stage';
    this.svg = d3.select(this.element).append('svg').attr('role', 'group').attr('aria-label', 'Lineage graph');
    this.root = this.svg.append('g');
    this.canvas = document.createElement('canvas');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-label', 'Lineage graph (large: use the arrow keys to move between assets, Enter to open)');
    this.canvas.hidden = true;
    this.messageEl = document.createElement('div');
    this.messageEl.className = 'message';
    this.live = document.createElement('div');
    this.live.className = 'sr-only';
    this.live.setAttribute('aria-live', 'polite');
    this.element.append(this.canvas, this.messageEl, this.live);
    parent.append(this.element);

    this.zoom.on('zoom', (e: d3.D3ZoomEvent<Element, unknown>) => {
      this.transform = e.transform;
      if (this.mode === 'svg') this.root.attr('transform', e.transform.toString());
      else this.redraw();
    });
    (this.svg as unknown as d3.Selection<Element, unknown, null, undefined>).call(this.zoom).on('dblclick.zoom', null);
    (d3.select(this.canvas) as unknown as d3.Selection<Element, unknown, null, undefined>).call(this.zoom).on('dblclick.zoom', null);
    this.svg.on('keydown', (e: KeyboardEvent) => this.onKey(e));
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    this.canvas.addEventListener('click', (e) => this.onCanvasClick(e));
    new ResizeObserver(() => this.mode === 'canvas' && this.redraw()).observe(this.element);
  }

  /** Draws a scene; `fit` re-frames the view (a new graph), otherwise zoom and pan stay. */
  render(scene: Scene, fit: boolean): void {
    this.scene = scene;
    this.message('');
    if (!this.tabStop || !scene.byId.has(this.tabStop)) this.tabStop = scene.data.focus;
    const mode = scene.data.nodes.length > CANVAS_THRESHOLD ? 'canvas' : 'svg';
    if (mode !== this.mode) {
      this.mode = mode;
      this.svg.node()!.style.display = mode === 'svg' ? '' : 'none';
      this.canvas.hidden = mode !== 'canvas';
    }
    if (mode === 'svg') drawSvgScene(this.root, scene, this.sceneEvents, this.tabStop);
    else this.root.selectAll('*').remove();
    if (fit) this.frameInitial();
    else if (mode === 'canvas') this.redraw();
  }

  /** A message instead of the graph (loading, nothing in focus, an error). */
  message(text: string): void {
    this.messageEl.textContent = text;
    this.messageEl.hidden = !text;
    if (text) {
      this.scene = undefined;
      this.root.selectAll('*').remove();
      if (this.mode === 'canvas') this.redraw();
    }
  }

  fit(): void {
    const target = this.zoomTarget();
    const s = this.scene;
    if (!s) return;
    const { width, height } = this.element.getBoundingClientRect();
    const k = Math.min(1, this.fitScale(s, width, height));
    const t = d3.zoomIdentity.translate((width - s.layout.width * k) / 2, (height - s.layout.height * k) / 2).scale(Math.max(0.05, k));
    target.call(this.zoom.transform, t);
  }

  /** Moves keyboard focus to a node (and scrolls it into view). */
  focusNode(id: string): void {
    const s = this.scene;
    const box = s?.layout.nodes[id];
    if (!s || !box) return;
    this.tabStop = id;
    const node = s.byId.get(id)!;
    this.live.textContent = nodeLabel(node, typeStyle(node.asset_type).label);
    if (this.mode === 'svg') {
      this.root.selectAll<SVGGElement, unknown>('.node').attr('tabindex', function () {
        return this.getAttribute('data-asset-id') === id ? 0 : -1;
      });
      const el = this.root.node()?.querySelector<SVGGElement>(`[data-asset-id="${CSS.escape(id)}"]`);
      el?.focus({ preventScroll: true });
    } else {
      this.canvas.focus({ preventScroll: true });
    }
    this.ensureVisible(box);
  }

  async exportAs(format: 'svg' | 'png'): Promise<string> {
    const s = this.scene;
    if (!s) throw new Error('there is no graph to export');
    let content = this.root.node()!;
    if (this.mode === 'canvas') {
      // The canvas has no markup: draw the same scene as SVG off-screen for the file.
      content = document.createElementNS('http://www.w3.org/2000/svg', 'g');
      drawSvgScene(d3.select(content), s, this.sceneEvents, undefined);
    }
    const svg = await svgDocument(content, s.layout.width, s.layout.height);
    return format === 'svg' ? svg : pngDataUrl(svg, s.layout.width, s.layout.height);
  }

  /** Colours of the canvas come from the theme: redraw after a theme change. */
  themeChanged(): void {
    this.colors.reset();
    if (this.mode === 'canvas') this.redraw();
  }

  private zoomTarget(): d3.Selection<Element, unknown, null, undefined> {
    return (this.mode === 'svg' ? this.svg : d3.select(this.canvas)) as unknown as d3.Selection<Element, unknown, null, undefined>;
  }

  /** The scale at which the whole layout fits the view, margins included. */
  private fitScale(s: Scene, width: number, height: number): number {
    return Math.min((width - 2 * MARGIN) / Math.max(1, s.layout.width), (height - 2 * MARGIN) / Math.max(1, s.layout.height));
  }

  private frameInitial(): void {
    const s = this.scene!;
    const { width, height } = this.element.getBoundingClientRect();
    const k = this.fitScale(s, width, height);
    if (k >= MIN_FIT_SCALE || !s.layout.nodes[s.data.focus]) return this.fit();
    // Too big to read when fitted: start at a readable scale centred on the focus.
    const f = s.layout.nodes[s.data.focus];
    const t = d3.zoomIdentity.translate(width / 2 - (f.x + f.width / 2) * 0.8, height / 2 - (f.y + f.height / 2) * 0.8).scale(0.8);
    this.zoomTarget().call(this.zoom.transform, t);
  }

  private ensureVisible(box: { x: number; y: number; width: number; height: number }): void {
    const { width, height } = this.element.getBoundingClientRect();
    const t = this.transform;
    const x0 = box.x * t.k + t.x;
    const y0 = box.y * t.k + t.y;
    if (x0 >= 0 && y0 >= 0 && x0 + box.width * t.k <= width && y0 + box.height * t.k <= height) return;
    this.zoomTarget().call(this.zoom.translateTo, box.x + box.width / 2, box.y + box.height / 2);
  }

  private redraw(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => {
      if (this.scene && this.mode === 'canvas') drawCanvasScene(this.canvas, this.scene, this.transform, this.colors, this.tabStop);
      else this.canvas.getContext('2d')?.clearRect(0, 0, this.canvas.width, this.canvas.height);
    });
  }

  private onKey(e: KeyboardEvent): void {
    const s = this.scene;
    const current = this.tabStop && s?.byId.get(this.tabStop);
    if (!s || !current) return;
    const handled = handleGraphKey(e.key, {
      move: (dir) => {
        const next = nextInDirection(s.layout.nodes, current.id, dir);
        if (next) {
          this.focusNode(next);
          if (this.mode === 'canvas') this.redraw();
        }
      },
      open: () => this.events.openNode(current),
      toggleColumns: () => this.mode === 'svg' && current.columns.length && this.events.toggleExpanded(current.id),
      refocus: () => this.events.refocus(current.id),
      clear: () => this.events.clearSelection(),
    });
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  }

  private onCanvasClick(e: MouseEvent): void {
    const s = this.scene;
    if (!s) return;
    const rect = this.canvas.getBoundingClientRect();
    const hit = canvasHit(s, this.transform, e.clientX - rect.left, e.clientY - rect.top);
    if (!hit) return;
    if (hit.kind === 'more') return this.events.refocus(hit.node.id);
    this.focusNode(hit.node.id);
    this.redraw();
    this.events.openNode(hit.node as GraphNode);
  }
}
