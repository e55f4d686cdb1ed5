/**
 * Which URLs a card may carry to the EHR (`links[].url`, `source.url`, `source.icon`): https only,
 * plus http in development mode. Whatever a scorer, a custom bundle or a forged result puts there,
 * `javascript:`, `data:`, `file:` and every other scheme never reach a clinician's screen.
 */

/** true when `url` parses and its scheme is https (or http when `allowHttp`), with no credentials. */
export function isAllowedCardUrl(url: unknown, allowHttp: boolean): boolean {
  if (typeof url !== 'string') return false;
  let u: URL;
  try { u = new URL(url); } catch { return false; }
  if (u.username || u.password) return false;
  return u.protocol === 'https:' || (allowHttp && u.protocol === 'http:');
}

/**
 * Removes disallowed URLs from a card (in place): a link with one is dropped, `source.url` and
 * `source.icon` are deleted. Returns how many were removed (each is counted as a drop).
 */
export function stripUnsafeCardUrls(card: Record<string, unknown>, allowHttp: boolean): number {
  let removed = 0;
  const source = card.source as Record<string, unknown> | undefined;
  if (source && typeof source === 'object') {
    for (const k of ['url', 'icon'] as const) {
      if (source[k] !== undefined && !isAllowedCardUrl(source[k], allowHttp)) { delete source[k]; removed += 1; }
    }
  }
  if (Array.isArray(card.links)) {
    const kept = card.links.filter((l) => l && typeof l === 'object' && isAllowedCardUrl((l as { url?: unknown }).url, allowHttp));
    removed += card.links.length - kept.length;
    if (kept.length > 0) card.links = kept; else delete card.links;
  }
  return removed;
}
