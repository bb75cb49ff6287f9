/**
 * The ARM credential is checked once at start-up. A machine with no `az login` and no managed
 * identity is misconfigured, not having a bad moment: retrying it per request only turns a
 * setup mistake into 503s and a page of credential-chain text. So the host refuses to start,
 * with one line saying which chain was tried and what to do.
 */
import type { TokenCredential } from '@azure/identity';
import { LinkgateError, messageOf } from '../errors/linkgate-error.js';

/** DefaultAzureCredential's chain in @azure/identity 4, in order; used when the error does not name them. */
const DEFAULT_CHAIN = [
  'EnvironmentCredential',
  'WorkloadIdentityCredential',
  'ManagedIdentityCredential',
  'VisualStudioCodeCredential',
  'AzureCliCredential',
  'AzurePowerShellCredential',
  'AzureDeveloperCliCredential',
];

export class CredentialUnavailableError extends LinkgateError {
  override name = 'CredentialUnavailableError';
  constructor(message: string, cause: unknown) {
    // Not transient, exit 2: a configuration error, like a bad setting. No hint line: the message says what to do.
    super(message, { code: 'CredentialUnavailable', transient: false, exitCode: 2, cause });
  }
}

/**
 * Some of @azure/identity's messages name their credential, others only the tool
 * ("Azure CLI could not be found"); the more specific phrase comes first.
 */
const TOOL_PHRASES: ReadonlyArray<readonly [RegExp, string]> = [
  [/Azure Developer CLI/u, 'AzureDeveloperCliCredential'],
  [/Azure CLI/u, 'AzureCliCredential'],
  [/PowerShell/u, 'AzurePowerShellCredential'],
  [/Visual Studio Code/u, 'VisualStudioCodeCredential'],
];

/** The credentials a chained credential's AggregateAuthenticationError says it tried, in order. */
export function credentialsTried(error: unknown): string[] {
  const errors = (error as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  const names = errors.map((e) => {
    const message = messageOf(e);
    return /\b([A-Za-z]+Credential)\b/u.exec(message)?.[1] ?? TOOL_PHRASES.find(([phrase]) => phrase.test(message))?.[1];
  });
  return names.filter((n): n is string => n !== undefined);
}

/** One line, never more: a long cause is cut, and newlines are flattened. */
function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/**
 * Gets one token for `scope` or throws CredentialUnavailableError. `label` names the credential
 * (DefaultAzureCredential unless the caller supplied its own).
 */
export async function checkArmCredential(credential: TokenCredential, scope: string, label = 'DefaultAzureCredential'): Promise<void> {
  let failure: unknown;
  try {
    const token = await credential.getToken(scope);
    if (token !== null && typeof token.token === 'string' && token.token !== '') return;
    failure = new Error('the credential returned no token');
  } catch (error) {
    failure = error;
  }
  const tried = credentialsTried(failure);
  const chain = tried.length > 0 ? tried : label === 'DefaultAzureCredential' ? DEFAULT_CHAIN : [label];
  const why = tried.length > 0 ? 'none of them produced a token' : firstLine(messageOf(failure));
  throw new CredentialUnavailableError(
    `no Azure credential for ${scope}: ${label} tried ${chain.join(', ')} and ${tried.length > 0 ? why : `failed (${why})`}; ` +
      'run `az login` (in Azure: give the app a managed identity), or for the local ARM emulator set LINKGATE_ARM_ENDPOINT and LINKGATE_ARM_TOKEN',
    failure,
  );
}
