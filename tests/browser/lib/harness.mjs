// One built atlas, served, and one Chromium, for a test file: registers the node:test `before`
// and `after` hooks and gives `open(url, options)`, which loads a page in a fresh browser
// context and records what the page asked of any host but the test server (and aborts it:
// the site must be self-contained) and its script errors.
import { after, before } from 'node:test';

import { serve } from './server.mjs';
import { launch } from './browser.mjs';
import { buildSite } from './site.mjs';

export const PHONE = { width: 375, height: 740 };
export const DESKTOP = { width: 1280, height: 860 };
export const LANGS = ['zh', 'en'];

/**
 * `build`: a function returning `{ out, cleanup }` (default: the repository's own atlas).
 * Returns `{ open, url, site, server, browser }`; `site`, `server` and `browser` are set once
 * the `before` hook has run.
 */
export function useAtlas({ build = buildSite } = {}) {
  const h = {};
  before(async () => {
    h.site = build();
    h.server = await serve(h.site.out);
    h.browser = await launch();
  });
  after(async () => {
    await h.browser?.close();
    await h.server?.close();
    h.site?.cleanup();
  });
  /** The test server's address of a site path. */
  h.url = (path) => h.server.url + path;
  /**
   * Opens `url` (a site path) in a fresh context. Options: `viewport` (or `width`, with a
   * height of 800), `colorScheme`, `javaScriptEnabled`, `hasTouch`.
   */
  h.open = async (url, { viewport, width, colorScheme = 'light', javaScriptEnabled = true, hasTouch = false } = {}) => {
    const vp = viewport || (width ? { width, height: 800 } : DESKTOP);
    const context = await h.browser.newContext({ viewport: vp, colorScheme, javaScriptEnabled, hasTouch });
    const foreign = [];
    const errors = [];
    const origin = new URL(h.server.url).origin;
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(origin + '/') || u.startsWith('data:')) return route.continue();
      foreign.push(u);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    const response = await page.goto(h.server.url + url, { waitUntil: 'load' });
    return { context, page, response, foreign, errors };
  };
  return h;
}
