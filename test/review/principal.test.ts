import { describe, expect, it } from 'vitest';
import { principalOfToken } from '../../src/review/principal-of-token.js';
import { resolvePrincipal } from '../../src/review/resolve-principal.js';
import { ReviewRefusedError } from '../../src/review/review-errors.js';

const jwt = (claims: Record<string, unknown>): string =>
  [Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url'), Buffer.from(JSON.stringify(claims)).toString('base64url'), 'c2lnbmF0dXJl'].join('.');

const CONFIG = { armToken: undefined, armEndpoint: 'https://management.azure.com' };

describe('principalOfToken', () => {
  it('takes upn, then unique_name, then appid, then oid', () => {
    expect(principalOfToken(jwt({ upn: 'alice@contoso.com', unique_name: 'x', appid: 'y', oid: 'z' }))).toBe('alice@contoso.com');
    expect(principalOfToken(jwt({ unique_name: 'live.com#bob@example.com', oid: 'z' }))).toBe('live.com#bob@example.com');
    expect(principalOfToken(jwt({ appid: '0f2a…-app', oid: 'z' }))).toBe('0f2a…-app');
    expect(principalOfToken(jwt({ oid: '6e1b5c0a-0000-4000-8000-000000000001' }))).toBe('6e1b5c0a-0000-4000-8000-000000000001');
  });

  it('finds nobody in a token that is not a JWT or names no one', () => {
    expect(principalOfToken('emulator-token')).toBeUndefined();
    expect(principalOfToken('a.!!!.c')).toBeUndefined();
    expect(principalOfToken(jwt({ upn: '  ', aud: 'https://management.azure.com' }))).toBeUndefined();
    expect(principalOfToken(`x.${Buffer.from('"just a string"').toString('base64url')}.y`)).toBeUndefined();
  });
});

describe('resolvePrincipal', () => {
  it('prefers the token, falls back to --as, and refuses with neither', async () => {
    await expect(resolvePrincipal(CONFIG, 'someone-else', async () => jwt({ upn: 'alice@contoso.com' }))).resolves.toEqual({ principal: 'alice@contoso.com', source: 'token' });
    await expect(resolvePrincipal(CONFIG, ' carol ', async () => 'emulator-token')).resolves.toEqual({ principal: 'carol', source: 'as' });
    await expect(resolvePrincipal(CONFIG, undefined, async () => undefined)).rejects.toBeInstanceOf(ReviewRefusedError);
    await expect(resolvePrincipal(CONFIG, '  ', async () => undefined)).rejects.toMatchObject({ exitCode: 1, code: 'PrincipalUnknown', transient: false });
  });

  it('reads the static token of the configuration', async () => {
    await expect(resolvePrincipal({ ...CONFIG, armToken: jwt({ appid: 'linkgate-ci' }) }, undefined)).resolves.toEqual({ principal: 'linkgate-ci', source: 'token' });
  });
});
