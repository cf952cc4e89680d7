import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadConfig, ConfigError } from '../../src/config.js';

describe('config', () => {
  it('defaults: embedded data in ./data, port 8080, host 127.0.0.1', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c).toMatchObject({
      dataDir: path.resolve('/srv/app/data'),
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: undefined,
    });
  });
  it('resolves MARKETOPS_DATA against the working directory', () => {
    expect(loadConfig({ MARKETOPS_DATA: 'x/y' }, '/srv').dataDir).toBe('/srv/x/y');
  });
  it.each([
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
  ])('rejects %o with one clear line', (env, re) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(re);
  });
});
