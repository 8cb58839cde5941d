import { describe, expect, it } from 'vitest';
import { ConfigError, isFakeNotify, loadConfig } from './config.ts';

const OTP_SECRET = 'a test-only one-time code secret of 49 characters';

describe('loadConfig', () => {
  it('has safe defaults: fake notifications outside production, no admin password, PGlite', () => {
    const c = loadConfig({});
    expect(c.env).toBe('development');
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.adminPassword).toBeUndefined();
    expect(isFakeNotify(c)).toBe(true);
    expect(c.cookieSecure).toBe(false);
    expect(c.bodyLimitBytes).toBeGreaterThan(0);
    expect(c.otpMaxAttempts).toBe(5);
    expect(c.dbTransactionGuard).toBe(true);
  });

  it('reads typed values from the environment', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      DATABASE_URL: 'postgres://u@h/db',
      TRUYVET_NOTIFY_WEBHOOK_URL: 'https://sms.example/hook',
      TRUYVET_GREENPASS_KEY_SECRET: 'a long passphrase',
      TRUYVET_OTP_SECRET: OTP_SECRET,
      TRUYVET_COOKIE_SECURE: 'false',
      TRUYVET_BODY_LIMIT_BYTES: '2048',
    });
    expect(c).toMatchObject({
      env: 'production',
      port: 8080,
      databaseUrl: 'postgres://u@h/db',
      notify: 'webhook',
      cookieSecure: false,
      bodyLimitBytes: 2048,
      // the guard's AsyncLocalStorage costs every promise: production runs without it
      dbTransactionGuard: false,
    });
    expect(isFakeNotify(c)).toBe(false);
  });

  it('reports every invalid variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        NODE_ENV: 'staging',
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        TRUYVET_ADMIN_PASSWORD: 'short',
        TRUYVET_NOTIFY: 'carrier-pigeon',
        TRUYVET_LOG_LEVEL: 'loud',
        TRUYVET_OTP_TTL_SECONDS: '5',
        TRUYVET_COOKIE_SECURE: 'maybe',
        TRUYVET_SESSION_CACHE_SECONDS: '-1',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    for (const name of [
      'NODE_ENV',
      'PORT',
      'DATABASE_URL',
      'TRUYVET_ADMIN_PASSWORD',
      'TRUYVET_NOTIFY',
      'TRUYVET_LOG_LEVEL',
      'TRUYVET_OTP_TTL_SECONDS',
      'TRUYVET_COOKIE_SECURE',
      'TRUYVET_SESSION_CACHE_SECONDS',
    ]) {
      expect(
        problems.some((p) => p.startsWith(name)),
        name,
      ).toBe(true);
    }
    expect(problems).toHaveLength(9);
    expect((error as Error).message).toContain('PORT');
  });

  it('production without a webhook URL is refused (no silent fake SMS in production)', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/TRUYVET_NOTIFY_WEBHOOK_URL/);
  });

  it('production with the fake notifier is refused, asked for explicitly or not', () => {
    const production = {
      NODE_ENV: 'production',
      TRUYVET_NOTIFY_WEBHOOK_URL: 'https://sms.example/hook',
      TRUYVET_GREENPASS_KEY_SECRET: 'a long passphrase',
      TRUYVET_OTP_SECRET: OTP_SECRET,
    };
    expect(() => loadConfig({ ...production, TRUYVET_NOTIFY: 'fake' })).toThrow(
      /TRUYVET_NOTIFY=fake is not allowed when NODE_ENV=production/,
    );
    expect(loadConfig(production).notify).toBe('webhook');
    expect(loadConfig({ NODE_ENV: 'development', TRUYVET_NOTIFY: 'fake' }).notify).toBe('fake');
  });

  it('production keeps the signing keys out of the database in plain text: a key secret (a key folder alone is not enough)', () => {
    const production = {
      NODE_ENV: 'production',
      TRUYVET_NOTIFY_WEBHOOK_URL: 'https://sms.example/hook',
      TRUYVET_OTP_SECRET: OTP_SECRET,
    };
    let error: unknown;
    try {
      loadConfig(production);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^NODE_ENV=production needs TRUYVET_GREENPASS_KEY_SECRET: /),
    ]);
    expect(() => loadConfig({ ...production, TRUYVET_GREENPASS_KEY_SECRET: '' })).toThrow(/TRUYVET_GREENPASS_KEY/);
    expect(loadConfig({ ...production, TRUYVET_GREENPASS_KEY_SECRET: 'a long passphrase' }).greenpassKeySecret).toBe(
      'a long passphrase',
    );
    // a key folder holds the green pass keys only: the exposure export key is in the database whatever it says
    expect(() => loadConfig({ ...production, TRUYVET_GREENPASS_KEY_DIR: '/var/lib/truyvet/keys' })).toThrow(
      /TRUYVET_GREENPASS_KEY_SECRET/,
    );
    expect(
      loadConfig({
        ...production,
        TRUYVET_GREENPASS_KEY_DIR: '/var/lib/truyvet/keys',
        TRUYVET_GREENPASS_KEY_SECRET: 'a long passphrase',
      }).greenpassKeyDir,
    ).toBe('/var/lib/truyvet/keys');
    // development and tests (and the demo, `npm start`) keep working without either
    expect(loadConfig({}).greenpassKeySecret).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'test' }).greenpassKeyDir).toBeUndefined();
  });

  it('production hashes one-time codes under a secret of its own: TRUYVET_OTP_SECRET, long enough', () => {
    const production = {
      NODE_ENV: 'production',
      TRUYVET_NOTIFY_WEBHOOK_URL: 'https://sms.example/hook',
      TRUYVET_GREENPASS_KEY_SECRET: 'a long passphrase',
    };
    let error: unknown;
    try {
      loadConfig(production);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^NODE_ENV=production needs TRUYVET_OTP_SECRET /),
    ]);
    // a short secret is refused everywhere: a guessable key gives a database copy's codes away again
    expect(() => loadConfig({ ...production, TRUYVET_OTP_SECRET: 'short secret' })).toThrow(
      /TRUYVET_OTP_SECRET must be at least 32 characters/,
    );
    expect(() => loadConfig({ TRUYVET_OTP_SECRET: 'short secret' })).toThrow(/TRUYVET_OTP_SECRET/);
    expect(loadConfig({ ...production, TRUYVET_OTP_SECRET: OTP_SECRET }).otpSecret).toBe(OTP_SECRET);
    // development and tests generate one and keep it in the database (platform/otp.ts)
    expect(loadConfig({}).otpSecret).toBeUndefined();
  });

  it('trusts no proxy by default; TRUYVET_TRUST_PROXY takes a hop count or a list of addresses and CIDR ranges', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUYVET_TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUYVET_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUYVET_TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,fd00::/8,::1, loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      'fd00::/8',
      '::1',
      'loopback',
    ]);
    for (const bad of ['true', '*', '10.0.0.0/33', '300.1.1.1', 'proxy.example', '10.0.0.1/8/8', ',', '-1', '21']) {
      expect(() => loadConfig({ TRUYVET_TRUST_PROXY: bad }), bad).toThrow(/TRUYVET_TRUST_PROXY/);
    }
  });

  it('treats empty variables as unset and applies overrides last', () => {
    const c = loadConfig({ PORT: '', DATABASE_URL: '' }, { port: 1234 });
    expect(c.port).toBe(1234);
    expect(c.databaseUrl).toBeUndefined();
  });
});
