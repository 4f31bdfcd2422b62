// The comparison page's views (branch compare16): the default columns, the region picker and
// its address, one card per dimension on a phone, links to rows and cells, no JavaScript.
//
// Two builds: the repository's own atlas (whose comparison values are all for the five
// mainland regions), and a copy of it in which Japan's page gets test-only comparison values,
// so that a region outside the default view exists to be picked. The copy is built in a
// temporary folder and never published.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { useAtlas, PHONE, DESKTOP } from '../lib/harness.mjs';
import { buildSite, REPO } from '../lib/site.mjs';
import { axeViolations, describeViolations } from '../lib/axe.mjs';

const SHOTS = process.env.SCREENSHOT_DIR || path.join(REPO, 'docs', 'screenshots');
const FIVE = ['beijing', 'shanghai', 'shenzhen', 'hunan', 'hainan-boao'];

// Test-only values for Japan (not content of the atlas): one of each kind of cell.
const JAPAN_VALUES = {
  en: '\n[region.compare.ind_rd_presence]\nvalue = "yes"\nsource = "hangji-repost-2024"\nnote = "test value"\n\n[region.compare.cluster_role]\nvalue = "Test value for Japan"\nsource = "hangji-repost-2024"\n',
  zh: '\n[region.compare.ind_rd_presence]\nvalue = "yes"\nsource = "hangji-repost-2024"\nnote = "测试值"\n\n[region.compare.cluster_role]\nvalue = "日本的测试值"\nsource = "hangji-repost-2024"\n',
};

/** The repository's atlas with test values on Japan's page, built with the same binary. */
function buildWithJapan() {
  const own = buildSite(); // builds the binary when ATLAS_BIN is not set
  own.cleanup();
  const bin = process.env.ATLAS_BIN || path.join(process.env.CARGO_TARGET_DIR ? path.resolve(REPO, process.env.CARGO_TARGET_DIR) : path.join(REPO, 'target'), 'debug', 'atlas');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-compare-'));
  const root = path.join(tmp, 'site');
  fs.mkdirSync(root);
  for (const item of ['atlas.toml', 'content', 'data', 'themes']) {
    fs.cpSync(path.join(REPO, item), path.join(root, item), { recursive: true });
  }
  for (const lang of ['en', 'zh']) {
    const file = path.join(root, 'content', 'regions', `japan.${lang}.md`);
    const text = fs.readFileSync(file, 'utf8');
    const end = text.indexOf('\n+++', 3);
    assert.ok(end > 0, 'front matter of japan');
    fs.writeFileSync(file, text.slice(0, end) + JAPAN_VALUES[lang] + text.slice(end));
  }
  const out = path.join(tmp, 'public');
  execFileSync(bin, ['build', '--root', root, '--output-dir', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { out, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

const ownSite = useAtlas();
const japanSite = useAtlas({ build: buildWithJapan });

/** Opens `url` of the site `which` serves (`ownSite` or `japanSite`). */
const open = (which, url, options) => which.open(url, options);

/** Region columns shown, in order (a phone hides the header row: its cells tell). */
const shownRegions = (page) => page.$$eval('#dim-cluster_role td', (tds) =>
  tds.filter((t) => getComputedStyle(t).display !== 'none').map((t) => t.dataset.region));

for (const lang of ['zh', 'en']) {
  for (const [vp, viewport] of [['375', PHONE], ['1280', DESKTOP]]) {
    describe(`compare views, ${lang} at ${vp} px`, () => {
      test('the default columns are the five; legend before table; rows named; no sideways scroll; axe clean', async () => {
        const { page, context } = await open(ownSite, `/${lang}/compare/`, { viewport });
        try {
          assert.deepEqual(await shownRegions(page), FIVE);
          assert.equal(await page.isVisible('#cmp-tools'), true, 'the picker is shown with JavaScript');
          assert.equal(await page.locator('.tool-regions legend').count(), 1);
          const legendFirst = await page.evaluate(() => !!(document.querySelector('.legend').compareDocumentPosition(document.getElementById('compare-table')) & Node.DOCUMENT_POSITION_FOLLOWING));
          assert.ok(legendFirst, 'the legend comes before the table');
          // Each row is labelled with its dimension's name, visible beside or above its cells.
          const label = await page.locator('#dim-local_legislation th .dim-label').boundingBox();
          assert.ok(label && label.width > 40, `dimension name shown: ${JSON.stringify(label)}`);
          const widths = await page.evaluate(() => {
            const box = document.querySelector('.table-scroll');
            return { page: document.documentElement.scrollWidth, box: box.scrollWidth, boxClient: box.clientWidth, svg: document.querySelector('svg.pic-coverage').getBoundingClientRect().right };
          });
          assert.ok(widths.page <= viewport.width, `page ${widths.page} px wide`);
          assert.ok(widths.svg <= viewport.width, `coverage picture ends at ${widths.svg}`);
          if (viewport === PHONE) {
            assert.ok(widths.box <= widths.boxClient, `the table does not scroll sideways on a phone: ${JSON.stringify(widths)}`);
            // Cards: a row's cells sit in two columns, the first two side by side.
            const [a, b] = await page.$$eval('#dim-cluster_role td', (tds) => tds.slice(0, 2).map((t) => t.getBoundingClientRect().toJSON()));
            assert.ok(Math.abs(a.top - b.top) < 1 && b.left >= a.right - 1, `side by side: ${JSON.stringify([a, b])}`);
            assert.equal(await page.isVisible('#cell-cluster_role-beijing .cell-region'), true, 'each cell names its region');
          }
          const v = await axeViolations(page);
          assert.equal(v.length, 0, describeViolations(v));
        } finally {
          await context.close();
        }
      });

      test('a link to a row or a cell lands in view, below the sticky header', async () => {
        const { page, context } = await open(ownSite, `/${lang}/compare/`, { viewport });
        try {
          for (const id of ['dim-first_drug_prescription', 'cell-ind_rd_presence-hainan-boao', 'cell-cluster_role-hunan']) {
            await page.goto(`${ownSite.server.url}/${lang}/compare/#${id}`);
            const box = await page.evaluate((id) => {
              const r = document.getElementById(id).getBoundingClientRect();
              const head = document.querySelector('table.compare thead').getBoundingClientRect();
              // On a phone the header row is visually hidden (each cell names its region).
              const headShown = head.height > 2;
              return { top: r.top, bottom: r.bottom, headBottom: headShown ? head.bottom : 0, h: innerHeight, margin: getComputedStyle(document.getElementById(id)).scrollMarginTop };
            }, id);
            assert.ok(box.top >= box.headBottom - 1 && box.top >= 0 && box.top < box.h, `${id}: ${JSON.stringify(box)}`);
            assert.notEqual(box.margin, '0px', 'scroll-margin-top set');
          }
        } finally {
          await context.close();
        }
      });

      test('picking two regions, one outside the default view, shows them side by side; the address restores it', async () => {
        const { page, context } = await open(japanSite, `/${lang}/compare/`, { viewport });
        try {
          assert.deepEqual(await shownRegions(page), FIVE, 'Japan is not in the default view');
          assert.equal(await page.locator('.region-group-other input[value="japan"]').count(), 1);
          for (const r of FIVE) if (r !== 'beijing') await page.uncheck(`.tool-regions input[value="${r}"]`);
          await page.check('.tool-regions input[value="japan"]');
          assert.deepEqual(await shownRegions(page), ['beijing', 'japan']);
          const url = new URL(page.url());
          assert.equal(url.searchParams.get('regions'), 'beijing,japan');
          const [a, b] = await page.$$eval('#dim-ind_rd_presence td', (tds) => tds.filter((t) => getComputedStyle(t).display !== 'none').map((t) => t.getBoundingClientRect().toJSON()));
          assert.ok(Math.abs(a.top - b.top) < 1 && b.left >= a.right - 1, `side by side: ${JSON.stringify([a, b])}`);
          assert.equal(await page.textContent('#cell-ind_rd_presence-japan .val'), lang === 'zh' ? '✓ 是' : '✓ yes');
          assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= viewport.width);
          const v = await axeViolations(page);
          assert.equal(v.length, 0, describeViolations(v));
          // A reader who opens the copied address sees the same view.
          const other = await open(japanSite, url.pathname + url.search, { viewport });
          try {
            assert.deepEqual(await shownRegions(other.page), ['beijing', 'japan']);
            const ticked = await other.page.$$eval('.tool-regions input:checked', (xs) => xs.map((x) => x.value));
            assert.deepEqual(ticked, ['beijing', 'japan']);
          } finally {
            await other.context.close();
          }
          // Reset goes back to the default view and a clean address.
          await page.click('.tool-reset');
          await page.waitForFunction(() => location.search === '');
          assert.deepEqual(await shownRegions(page), FIVE);
        } finally {
          await context.close();
        }
      });
    });
  }

  describe(`compare views: no JavaScript, hidden targets, exports (${lang})`, () => {
    test('the default table and the other regions\' values are there, the picker is not', async () => {
      for (const viewport of [PHONE, DESKTOP]) {
        const { page, context } = await open(japanSite, `/${lang}/compare/`, { viewport, javaScriptEnabled: false });
        try {
          assert.equal(await page.isVisible('#cmp-tools'), false);
          // The five first, then Japan, marked as outside the default view.
          assert.deepEqual(await shownRegions(page), [...FIVE, 'japan']);
          const other = await page.$$eval('td.region-other', (tds) => [...new Set(tds.map((t) => t.dataset.region))]);
          assert.deepEqual(other, ['japan']);
          assert.equal(await page.isVisible('#cell-cluster_role-japan'), true);
          assert.match(await page.textContent('#cell-cluster_role-japan .val'), lang === 'zh' ? /日本的测试值/ : /Test value for Japan/);
          assert.equal(await page.isVisible('.compare-others-note'), true);
          assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= viewport.width);
        } finally {
          await context.close();
        }
      }
      // The repository's own atlas has no region outside the default view: no note, five columns.
      const { page, context } = await open(ownSite, `/${lang}/compare/`, { javaScriptEnabled: false });
      try {
        assert.deepEqual(await shownRegions(page), FIVE);
        assert.equal(await page.locator('.compare-others-note').count(), 0);
      } finally {
        await context.close();
      }
    });

    test('a link to a cell of a region not shown shows that region', async () => {
      const { page, context } = await open(japanSite, `/${lang}/compare/#cell-cluster_role-japan`, { viewport: PHONE });
      try {
        await page.waitForFunction(() => getComputedStyle(document.getElementById('cell-cluster_role-japan')).display !== 'none');
        assert.ok((await shownRegions(page)).includes('japan'));
        const top = await page.$eval('#cell-cluster_role-japan', (el) => el.getBoundingClientRect().top);
        assert.ok(top >= 0 && top < PHONE.height, `in view: ${top}`);
      } finally {
        await context.close();
      }
    });

    test('the CSV and JSON exports hold every region', async () => {
      const json = JSON.parse(fs.readFileSync(path.join(japanSite.site.out, lang, 'compare', 'table.json'), 'utf8'));
      const regions = json.table.regions.map((r) => [r.slug, r.default]);
      assert.deepEqual(regions, [...FIVE.map((s) => [s, true]), ['japan', false]]);
      const csv = fs.readFileSync(path.join(japanSite.site.out, lang, 'compare', 'table-long.csv'), 'utf8');
      assert.match(csv, /\ncluster_role,japan,/);
      const wide = fs.readFileSync(path.join(japanSite.site.out, lang, 'compare', 'table.csv'), 'utf8').split('\n')[0];
      assert.match(wide, lang === 'zh' ? /日本/ : /Japan/);
    });
  });
}

describe('compare screenshots', () => {
  for (const lang of ['en', 'zh']) {
    test(`compare-phone-${lang}-375.png: two regions picked, side by side`, async () => {
      const { page, context } = await open(ownSite, `/${lang}/compare/?regions=beijing,shenzhen`, { viewport: PHONE });
      try {
        await page.locator('#cmp-tools').evaluate((el) => el.scrollIntoView());
        await page.evaluate(() => document.fonts.ready);
        fs.mkdirSync(SHOTS, { recursive: true });
        const buf = await page.screenshot({ path: path.join(SHOTS, `compare-phone-${lang}-375.png`) });
        assert.ok(buf.length > 5000 && buf.length < 600 * 1024, `${buf.length} bytes`);
      } finally {
        await context.close();
      }
    });
  }
});
