/**
 * Who is deciding, from the claims of the ARM access token the CLI already holds (Entra ID access
 * tokens are JWTs): `upn` or `unique_name` for a user, `appid` for a service principal, `oid` as
 * the last resort. The token is not verified here: ARM verifies it on every request, and the
 * claims only name the caller in the audit record. Pure.
 */

const CLAIMS = ['upn', 'unique_name', 'appid', 'oid'] as const;

export function principalOfToken(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null) return undefined;
  for (const name of CLAIMS) {
    const value = (claims as Record<string, unknown>)[name];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}
