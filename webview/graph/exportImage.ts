// Exports the whole graph (not just what is on screen) as a standalone SVG file or a PNG. The
// theme's colours are resolved into the file and the codicon font is embedded, since neither
// VS Code's variables nor its fonts exist where the file is opened.
import { GRAPH_CSS } from './styles';
import { resolveVars } from './themeColors';

const PAD = 16;
/** Browsers refuse canvases much beyond this; big graphs export at a lower scale. */
const MAX_PNG_SIDE = 8000;

/** A standalone SVG of `content` (the graph's root group) sized to the graph. */
export async function svgDocument(content: SVGGElement, width: number, height: number): Promise<string> {
  const clone = content.cloneNode(true) as SVGGElement;
  clone.removeAttribute('transform');
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('xmlns', ns);
  svg.setAttribute('width', String(Math.ceil(width + 2 * PAD)));
  svg.setAttribute('height', String(Math.ceil(height + 2 * PAD)));
  svg.setAttribute('viewBox', `${-PAD} ${-PAD} ${width + 2 * PAD} ${height + 2 * PAD}`);
  const style = document.createElementNS(ns, 'style');
  const body = getComputedStyle(document.body);
  const background = document.createElementNS(ns, 'rect');
  background.setAttribute('x', String(-PAD));
  background.setAttribute('y', String(-PAD));
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', body.backgroundColor || 'white');
  style.textContent = `${await codiconFontFace()}\ntext { font-family: ${body.fontFamily || 'sans-serif'}; }\n${resolveVars(GRAPH_CSS)}`;
  svg.append(style, background, clone);
  // Inline styles hold var() too (type colours): resolve them in the markup.
  return resolveVars(new XMLSerializer().serializeToString(svg));
}

/** The SVG rendered to a PNG data URL, at 2× where the size allows. */
export async function pngDataUrl(svgText: string, width: number, height: number): Promise<string> {
  const w = width + 2 * PAD;
  const h = height + 2 * PAD;
  const scale = Math.min(2, MAX_PNG_SIDE / Math.max(w, h));
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(w * scale));
  canvas.height = Math.max(1, Math.round(h * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/png');
}

let fontFace: Promise<string> | undefined;

/** The codicon font as a data: URL @font-face (icons are glyphs of that font). */
function codiconFontFace(): Promise<string> {
  const href = document.getElementById('vscode-codicon-stylesheet')?.getAttribute('href');
  if (!href) return Promise.resolve('');
  fontFace ??= fetch(new URL('codicon.ttf', new URL(href, document.baseURI)).toString())
    .then((r) => r.arrayBuffer())
    .then((buf) => {
      let bin = '';
      const bytes = new Uint8Array(buf);
      for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return `@font-face { font-family: codicon; src: url(data:font/truetype;base64,${btoa(bin)}) format('truetype'); }`;
    })
    .catch(() => '');
  return fontFace;
}
