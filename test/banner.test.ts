/**
 * The start-up banner prints the sandbox partner's password and shared secret only when they are
 * the built-in sandbox defaults; credentials an operator set through the environment stay out of
 * the output (and so out of the logs that collect it).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { drillServerEnv, freePort, sharedEngineFlags } from '../scripts/fault-restart.ts';
import { sandboxPartnerBanner } from '../src/banner.ts';
import { SANDBOX_PARTNER_DEFAULTS } from '../src/config.ts';
import { scratchFolder } from './support/db.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** How long the server may take to print its banner. */
const BANNER_WAIT_MS_MAX = 60_000;

const dataDirs: string[] = [];
after(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts `src/main.ts` with `env` on a data folder of its own, returns what it printed up to its banner's end, and stops it. */
async function bannerOf(env: Record<string, string>): Promise<string> {
  const dataDir = scratchFolder('pocketbook-banner-');
  dataDirs.push(dataDir);
  const port = await freePort();
  const child = spawn(process.execPath, [...sharedEngineFlags(), 'scripts/start.mjs'], {
    cwd: ROOT,
    env: { ...drillServerEnv({ dataDir }, port), POCKETBOOK_RUN_WORKER: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner within ${BANNER_WAIT_MS_MAX} ms:\n${output}`)), BANNER_WAIT_MS_MAX);
      const keep = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('API reference')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${code}) before its banner:\n${output}`));
      });
    });
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  return output;
}

test('credentials set through the environment are not printed; the username is', async () => {
  const username = `operator-${randomUUID()}`;
  const password = `operator-password-${randomUUID()}`;
  const sharedSecret = `operator-secret-${randomUUID()}`;
  const output = await bannerOf({
    POCKETBOOK_PARTNER_USERNAME: username,
    POCKETBOOK_PARTNER_PASSWORD: password,
    POCKETBOOK_PARTNER_SHARED_SECRET: sharedSecret,
  });
  assert.ok(output.includes(username), output);
  assert.ok(!output.includes(password), 'the password is printed');
  assert.ok(!output.includes(sharedSecret), 'the shared secret is printed');
  assert.match(output, /POCKETBOOK_PARTNER_PASSWORD/);
  assert.match(output, /POCKETBOOK_PARTNER_SHARED_SECRET/);
});

test('the built-in sandbox credentials are printed', () => {
  const lines = sandboxPartnerBanner(SANDBOX_PARTNER_DEFAULTS).join('\n');
  assert.ok(lines.includes(SANDBOX_PARTNER_DEFAULTS.password), lines);
  assert.ok(lines.includes(SANDBOX_PARTNER_DEFAULTS.sharedSecret), lines);
  // Each is judged on its own: a password set, the shared secret left at its default.
  const mixed = sandboxPartnerBanner({ ...SANDBOX_PARTNER_DEFAULTS, password: 'set-by-the-operator' }).join('\n');
  assert.ok(!mixed.includes('set-by-the-operator'), mixed);
  assert.ok(mixed.includes(SANDBOX_PARTNER_DEFAULTS.sharedSecret), mixed);
});
