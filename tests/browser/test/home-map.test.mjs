// The home page's tile-grid map: visible at 375 and 1280 px in both languages with no
// page-wide sideways scroll, every region link reached by Tab, the chooser recolours the
// map and renames the links, axe finds nothing; with JavaScript off the row chosen at build
// time is drawn, the legend is there and the chooser is hidden.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { useAtlas } from '../lib/harness.mjs';
import { axeViolations, describeViolations } from '../lib/axe.mjs';

const atlas = useAtlas();
const open = (url, options) => atlas.open(url, options);

/** The fill class (map-s-*) of each region link's tile or dot, by href. */
function fills(page) {
  return page.$$eval('svg.map a.map-link', (as) =>
    Object.fromEntries(as.map((a) => {
      const shape = a.querySelector('.map-tile, .map-dot');
      return [a.getAttribute('href'), (shape.getAttribute('class').match(/map-s-[a-z_]+/) || [''])[0]];
    })));
}

for (const lang of ['zh', 'en']) {
  for (const width of [375, 1280]) {
    describe(`home map (${lang}, ${width} px)`, () => {
      test('visible, legible, no sideways scroll, axe finds nothing', async () => {
        for (const colorScheme of ['light', 'dark']) {
          const { page, context } = await open(`/${lang}/`, { width, colorScheme });
          const box = await page.locator('svg.map').boundingBox();
          assert.ok(box && box.width > 300 && box.height > 300, JSON.stringify(box));
          assert.ok(box.x >= 0 && box.x + box.width <= width, JSON.stringify(box));
          const w = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(w <= width, `the page is ${w} px wide`);
          // The tile labels are at least 11 px on screen.
          const smallest = await page.$$eval('svg.map .map-label, svg.map .map-heading', (ts) =>
            Math.min(...ts.map((t) => t.getBoundingClientRect().height)));
          assert.ok(smallest >= 11, `a label is ${smallest} px high`);
          const violations = await axeViolations(page);
          assert.equal(violations.length, 0, describeViolations(violations));
          await context.close();
        }
      });

      test('every region link is reached by Tab', async () => {
        const { page, context } = await open(`/${lang}/`, { width });
        const hrefs = await page.$$eval('svg.map a.map-link', (as) => as.map((a) => a.getAttribute('href')));
        assert.ok(hrefs.length >= 13, `${hrefs.length} links`);
        const reached = new Set();
        for (let i = 0; i < 80 && reached.size < hrefs.length; i++) {
          await page.keyboard.press('Tab');
          const h = await page.evaluate(() => {
            const a = document.activeElement;
            return a && a.closest('svg.map') ? a.getAttribute('href') : null;
          });
          if (h) reached.add(h);
        }
        assert.deepEqual([...reached].sort(), [...hrefs].sort());
        // The focused link is outlined.
        const stroke = await page.evaluate(() => getComputedStyle(document.activeElement.querySelector('.map-tile, .map-dot')).strokeWidth);
        assert.equal(stroke, '4px');
        await context.close();
      });
    });
  }

  describe(`home map chooser (${lang})`, () => {
    test('picking another row changes the fills, the names and the shown label', async () => {
      const { page, context } = await open(`/${lang}/`);
      const select = page.locator('#map-dim');
      assert.ok(await select.isVisible());
      const before = await fills(page);
      const options = await select.locator('option').evaluateAll((os) => os.map((o) => o.value));
      let changed = false;
      const shown = await page.locator('svg.map').getAttribute('data-shown');
      assert.equal(await select.inputValue(), shown);
      for (const id of options.filter((o) => o !== shown)) {
        await select.selectOption(id);
        const now = await fills(page);
        // Each link shows its own value of that row.
        const expected = await page.$$eval('svg.map a.map-link', (as, id) =>
          Object.fromEntries(as.map((a) => [a.getAttribute('href'), 'map-s-' + a.getAttribute('data-v-' + id)])), id);
        assert.deepEqual(now, expected, id);
        if (JSON.stringify(now) !== JSON.stringify(before)) changed = true;
        const label = await select.locator(`option[value="${id}"]`).textContent();
        assert.equal(await page.locator('#map-dim-label').textContent(), label);
        const name = await page.locator('svg.map a.map-link').first().getAttribute('aria-label');
        assert.ok(name.includes(label), `${name} does not name ${label}`);
      }
      assert.ok(changed, 'no row changed any fill');
      await context.close();
    });

    test('without JavaScript: the row chosen at build time is drawn, the legend is there, the chooser is not', async () => {
      const { page, context } = await open(`/${lang}/`, { javaScriptEnabled: false });
      assert.equal(await page.locator('.map-control').isVisible(), false);
      assert.ok(await page.locator('svg.map').isVisible());
      const first = await page.locator('svg.map').getAttribute('data-shown');
      assert.equal(await page.locator('#map-dim option[selected]').getAttribute('value'), first);
      const now = await fills(page);
      const expected = await page.$$eval('svg.map a.map-link', (as, id) =>
        Object.fromEntries(as.map((a) => [a.getAttribute('href'), 'map-s-' + a.getAttribute('data-v-' + id)])), first);
      assert.deepEqual(now, expected);
      assert.ok((await page.locator('.map-legend li').count()) >= 7);
      assert.ok(await page.locator('.map-legend').isVisible());
      assert.equal(await page.locator('.map-national a').count(), 1);
      await context.close();
    });
  });
}
