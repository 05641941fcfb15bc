// Theme variables resolved to colours, for what cannot use CSS directly: the canvas renderer and
// exported SVG/PNG files (which are opened outside VS Code, where --vscode-* does not exist).

/** Replaces every `var(--name[, fallback])` in `css` with its current value. */
export function resolveVars(css: string, style: CSSStyleDeclaration = getComputedStyle(document.documentElement)): string {
  let out = css;
  // Innermost first, so fallbacks that are themselves var() resolve.
  for (let guard = 0; guard < 5 && out.includes('var('); guard++) {
    out = out.replace(/var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*))?\)/g, (_, name: string, fallback?: string) => style.getPropertyValue(name).trim() || (fallback ?? '').trim() || 'currentColor');
  }
  return out;
}

export class ThemeColors {
  private readonly cache = new Map<string, string>();
  private style = getComputedStyle(document.documentElement);

  /** Call when the theme changes (VS Code rewrites the variables on <html>). */
  reset(): void {
    this.cache.clear();
    this.style = getComputedStyle(document.documentElement);
  }

  get(css: string): string {
    let v = this.cache.get(css);
    if (v === undefined) {
      v = resolveVars(css, this.style);
      this.cache.set(css, v);
    }
    return v;
  }
}
