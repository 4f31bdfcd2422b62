// The comparison page's citations (branch reader-compare): one numbering for the page, cell
// citations that are real links to the page's own source list (keyboard and tap), entries
// that link back to a citing cell, the long CSV offered, no page-wide sideways scroll at 375 px.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { useAtlas } from '../lib/harness.mjs';

const atlas = useAtlas();
const open = (url, options) => atlas.open(url, options);

for (const lang of ['zh', 'en']) {
  describe(`compare citations (${lang})`, () => {
    test('one numbering: each cited source has one number and one list entry', async () => {
      const { page, context } = await open(`/${lang}/compare/`);
      const refs = await page.$$eval('table.compare td a.src-ref', (as) =>
        as.map((a) => ({ href: a.getAttribute('href'), n: a.textContent.match(/^\[(\d+)\]/)?.[1] })));
      assert.ok(refs.length > 0);
      const entries = await page.$$eval('.compare-sources ol > li', (lis) => lis.map((li) => li.id));
      const byHref = new Map();
      for (const r of refs) {
        assert.ok(r.n, `a cell citation without a number: ${r.href}`);
        assert.ok(r.href.startsWith('#src-'), r.href);
        if (byHref.has(r.href)) assert.equal(byHref.get(r.href), r.n, `${r.href} has two numbers`);
        byHref.set(r.href, r.n);
        // The n-th entry of the list is the one the [n] links to.
        assert.equal('#' + entries[Number(r.n) - 1], r.href);
      }
      assert.equal(entries.length, byHref.size, 'every entry is cited, once numbered');
      await context.close();
    });

    test('a citation is reached by keyboard, opens its entry, and the entry links back', async () => {
      const { page, context } = await open(`/${lang}/compare/`);
      const first = page.locator('table.compare td a.src-ref').first();
      const href = await first.getAttribute('href');
      await first.focus();
      assert.equal(await page.evaluate(() => document.activeElement.classList.contains('src-ref')), true);
      await page.keyboard.press('Enter');
      await page.waitForFunction((h) => location.hash === h, href);
      const back = page.locator(`${href} a.src-back`);
      const cell = await back.getAttribute('href');
      assert.match(cell, /^#cell-[a-z0-9_]+-[a-z0-9-]+$/);
      await back.click();
      await page.waitForFunction((h) => location.hash === h, cell);
      // The cell linked back to cites this source.
      assert.equal(await page.locator(`${cell} a.src-ref`).getAttribute('href'), href);
      await context.close();
    });

    test('without JavaScript the links are there; the long CSV is offered', async () => {
      const { page, context } = await open(`/${lang}/compare/`, { javaScriptEnabled: false });
      assert.ok((await page.locator('.compare-sources li a.src-back').count()) > 0);
      assert.equal(await page.locator(`a[href$="/${lang}/compare/table-long.csv"]`).count(), 1);
      const res = await page.request.get(atlas.server.url + `/${lang}/compare/table-long.csv`);
      assert.equal(res.status(), 200);
      assert.match(await res.text(), /^\uFEFF?dimension,region,lang,value,display,source,note,inferred,inferred_note\r?\n/);
      await context.close();
    });

    test('no page-wide sideways scroll at 375 px', async () => {
      const { page, context } = await open(`/${lang}/compare/`, { width: 375 });
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w <= 375, `the page is ${w} px wide`);
      await context.close();
    });
  });
}
