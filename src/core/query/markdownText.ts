// Names come from the user's files; in Markdown (hovers, impact reports) they must show as text,
// never as markup or HTML: a model named `<img src=x onerror=…>` or `*bold*` prints as written.
export function mdText(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, (ch) => `\\${ch}`);
}
