/**
 * The interactive API reference in a real browser (`npm run test:browser`; not part of `npm test`):
 * the real server (src/main.ts, sandbox mode, a fresh embedded database) serves /docs; headless
 * Chromium opens it, logs the prefilled sandbox partner in from the page, and operates Swagger UI's
 * "Try it out" on signed operations: a GET answers 200, a POST with a body typed in the page
 * (non-ASCII included, so the signature must cover the exact UTF-8 bytes sent) answers 201, and a
 * GET of what it created, by a path parameter typed in the page, answers 200.
 *
 * Chromium: CHROMIUM_PATH, else `chromium` (or `chromium-browser`, `google-chrome`) on the PATH.
 * Without one the test is skipped with a message, unless CI=true or POCKETBOOK_BROWSER_TESTS=1,
 * where a missing Chromium fails it (.ci/run installs Debian's).
 */
import assert from 'node:assert/strict';
import { accessSync, constants, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { after, test } from 'node:test';
import { type Browser, type Locator, type Page, chromium } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { type SpawnedServer, killAllServers, spawnServer } from '../support/server-process.ts';
import { scratchFolder } from '../support/db.ts';

/** How long one step in the page may take (the first includes Swagger UI loading), in milliseconds. */
const STEP_TIMEOUT_MS = 20_000;

/** The Chromium to drive: CHROMIUM_PATH, else the first of the usual names on the PATH. */
function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // Not here: keep looking.
      }
    }
  }
  return undefined;
}

const chromiumPath = findChromium();
const required = process.env.CI === 'true' || process.env.POCKETBOOK_BROWSER_TESTS === '1';
const skip = chromiumPath === undefined && !required
  ? 'Chromium not found (set CHROMIUM_PATH, or install it: apt-get install chromium); the /docs browser test is skipped'
  : false;

let server: SpawnedServer | undefined;
let browser: Browser | undefined;
let dataDir: string | undefined;
after(async () => {
  await browser?.close();
  await killAllServers();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The operation block of `method path` in Swagger UI, expanded and switched to "Try it out". */
async function tryOperation(page: Page, method: string, path: string): Promise<Locator> {
  const block = page.locator(`.opblock-${method.toLowerCase()}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
  await block.locator('.opblock-summary').first().click();
  await block.getByRole('button', { name: 'Try it out' }).click();
  return block;
}

/** Clicks Execute and returns the status code and body Swagger UI shows for the live response. */
async function execute(block: Locator): Promise<{ status: string; body: string }> {
  await block.getByRole('button', { name: 'Execute' }).click();
  const live = block.locator('.live-responses-table .response');
  await live.locator('.response-col_status').waitFor();
  const status = (await live.locator('.response-col_status').first().innerText()).trim();
  const body = await live.locator('.response-col_description pre').first().innerText();
  return { status, body };
}

test('/docs: log in from the page, then signed GET 200, POST 201 and GET by id 200 through "Try it out"', { skip, timeout: 120_000 }, async () => {
  assert.ok(chromiumPath, 'Chromium is required here (CI=true or POCKETBOOK_BROWSER_TESTS=1) but none was found: set CHROMIUM_PATH or install chromium');
  dataDir = scratchFolder('pocketbook-docs-');
  server = await spawnServer({ dataDir });
  const partner = loadConfig(server.env).sandboxPartner;

  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--headless', '--no-sandbox'] });
  const page = await browser.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const elsewhere: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(server!.baseUrl) && !request.url().startsWith('data:')) elsewhere.push(request.url());
  });

  await page.goto(`${server.baseUrl}/docs`);
  const form = page.locator('#pocketbook-try-it');
  assert.equal(await form.locator('input[name=username]').inputValue(), partner.username, 'the sandbox partner is prefilled');
  // The built-in password and secret are prefilled too; ones set through the environment are typed in.
  for (const [name, value] of [['password', partner.password], ['sharedSecret', partner.sharedSecret]] as const) {
    const input = form.locator(`input[name=${name}]`);
    if ((await input.inputValue()) === '') await input.fill(value);
    assert.equal(await input.inputValue(), value);
  }
  await form.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('status').filter({ hasText: `Logged in as ${partner.username}` }).waitFor();

  const types = await execute(await tryOperation(page, 'GET', '/api/v1/events/types'));
  assert.equal(types.status, '200', types.body);
  assert.match(types.body, /transfers\.on-us\.success/);

  const description = `Café ledger — on-us ✓ ${Date.now().toString(36)}`;
  const create = await tryOperation(page, 'POST', '/api/v1/subscriptions');
  await create.locator('textarea.body-param__text').fill(
    JSON.stringify({ description, events: ['transfers.on-us.success'], url: 'https://hooks.example.com/jiko', shared_secret: 'whsec-3f9a1c7e5b2d8f40' }, null, 2),
  );
  const created = await execute(create);
  assert.equal(created.status, '201', created.body);
  const subscription = JSON.parse(created.body) as { id: string; description: string };
  assert.equal(subscription.description, description);

  const read = await tryOperation(page, 'GET', '/api/v1/subscriptions/{subscription_id}');
  await read.locator('input[placeholder="subscription_id"]').fill(subscription.id);
  const got = await execute(read);
  assert.equal(got.status, '200', got.body);
  assert.equal((JSON.parse(got.body) as { id: string }).id, subscription.id);

  assert.deepEqual(pageErrors, []);
  assert.deepEqual(elsewhere, [], 'the page loaded something from another server');
});
