// Names come from the user's files; in Markdown (hovers, impact reports) they must show as text,
// never as markup or HTML: a model named `<img src=x onerror=…>` or `*bold*` prints as written.
// Only the characters that start markup or HTML inside a line are escaped, so the raw text
// stays readable too.
export function mdText(s: string): string {
  return s.replace(/[\\`*_[\]<>|~&]/g, (ch) => `\\${ch}`);
}
