// Text helpers shared by the webview apps.

/**
 * A name cut to `max` characters with an ellipsis (the full name stays in the tooltip and the
 * accessible name). Counted in code points, so an emoji is never cut in half.
 */
export function fitLabel(name: string, max: number): string {
  const chars = [...name];
  return chars.length <= max ? name : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}
