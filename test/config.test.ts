import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { ConfigError } from '../src/errors.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/lgsp');
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.logLevel).toBe('info');
    expect(c.adminUnitsDir).toMatch(/shared\/data\/admin-units$/);
  });

  it('names the variable and what is expected when a value is wrong', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL="mysql:\/\/x": expected a URL such as postgres:\/\//);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL="loud": expected one of fatal, error/);
    expect(() => loadConfig({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL="localhost:6379": expected a URL such as redis:\/\//);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ LOG_LEVEL: 'loud', REDIS_URL: 'nope' });
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigError).code).toBe('CONFIG_INVALID');
      expect((e as ConfigError).message).toMatch(/REDIS_URL/);
      expect((e as ConfigError).message).toMatch(/LOG_LEVEL/);
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ LOG_LEVEL: '' }).logLevel).toBe('info');
  });

  it('the API trust boundary: no trusted proxy, 30 s request timeout, 20 failed authentications per 5 minutes, no HSTS by default', () => {
    const { api } = loadConfig({});
    expect(api).toMatchObject({ trustProxy: [], requestTimeoutMs: 30_000, authFailureLimit: 20, authFailureWindowMs: 300_000, hstsMaxAgeSeconds: 0 });
    expect(loadConfig({ LGSP_API_TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,loopback,::1' }).api.trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', 'loopback', '::1']);
    expect(() => loadConfig({ LGSP_API_TRUST_PROXY: '10.0.0.5,proxy.example' })).toThrow(/LGSP_API_TRUST_PROXY="10.0.0.5,proxy.example": expected comma-separated proxy addresses or CIDR ranges/);
    expect(() => loadConfig({ LGSP_API_REQUEST_TIMEOUT_MS: 'soon' })).toThrow(/LGSP_API_REQUEST_TIMEOUT_MS="soon": expected milliseconds/);
    expect(() => loadConfig({ LGSP_API_AUTH_FAILURE_LIMIT: '0' })).toThrow(/LGSP_API_AUTH_FAILURE_LIMIT="0": expected at least 1/);
  });
});
