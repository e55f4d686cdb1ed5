/**
 * SSRF defence: the service only calls FHIR servers allowed for the calling client, and only URLs
 * under that server's base (same origin, same base path). Redirects are refused by the client.
 */

/** Normalises a base URL: no trailing slash, no query or fragment. Returns null when unparsable. */
export function normaliseBase(url: string): URL | null {
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
    if (u.username || u.password) return null;
    u.search = '';
    u.hash = '';
    u.pathname = u.pathname.replace(/\/+$/, '');
    return u;
  } catch {
    return null;
  }
}

/** true when `fhirServer` equals one of `allowed` (after normalisation). */
export function isAllowedFhirServer(fhirServer: string, allowed: readonly string[]): boolean {
  const target = normaliseBase(fhirServer);
  if (!target) return false;
  return allowed.some((a) => normaliseBase(a)?.href === target.href);
}

/** true when `url` is on the same origin as `base` and under its path. */
export function isUnderBase(url: string | URL, base: URL): boolean {
  let u: URL;
  try { u = typeof url === 'string' ? new URL(url) : url; } catch { return false; }
  if (u.origin !== base.origin) return false;
  const basePath = base.pathname.replace(/\/+$/, '');
  return u.pathname === basePath || u.pathname.startsWith(`${basePath}/`);
}

/** Resolves a relative FHIR request (`Observation?patient=1`) against a base, refusing escapes. */
export function resolveUnderBase(relative: string, base: URL): URL | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(relative) || relative.startsWith('//')) return null;
  const baseHref = base.href.replace(/\/+$/, '');
  let u: URL;
  try { u = new URL(`${baseHref}/${relative.replace(/^\/+/, '')}`); } catch { return null; }
  return isUnderBase(u, base) ? u : null;
}

/**
 * true when a link's path hides a traversal: an encoded separator (`%2F`, `%5C`), a backslash, or a
 * dot segment, plain or encoded (`.`, `..`, `%2e%2E`). The URL parser resolves literal `../` but
 * keeps `..%2F` as one segment that many servers decode and resolve after our same-base check, so
 * such a `next` link would carry the bearer token outside the FHIR base. Checked on the link as
 * written (absolute or relative); the query string is not a path and is not checked.
 */
export function hasUnsafePath(link: string): boolean {
  const path = link.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/, 1)[0] ?? '';
  if (/%2f|%5c|\\/i.test(path)) return true;
  return path.split('/').some((seg) => /^(\.|%2e){1,2}$/i.test(seg));
}
