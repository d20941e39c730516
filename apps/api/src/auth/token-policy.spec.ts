import { loadEnvironment } from '@app/config';
import { ApiEnvironment } from '../config/api.environment';
import { claimsProblem, TOKEN_REJECTIONS, type TokenPolicy, tokenPolicyFrom } from './token-policy';

const NOW = 1_800_000_000;
const HOUR = 3600;
const policy: TokenPolicy = { maxTtlSeconds: 24 * HOUR, clockToleranceSeconds: 30, audiences: [] };
const strict: TokenPolicy = { ...policy, issuer: 'https://auth.graphnode.example', audiences: ['graphnode-api', 'graphnode-sse'] };

describe(tokenPolicyFrom.name, () => {
  it('takes the limits from the api environment, the audiences as a list', () => {
    const api = loadEnvironment(ApiEnvironment, {
      JWT_SECRET: 'a-secret-of-our-own-that-is-long-enough',
      SQS_REQUEST_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/graphnode-requests',
      JWT_MAX_TTL_SECONDS: '7200',
      JWT_CLOCK_TOLERANCE_SECONDS: '5',
      JWT_ISSUER: 'https://auth.graphnode.example',
      JWT_AUDIENCE: 'graphnode-api,graphnode-sse',
    });
    expect(tokenPolicyFrom(api)).toEqual({
      maxTtlSeconds: 7200,
      clockToleranceSeconds: 5,
      issuer: 'https://auth.graphnode.example',
      audiences: ['graphnode-api', 'graphnode-sse'],
    });
  });
});

describe(claimsProblem.name, () => {
  it.each([
    ['an exp within the lifetime and no iat', { exp: NOW + HOUR }],
    ['an exp and iat within the lifetime', { iat: NOW, exp: NOW + 24 * HOUR }],
    ['an exp exactly the lifetime plus the clock tolerance away', { exp: NOW + 24 * HOUR + 30 }],
    ['an iat before now, exp - iat exactly the lifetime', { iat: NOW - HOUR, exp: NOW + 23 * HOUR }],
    ['any iss and aud while neither is configured', { exp: NOW + HOUR, iss: 'anyone', aud: ['anything'] }],
  ])('accepts %s', (_label, claims: Record<string, unknown>) => {
    expect(claimsProblem(claims, policy, NOW)).toBeUndefined();
  });

  it.each([
    ['no exp', {}, TOKEN_REJECTIONS.noExpiry],
    ['a string exp', { exp: String(NOW + HOUR) }, TOKEN_REJECTIONS.noExpiry],
    ['a null exp', { exp: null }, TOKEN_REJECTIONS.noExpiry],
    ['an exp in the year 2200', { exp: 7_258_118_400 }, TOKEN_REJECTIONS.tooLong],
    ['an exp one second past the lifetime plus tolerance', { exp: NOW + 24 * HOUR + 31 }, TOKEN_REJECTIONS.tooLong],
    ['exp - iat longer than the lifetime (backdated iat)', { iat: NOW - 2 * HOUR, exp: NOW + 23 * HOUR }, TOKEN_REJECTIONS.tooLong],
    ['a string iat', { iat: 'yesterday', exp: NOW + HOUR }, TOKEN_REJECTIONS.badIssueTime],
  ])('refuses %s', (_label, claims: Record<string, unknown>, expected) => {
    expect(claimsProblem(claims, policy, NOW)).toBe(expected);
  });

  describe('with an issuer and audiences configured', () => {
    const valid = { exp: NOW + HOUR, iss: 'https://auth.graphnode.example', aud: 'graphnode-api' };

    it.each([
      ['the issuer and the first audience', valid],
      ['the second audience', { ...valid, aud: 'graphnode-sse' }],
      ['an audience list that holds an accepted one', { ...valid, aud: ['someone-else', 'graphnode-sse'] }],
    ])('accepts %s', (_label, claims: Record<string, unknown>) => {
      expect(claimsProblem(claims, strict, NOW)).toBeUndefined();
    });

    it.each([
      ['no iss', { ...valid, iss: undefined }, TOKEN_REJECTIONS.issuer],
      ['another iss', { ...valid, iss: 'https://evil.example' }, TOKEN_REJECTIONS.issuer],
      ['an iss that only starts like the configured one', { ...valid, iss: 'https://auth.graphnode.example.evil' }, TOKEN_REJECTIONS.issuer],
      ['no aud', { ...valid, aud: undefined }, TOKEN_REJECTIONS.audience],
      ['another aud', { ...valid, aud: 'graphnode-admin' }, TOKEN_REJECTIONS.audience],
      ['an empty aud list', { ...valid, aud: [] }, TOKEN_REJECTIONS.audience],
      ['an aud list without an accepted one', { ...valid, aud: ['a', 'b'] }, TOKEN_REJECTIONS.audience],
      ['a numeric aud', { ...valid, aud: 1 }, TOKEN_REJECTIONS.audience],
    ])('refuses %s', (_label, claims: Record<string, unknown>, expected) => {
      expect(claimsProblem(claims, strict, NOW)).toBe(expected);
    });
  });

  it('gives each refusal its own message, none naming what would have been accepted', () => {
    const messages = Object.values(TOKEN_REJECTIONS);
    expect(new Set(messages).size).toBe(messages.length);
    for (const message of messages) expect(message).not.toMatch(/graphnode|expected/i);
  });
});
