// `atlas serve` in headless Chromium: an edit to a Markdown file appears in the open page
// without any action; a bad edit shows the error overlay over the last good page; the fix
// removes it; a stylesheet edit applies without reloading the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, atlasBinary, copyFixture, edit, startServer } from './lib/serve.mjs';

const TIMEOUT = 60000;
let site, server, browser;

before(async () => {
  const bin = atlasBinary();
  site = copyFixture('basic');
  server = await startServer(bin, site);
  browser = await chromium.launch(CHROMIUM);
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'atlas serve did not stop cleanly');
  if (site) fs.rmSync(site, { recursive: true, force: true });
});

test('live reload, error overlay and stylesheet swap', { timeout: 5 * TIMEOUT }, async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const md = path.join(site, 'content/regions/beijing.en.md');
  await page.goto(`${server.origin}${server.base}en/regions/beijing/`);
  await page.getByText('Beijing is the capital').first().waitFor();
  // The live connection is open once the page has its state.
  await page.waitForFunction(() => window.atlasServe?.connected === true);

  // An edit appears by itself.
  edit(md, 'Beijing is the capital', 'Beijing, edited in the browser test, is the capital');
  await page.getByText('Beijing, edited in the browser test, is the capital').first().waitFor();

  // A bad edit: the overlay names the file and line; the last good page stays.
  edit(md, 'title = "Beijing"', 'title = 3');
  const overlay = page.locator('#atlas-serve-errors');
  await overlay.waitFor();
  const text = await overlay.innerText();
  assert.match(text, /content\/regions\/beijing\.en\.md:2:\d+: /);
  assert.match(text, /expected a string/);
  assert.ok(await page.getByText('Beijing, edited in the browser test').first().isVisible());

  // The fix removes the overlay and shows the new page.
  edit(md, 'title = 3', 'title = "Beijing, fixed"');
  await overlay.waitFor({ state: 'detached' });
  await page.locator('h1', { hasText: 'Beijing, fixed' }).waitFor();

  // A stylesheet edit is applied without reloading the page.
  await page.evaluate(() => { window.atlasNoReload = true; });
  const css = path.join(site, 'themes/atlas/static/style.css');
  fs.appendFileSync(css, '\nbody { outline: 7px solid rgb(1, 2, 3); }\n');
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)');
  assert.equal(await page.evaluate(() => window.atlasNoReload), true, 'the page was reloaded');
  await page.close();
});
