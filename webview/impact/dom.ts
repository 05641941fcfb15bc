// The one way the panel builds elements. Every string child becomes a Text node and every
// attribute is set with setAttribute, so a name from the user's files — say a model called
// `<img src=x onerror=alert(1)>` — is shown as the characters it is, never parsed as HTML.
// There is deliberately no innerHTML anywhere in this app.
type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  title?: string;
  attrs?: Record<string, string>;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.title) el.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  append(el, ...children);
  return el;
}

function append(parent: Node, ...children: Child[]): void {
  for (const c of children) if (c !== null && c !== undefined && c !== false) parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
}

/** A codicon through vscode-elements' icon component (it finds codicon.css by the shell's link id). */
export function icon(name: string): HTMLElement {
  return h('vscode-icon', { attrs: { name } });
}

/**
 * Text with line-break opportunities after `_` and `/` (<wbr> elements, still no markup
 * from the data): long snake_case names wrap at their words in a narrow column, not mid-word.
 */
export function breakable(text: string): Node {
  const frag = document.createDocumentFragment();
  for (const part of text.split(/(?<=[_/])/)) {
    if (frag.childNodes.length) frag.appendChild(document.createElement('wbr'));
    frag.appendChild(document.createTextNode(part));
  }
  return frag;
}
