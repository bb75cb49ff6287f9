import { describe, expect, it } from 'vitest';
import { readConfig, type ConfigError } from '../../src/config/read-config.js';
import { describeNotifyUrl } from '../../src/notify/notify-settings.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    readConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('notification settings', () => {
  it('are off without LINKGATE_NOTIFY_URL, with the default kinds checked anyway', () => {
    expect(readConfig({}).notify).toBeUndefined();
    expect(problemsOf({ LINKGATE_NOTIFY_ON: 'manual,sometimes' })).toEqual([expect.stringContaining('LINKGATE_NOTIFY_ON has "sometimes"')]);
  });

  it('tell a webhook from an Event Grid topic endpoint', () => {
    expect(readConfig({ LINKGATE_NOTIFY_URL: 'https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=SECRET' }).notify).toEqual({
      url: 'https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=SECRET',
      transport: 'webhook',
      key: undefined,
      on: ['manual', 'drift', 'failed'],
    });
    expect(readConfig({ LINKGATE_NOTIFY_URL: 'https://linkgate.westeurope-1.eventgrid.azure.net/api/events', LINKGATE_NOTIFY_KEY: 'k3y', LINKGATE_NOTIFY_ON: 'Approved, rejected,approved' }).notify).toEqual({
      url: 'https://linkgate.westeurope-1.eventgrid.azure.net/api/events',
      transport: 'eventGrid',
      key: 'k3y',
      on: ['approved', 'rejected'],
    });
  });

  it('accept http:// only for a loopback receiver, and never echo the URL query', () => {
    expect(readConfig({ LINKGATE_NOTIFY_URL: 'http://127.0.0.1:8080/hook' }).notify?.transport).toBe('webhook');
    expect(readConfig({ LINKGATE_NOTIFY_URL: 'http://localhost:8080/hook' }).notify?.transport).toBe('webhook');
    const problems = problemsOf({ LINKGATE_NOTIFY_URL: 'http://hooks.example.com/x?sig=SECRET' });
    expect(problems).toEqual([expect.stringContaining('LINKGATE_NOTIFY_URL is http://hooks.example.com/x; it should be an https:// URL')]);
    expect(problems.join()).not.toContain('SECRET');
    expect(problemsOf({ LINKGATE_NOTIFY_URL: 'not a url' })).toEqual([expect.stringContaining('LINKGATE_NOTIFY_URL is not a URL')]);
    expect(problemsOf({ LINKGATE_NOTIFY_URL: 'https://user:pw@hooks.example.com/x' })).toEqual([expect.stringContaining('user name or password')]);
    expect(describeNotifyUrl('https://a.example.com/p?sig=s#f')).toBe('https://a.example.com/p');
  });
});
