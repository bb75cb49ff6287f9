/** URLs on the configured ARM origin: built from paths, followed from server links, scoped for pacing. */
import { ArmError } from './arm-error.js';

export interface ArmUrls {
  /** The token scope of the ARM origin (`{origin}/.default`). */
  scope: string;
  urlFor(path: string, apiVersion: string): URL;
  /** A URL the server handed back; it must stay on our origin or the token would leak. */
  followUrl(link: string, what: string, apiVersion: string | undefined): URL;
  /** The pacing scope: the subscription in the path, else a tenant-wide bucket. */
  scopeOf(url: URL): string;
}

export function createArmUrls(endpoint: string): ArmUrls {
  const base = new URL(endpoint);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new TypeError(`ARM endpoint must be http(s), got ${base.protocol}`);
  const basePath = base.pathname.replace(/\/+$/u, '');
  const scope = `${base.origin}/.default`;

  function urlFor(path: string, apiVersion: string): URL {
    const url = new URL(base.origin + basePath + path);
    url.searchParams.set('api-version', apiVersion);
    return url;
  }

  function followUrl(link: string, what: string, apiVersion: string | undefined): URL {
    let url: URL;
    try {
      url = new URL(link, base);
    } catch (error) {
      throw new ArmError({
        method: 'GET', path: what, httpStatus: undefined, code: 'InvalidLink', armMessage: `${what} is not a URL`,
        requestId: undefined, correlationId: undefined, transient: false, retryAfterMs: undefined, cause: error,
      });
    }
    if (url.origin !== base.origin) {
      throw new ArmError({
        method: 'GET', path: url.pathname, httpStatus: undefined, code: 'ForeignLink',
        armMessage: `${what} points to ${url.origin}, not ${base.origin}; not followed`,
        requestId: undefined, correlationId: undefined, transient: false, retryAfterMs: undefined,
        hint: 'ARM handed back a link to another host; linkgate sends its token only to LINKGATE_ARM_ENDPOINT.',
      });
    }
    if (apiVersion !== undefined && !url.searchParams.has('api-version')) url.searchParams.set('api-version', apiVersion);
    return url;
  }

  function scopeOf(url: URL): string {
    const rest = url.pathname.slice(basePath.length);
    const match = /^\/subscriptions\/([0-9a-fA-F-]{36})(\/|$)/u.exec(rest);
    return match?.[1]?.toLowerCase() ?? 'tenant';
  }

  return { scope, urlFor, followUrl, scopeOf };
}
