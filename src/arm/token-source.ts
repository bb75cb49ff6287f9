/** Bearer tokens for ARM: a static token, or one acquired lazily from a TokenCredential and cached until near expiry. */
import type { TokenCredential } from '@azure/identity';
import { ArmError } from './arm-error.js';

/** Refresh a cached token this long before it expires. */
const TOKEN_REFRESH_MARGIN_MS = 2 * 60 * 1000;

export interface TokenSourceContext {
  /** A static token (emulators), any TokenCredential, or unset: DefaultAzureCredential, created on first use. */
  credential: { token: string } | TokenCredential | undefined;
  /** The token scope, `{origin}/.default`. */
  scope: string;
  /** Epoch milliseconds, for token expiry. */
  now: () => number;
}

export interface TokenSource {
  getToken(): Promise<string>;
  /** The last token handed out, kept only to cut it out of error texts. */
  lastToken(): string | undefined;
}

function isTokenCredential(value: unknown): value is TokenCredential {
  return typeof value === 'object' && value !== null && typeof (value as TokenCredential).getToken === 'function';
}

export function createTokenSource(ctx: TokenSourceContext): TokenSource {
  const { scope, now } = ctx;
  let credential: TokenCredential | undefined = isTokenCredential(ctx.credential) ? ctx.credential : undefined;
  const staticToken = !isTokenCredential(ctx.credential) && ctx.credential !== undefined ? ctx.credential.token : undefined;
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  let lastToken: string | undefined = staticToken;

  async function acquireToken(): Promise<string> {
    if (credential === undefined) {
      const identity = await import('@azure/identity');
      credential = new identity.DefaultAzureCredential();
    }
    let access;
    try {
      access = await credential.getToken(scope);
    } catch (error) {
      throw new ArmError({
        method: 'TOKEN', path: scope, httpStatus: undefined, code: 'CredentialUnavailable',
        armMessage: error instanceof Error ? error.message : String(error),
        // Transient: a managed-identity endpoint blip looks the same as a missing identity, and
        // only a failed invocation gets Event Grid to try again; a real misconfiguration keeps
        // failing loudly with this hint instead of being dropped with a 200.
        requestId: undefined, correlationId: undefined, transient: true, retryAfterMs: undefined, cause: error,
        hint: 'No Azure credential produced a token: run az login, give the app a managed identity, or set LINKGATE_ARM_TOKEN for an emulator.',
      });
    }
    if (access === null || typeof access.token !== 'string' || access.token.length === 0) {
      throw new ArmError({
        method: 'TOKEN', path: scope, httpStatus: undefined, code: 'CredentialUnavailable', armMessage: 'the credential returned no token',
        requestId: undefined, correlationId: undefined, transient: false, retryAfterMs: undefined,
        hint: 'Run az login, give the app a managed identity, or set LINKGATE_ARM_TOKEN for an emulator.',
      });
    }
    cached = { token: access.token, refreshAt: access.expiresOnTimestamp - TOKEN_REFRESH_MARGIN_MS };
    return access.token;
  }

  async function getToken(): Promise<string> {
    if (staticToken !== undefined) return staticToken;
    if (cached !== undefined && now() < cached.refreshAt) return cached.token;
    // One acquisition at a time; concurrent requests share it.
    pending ??= acquireToken().finally(() => {
      pending = undefined;
    });
    const token = await pending;
    lastToken = token;
    return token;
  }

  return { getToken, lastToken: () => lastToken };
}
