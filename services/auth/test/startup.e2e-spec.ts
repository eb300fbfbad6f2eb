import { spawnSync } from 'node:child_process';
import path from 'node:path';

// A service refuses to start on a bad or missing setting, and says which one, on one line, without a stack
// trace and without echoing a secret. Runs the compiled service as the stack and the images do.

const main = path.resolve(__dirname, '../dist/main.js');

function start(env: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('auth start-up configuration', () => {
  it('refuses a malformed port and names it', () => {
    const { status, stderr } = start({ HTTP_PORT: 'eighty' });
    expect(status).toBe(1);
    expect(stderr).toMatch(/HTTP_PORT/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a database URL of the wrong kind without printing it', () => {
    const { status, stderr } = start({ DATABASE_URL: 'mysql://root:s3cret-pw@db:3306/auth' });
    expect(status).toBe(1);
    expect(stderr).toMatch(/DATABASE_URL/);
    expect(stderr).not.toContain('s3cret-pw');
  });

  it('requires connection settings in production instead of defaulting to localhost', () => {
    const { status, stderr } = start({ NODE_ENV: 'production' });
    expect(status).toBe(1);
    for (const variable of ['DATABASE_URL', 'REDIS_URL', 'AMQP_URL']) expect(stderr).toContain(variable);
  });

  it('requires signing keys in production and never generates them there', () => {
    const { status, stderr } = start({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://auth:pw@127.0.0.1:1/kasho_auth',
      REDIS_URL: 'redis://127.0.0.1:1',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:1',
    });
    expect(status).toBe(1);
    expect(stderr).toMatch(/AUTH_SIGNING_KEYS or AUTH_SIGNING_KEYS_FILE: required in production/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a malformed AUTH_SIGNING_KEYS without printing it', () => {
    const { status, stderr } = start({ AUTH_SIGNING_KEYS: '{"version":1,"d":"s3cret-key' });
    expect(status).toBe(1);
    expect(stderr).toMatch(/AUTH_SIGNING_KEYS: keyset is not valid JSON \(value hidden\)/);
    expect(stderr).not.toContain('s3cret-key');
  });
});
