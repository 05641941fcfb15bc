// A webview app's stylesheet, adopted as a constructed sheet: the CSP allows no inline <style>
// without the nonce, and constructed sheets need none.
export function installStyles(css: string): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
