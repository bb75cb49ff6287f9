/**
 * The principal a person's decision is recorded under: the claims of the ARM token the command
 * uses (a person who can approve in ARM is who ARM says they are), else `--as`. With neither the
 * command refuses: an anonymous human decision would leave the hole in the trail it exists to close.
 */
import { createArmUrls } from '../arm/arm-urls.js';
import { createTokenSource } from '../arm/token-source.js';
import type { LinkgateConfig } from '../config/read-config.js';
import { principalOfToken } from './principal-of-token.js';
import { ReviewRefusedError } from './review-errors.js';

export interface ResolvedPrincipal {
  principal: string;
  source: 'token' | 'as';
}

/** The ARM token's text: the static one, or one from DefaultAzureCredential; undefined when none can be had. */
async function armTokenText(config: Pick<LinkgateConfig, 'armToken' | 'armEndpoint'>): Promise<string | undefined> {
  if (config.armToken !== undefined) return config.armToken;
  try {
    return await createTokenSource({ credential: undefined, scope: createArmUrls(config.armEndpoint).scope, now: Date.now }).getToken();
  } catch {
    // No credential: then --as must name the person (and the ARM write will say why it cannot run).
    return undefined;
  }
}

export async function resolvePrincipal(
  config: Pick<LinkgateConfig, 'armToken' | 'armEndpoint'>,
  asName: string | undefined,
  tokenText: (config: Pick<LinkgateConfig, 'armToken' | 'armEndpoint'>) => Promise<string | undefined> = armTokenText,
): Promise<ResolvedPrincipal> {
  const token = await tokenText(config);
  const fromToken = token === undefined ? undefined : principalOfToken(token);
  if (fromToken !== undefined) return { principal: fromToken, source: 'token' };
  const named = asName?.trim();
  if (named !== undefined && named !== '') return { principal: named, source: 'as' };
  throw new ReviewRefusedError(
    'PrincipalUnknown',
    'cannot tell who is deciding: the ARM token carries no upn, unique_name, appid or oid claim, and --as is not given',
    'sign in with az login (your account is then recorded), or pass --as NAME',
  );
}
