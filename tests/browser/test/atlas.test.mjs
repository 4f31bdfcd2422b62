// End-to-end tests of the atlas theme in headless Chromium (Debian's, through playwright-core).
//
// Builds the repository's own atlas with the debug binary, serves it on 127.0.0.1 with a tiny
// node server, then loads the main pages in both languages at phone and desktop widths and in
// light and dark schemes, runs axe-core on each, checks the page furniture, the comparison
// table (sticky header and first column, symbols, optional JavaScript, no JavaScript), the
// pictures, print styles and the Nu HTML Checker; it writes the screenshots in
// docs/screenshots/ (or $SCREENSHOT_DIR).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { REPO } from '../lib/site.mjs';
import { useAtlas, PHONE, DESKTOP, LANGS } from '../lib/harness.mjs';
import { axeViolations, describeViolations } from '../lib/axe.mjs';
import { checkFolder, formatMessages } from '../lib/vnu.mjs';

const PAGES = {
  home: '/{lang}/',
  region: '/{lang}/regions/shenzhen/',
  drug: '/{lang}/drugs/aimimaituosai/',
  compare: '/{lang}/compare/',
  timeline: '/{lang}/timeline/',
  regions: '/{lang}/regions/',
  sources: '/{lang}/sources/',
};
const SHOTS = process.env.SCREENSHOT_DIR || path.join(REPO, 'docs', 'screenshots');

const atlas = useAtlas();
const open = (url, options) => atlas.open(url, options);

function pathFor(name, lang) {
  return PAGES[name].replace('{lang}', lang);
}

describe('every main page and list, both languages, phone and desktop', () => {
  for (const lang of LANGS) {
    for (const name of Object.keys(PAGES)) {
      for (const [vpName, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
        for (const colorScheme of ['light', 'dark']) {
          test(`${name} ${lang} ${vpName} ${colorScheme}: loads, no other host, axe finds nothing`, async () => {
            const url = pathFor(name, lang);
            const { context, page, response, foreign, errors } = await open(url, { viewport, colorScheme });
            try {
              assert.equal(response.status(), 200, `${url} status`);
              assert.deepEqual(foreign, [], `${url} requested other hosts`);
              assert.deepEqual(errors, [], `${url} logged errors`);
              const violations = await axeViolations(page);
              assert.equal(violations.length, 0, `axe on ${url} (${vpName}, ${colorScheme}):\n${describeViolations(violations)}`);
              // Nothing is wider than the screen: only the table and pictures scroll sideways.
              const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
              assert.ok(overflow <= 0, `${url} is ${overflow}px wider than a ${viewport.width}px screen`);
            } finally {
              await context.close();
            }
          });
        }
      }
    }
  }
});

describe('page furniture', () => {
  for (const lang of LANGS) {
    const other = lang === 'zh' ? 'en' : 'zh';
    for (const name of Object.keys(PAGES)) {
      test(`${name} ${lang}: header, navigation, language switch, breadcrumbs, review date`, async () => {
        const url = pathFor(name, lang);
        const { context, page } = await open(url);
        try {
          assert.equal(await page.getAttribute('html', 'lang'), lang === 'zh' ? 'zh-Hans' : 'en');
          const nav = await page.$$eval('.site-nav a', (as) => as.map((a) => a.getAttribute('href')));
          assert.deepEqual(nav, ['regions/', 'drugs/', 'compare/', 'timeline/', 'sources/'].map((p) => `/${lang}/${p}`));
          // The language switcher goes to the same page in the other language.
          const alt = await page.$$eval('.lang-switcher a', (as) => as.map((a) => a.getAttribute('href')));
          assert.deepEqual(alt, [url.replace(`/${lang}/`, `/${other}/`)]);
          if (name !== 'home') {
            const crumbs = await page.$$eval('.breadcrumbs li', (lis) => lis.length);
            assert.ok(crumbs >= 2, 'breadcrumbs');
            assert.equal(await page.$$eval('.breadcrumbs [aria-current=page]', (x) => x.length), 1);
          }
          assert.equal(await page.$$eval('h1', (x) => x.length), 1, 'one h1');
          const reviewed = await page.$$eval('.reviewed time', (ts) => ts.map((t) => t.getAttribute('datetime')));
          assert.ok(reviewed.length >= 1 && reviewed.every((d) => /^\d{4}(-\d\d){0,2}$/.test(d)), `review date: ${reviewed}`);
          // Following the switcher lands on the translation.
          await page.click('.lang-switcher a');
          assert.equal(new URL(page.url()).pathname, url.replace(`/${lang}/`, `/${other}/`));
        } finally {
          await context.close();
        }
      });
    }
  }

  test('region page: fact box, comparison values, events, contents, linked from, sources', async () => {
    const { context, page } = await open('/en/regions/shenzhen/');
    try {
      const facts = await page.$$eval('.factbox dt', (dts) => dts.map((d) => d.textContent.trim()));
      for (const k of ['Kind', 'Policy bodies', 'Key policies', 'Comparison values']) assert.ok(facts.includes(k), `fact box lacks ${k}: ${facts}`);
      // Shenzhen's only body is its legislature: a policy body, not a regulator.
      assert.ok(!facts.includes('Regulators'), `a Regulators row on Shenzhen: ${facts}`);
      assert.match(await page.textContent('.factbox'), /Standing Committee of the Shenzhen Municipal People's Congress \(legislature\)/);
      assert.match(await page.textContent('.factbox .fact-dates'), /January 2023/);
      const rows = await page.$$eval('table.kv tr', (trs) => trs.length);
      assert.ok(rows >= 10, 'comparison values');
      assert.ok(await page.$('#events-title'), 'events');
      const toc = await page.$$eval('.toc a', (as) => as.map((a) => a.getAttribute('href')));
      for (const id of ['#events-title', '#cmp-title', '#backlinks-title', '#sources-title']) {
        assert.ok(toc.includes(id), `contents lack ${id}`);
        assert.ok(await page.$(id), `${id} missing`);
      }
      assert.ok((await page.$$('.backlinks li')).length > 0, 'linked from');
      assert.ok((await page.$$('.sources li')).length > 0, 'sources');
    } finally {
      await context.close();
    }
  });

  test('drug page: fact box with names, developer, cell source, indication, status, dates, price, regions', async () => {
    const { context, page } = await open('/en/drugs/aimimaituosai/');
    try {
      const facts = await page.$$eval('.factbox dt', (dts) => dts.map((d) => d.textContent.trim()));
      for (const k of ['Brand name', 'Developer', 'Cell type', 'Tissue source', 'Indications', 'Status', 'Key dates', 'Price', 'Related regions']) {
        assert.ok(facts.includes(k), `fact box lacks ${k}: ${facts}`);
      }
      assert.match(await page.textContent('.factbox .fact-dates'), /2 January 2025/);
      assert.ok(await page.$('#events-title'));
    } finally {
      await context.close();
    }
  });

  test('fact boxes come before the article text on a phone and beside it on a desktop', async () => {
    for (const [viewport, beside] of [[PHONE, false], [DESKTOP, true]]) {
      const { context, page } = await open('/zh/regions/beijing/', { viewport });
      try {
        const box = await page.locator('.factbox').boundingBox();
        const prose = await page.locator('.page-main .prose').boundingBox();
        if (beside) assert.ok(box.x > prose.x + prose.width - 1, 'fact box beside the text');
        else assert.ok(box.y + box.height <= prose.y, 'fact box above the text');
      } finally {
        await context.close();
      }
    }
  });
});

describe('comparison table', () => {
  // Above phone width the table keeps its scroll box (on a phone each row is a card:
  // test/compare-views.test.mjs).
  test('header row and first column stay in view while the table scrolls (narrow screen, 800 px)', async () => {
    const { context, page } = await open('/en/compare/', { viewport: { width: 800, height: 740 } });
    try {
      const scroller = page.locator('.table-scroll');
      await scroller.scrollIntoViewIfNeeded();
      const before = await scroller.boundingBox();
      await scroller.evaluate((el) => { el.scrollLeft = el.scrollWidth; el.scrollTop = el.scrollHeight / 2; });
      const scrolled = await scroller.evaluate((el) => [el.scrollLeft, el.scrollTop]);
      assert.ok(scrolled[0] > 100 && scrolled[1] > 100, `the table scrolls both ways on a narrow screen: ${scrolled}`);
      const corner = await page.locator('table.compare thead th.corner').boundingBox();
      const lastHead = await page.locator('table.compare thead th').last().boundingBox();
      const rowHead = await page.evaluate(() => {
        // The row header now at the top of the scrolled area.
        const box = document.querySelector('.table-scroll').getBoundingClientRect();
        const ths = [...document.querySelectorAll('table.compare tbody th')];
        const th = ths.find((t) => t.getBoundingClientRect().bottom > box.top + 80);
        const r = th.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width };
      });
      const near = (a, b) => Math.abs(a - b) <= 2;
      assert.ok(near(corner.x, before.x + 1) || near(corner.x, before.x), `corner stays left: ${corner.x} vs ${before.x}`);
      assert.ok(near(corner.y, before.y + 1) || near(corner.y, before.y), `corner stays on top: ${corner.y} vs ${before.y}`);
      assert.ok(near(lastHead.y, corner.y), 'the header row stays on top');
      assert.ok(rowHead.x <= before.x + 2, 'the first column stays at the left');
    } finally {
      await context.close();
    }
  });

  test('yes, no, partial, not among those named and unknown are told apart by symbol and text, not colour alone', async () => {
    for (const lang of LANGS) {
      const { context, page } = await open(`/${lang}/compare/`);
      try {
        const texts = await page.$$eval('table.compare td', (tds) => tds.map((td) => [td.className, td.querySelector('.val').textContent.trim()]));
        // Class tokens, not substrings: cell-not_among_named is not a cell-no.
        const by = (cls) => texts.filter(([c]) => c.split(/\s+/).includes(cls)).map(([, t]) => t);
        const words = lang === 'zh'
          ? { yes: '✓ 是', partial: '◐ 部分', no: '✗ 否', not_among_named: '○ 不在来源点名之列', unknown: '未知' }
          : { yes: '✓ yes', partial: '◐ partial', no: '✗ no', not_among_named: '○ not among those named', unknown: 'unknown' };
        for (const [cls, word] of Object.entries(words)) {
          const cells = by(`cell-${cls}`);
          assert.ok(cells.length > 0, `some ${cls} cells`);
          assert.ok(cells.every((t) => t === word), `${cls} cells read ${word}: ${[...new Set(cells)]}`);
        }
      } finally {
        await context.close();
      }
    }
  });

  test('without JavaScript the whole table is there and the tools stay hidden', async () => {
    const { context, page } = await open('/en/compare/', { javaScriptEnabled: false });
    try {
      assert.equal(await page.isVisible('#cmp-tools'), false);
      const rows = await page.$$eval('table.compare tbody tr', (trs) => trs.filter((t) => t.offsetParent !== null).length);
      const dims = await page.$$eval('.dim-key li', (lis) => lis.length);
      assert.ok(rows > 10 && rows === dims, `${rows} rows, ${dims} dimensions`);
      const cols = await page.$$eval('table.compare thead th', (ths) => ths.length);
      assert.ok(cols >= 3);
    } finally {
      await context.close();
    }
  });

  test('JavaScript adds filtering, column choice, sorting by a dimension and differences', async () => {
    const { context, page } = await open('/en/compare/');
    try {
      assert.equal(await page.isVisible('#cmp-tools'), true);
      const visibleRows = () => page.$$eval('table.compare tbody tr', (trs) => trs.filter((t) => getComputedStyle(t).display !== 'none').map((t) => t.id));
      const visibleCols = () => page.$$eval('table.compare thead th[data-region]', (ths) => ths.filter((t) => getComputedStyle(t).display !== 'none').map((t) => t.dataset.region));
      const all = await visibleRows();
      await page.fill('#cmp-filter', 'legislation');
      const filtered = await visibleRows();
      assert.ok(filtered.length >= 1 && filtered.length < all.length, `filter: ${filtered}`);
      assert.ok(filtered.includes('dim-local_legislation'));
      assert.match(await page.textContent('#cmp-status'), new RegExp(`^${filtered.length} of ${all.length}`));
      await page.fill('#cmp-filter', '');
      assert.equal((await visibleRows()).length, all.length);

      // Hide a region column.
      const cols = await visibleCols();
      await page.uncheck(`.tool-regions input[value="${cols[0]}"]`);
      assert.deepEqual(await visibleCols(), cols.slice(1));
      const cellsShown = await page.$$eval(`table.compare td[data-region="${cols[0]}"]`, (tds) => tds.filter((t) => getComputedStyle(t).display !== 'none').length);
      assert.equal(cellsShown, 0, 'the column\'s cells are hidden too');
      await page.check(`.tool-regions input[value="${cols[0]}"]`);

      // Order regions by a yes/no/partial dimension: yes first, then partial, no, unknown.
      await page.selectOption('#cmp-sort', 'local_legislation');
      const order = await page.$$eval('#dim-local_legislation td', (tds) => tds.map((t) => t.dataset.value || 'unknown'));
      const rank = { yes: 0, partial: 1, no: 2, unknown: 3 };
      const ranks = order.map((v) => rank[v]);
      assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), `sorted: ${order}`);
      // Header and every row follow the same column order.
      const headOrder = await page.$$eval('table.compare thead th[data-region]', (ths) => ths.map((t) => t.dataset.region));
      const rowOrders = await page.$$eval('table.compare tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.dataset.region).join()));
      assert.ok(rowOrders.every((o) => o === headOrder.join()), 'cells move with their column');

      // Only rows where regions differ.
      await page.check('#cmp-diff');
      const differ = await visibleRows();
      assert.ok(differ.length > 0 && differ.length <= all.length);
      for (const id of differ) {
        const vals = await page.$$eval(`#${id} td`, (tds) => tds.map((t) => t.dataset.value ?? ''));
        assert.ok(new Set(vals).size > 1, `${id} differs: ${vals}`);
      }
      await page.click('.tool-reset');
      await page.waitForFunction(() => document.getElementById('cmp-sort').value === '');
      assert.equal((await visibleRows()).length, all.length);
    } finally {
      await context.close();
    }
  });

  test('the filter, sort, differences and regions shown live in the address, so a view can be shared', async () => {
    const { context, page } = await open('/en/compare/');
    try {
      const cols = await page.$$eval('table.compare thead th[data-region]', (ths) => ths.map((t) => t.dataset.region));
      await page.fill('#cmp-filter', 'legislation');
      await page.selectOption('#cmp-sort', 'local_legislation');
      await page.check('#cmp-diff');
      await page.uncheck(`.tool-regions input[value="${cols[0]}"]`);
      const url = new URL(page.url());
      assert.equal(url.searchParams.get('q'), 'legislation');
      assert.equal(url.searchParams.get('sort'), 'local_legislation');
      assert.equal(url.searchParams.get('diff'), '1');
      assert.deepEqual(url.searchParams.get('regions').split(','), cols.slice(1));
      const state = () => page.evaluate(() => ({
        q: document.getElementById('cmp-filter').value,
        sort: document.getElementById('cmp-sort').value,
        diff: document.getElementById('cmp-diff').checked,
        cols: [...document.querySelectorAll('table.compare thead th[data-region]')].filter((t) => getComputedStyle(t).display !== 'none').map((t) => t.dataset.region),
        rows: [...document.querySelectorAll('table.compare tbody tr')].filter((t) => getComputedStyle(t).display !== 'none').map((t) => t.id),
      }));
      const before = await state();
      // A reader who opens the shared address sees the same view.
      const other = await open(url.pathname + url.search);
      try {
        const after = await other.page.evaluate(() => ({
          q: document.getElementById('cmp-filter').value,
          sort: document.getElementById('cmp-sort').value,
          diff: document.getElementById('cmp-diff').checked,
          cols: [...document.querySelectorAll('table.compare thead th[data-region]')].filter((t) => getComputedStyle(t).display !== 'none').map((t) => t.dataset.region),
          rows: [...document.querySelectorAll('table.compare tbody tr')].filter((t) => getComputedStyle(t).display !== 'none').map((t) => t.id),
        }));
        assert.deepEqual(after, before);
      } finally {
        await other.context.close();
      }
      // Reset clears the address.
      await page.click('.tool-reset');
      await page.waitForFunction(() => document.getElementById('cmp-sort').value === '');
      await page.waitForFunction(() => location.search === '');
    } finally {
      await context.close();
    }
  });

  for (const [vpName, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    test(`${vpName}: a link to a row or a cell lands below the sticky header and beside the sticky first column; the legend comes first`, async () => {
      const { context, page } = await open('/en/compare/', { viewport });
      try {
        const legendFirst = await page.evaluate(() => !!(document.querySelector('.legend').compareDocumentPosition(document.getElementById('compare-table')) & Node.DOCUMENT_POSITION_FOLLOWING));
        assert.ok(legendFirst, 'the legend comes before the table');
        const rows = await page.$$eval('table.compare tbody tr', (trs) => trs.map((t) => t.id));
        const cells = await page.$$eval('table.compare td', (tds) => tds.map((t) => t.id));
        assert.ok(cells.every((id) => /^cell-[a-z0-9_]+-[a-z0-9-]+$/.test(id)), 'every cell has an id');
        for (const id of [rows[rows.length - 1], cells[cells.length - 1], cells[Math.floor(cells.length / 2)]]) {
          await page.goto(`${atlas.server.url}/en/compare/#${id}`);
          const box = await page.evaluate((id) => {
            const el = document.getElementById(id);
            const r = el.getBoundingClientRect();
            const head = document.querySelector('table.compare thead').getBoundingClientRect();
            // The first column, when it is beside the cell (on a phone it heads the row's card).
            const th = el.tagName === 'TD' ? el.parentElement.querySelector('th').getBoundingClientRect() : null;
            const first = th && th.bottom > r.top ? th : null;
            return { top: r.top, left: r.left, bottom: r.bottom, headBottom: head.bottom, firstRight: first ? first.right : null, h: innerHeight, w: innerWidth };
          }, id);
          assert.ok(box.top >= box.headBottom - 1 && box.top < box.h, `${id} lands below the header: ${JSON.stringify(box)}`);
          if (box.firstRight !== null) assert.ok(box.left >= box.firstRight - 1 && box.left < box.w, `${id} lands beside the first column: ${JSON.stringify(box)}`);
        }
      } finally {
        await context.close();
      }
    });
  }

  test('the header uses short_title from [extra] when a region page sets it', async () => {
    // The content may or may not set short titles; the header shows one of the two names.
    const { context, page } = await open('/en/compare/');
    try {
      const heads = await page.$$eval('table.compare thead th[data-region] a', (as) => as.map((a) => [a.textContent, a.getAttribute('title')]));
      for (const [text, title] of heads) assert.ok(text.length > 0 && (title === null || title.length >= text.length));
    } finally {
      await context.close();
    }
  });
});

describe('pictures', () => {
  for (const lang of LANGS) {
    for (const [name, selector] of [['timeline', 'svg.pic-timeline.pic-wide'], ['compare', 'svg.pic-coverage']]) {
      test(`${name} ${lang}: inline SVG with role img (group for the timeline, whose points are links), title and description, and a text alternative beside it`, async () => {
        const { context, page } = await open(pathFor(name, lang), { javaScriptEnabled: false });
        try {
          const svg = page.locator(selector);
          assert.equal(await svg.count(), 1);
          assert.equal(await svg.getAttribute('role'), name === 'timeline' ? 'group' : 'img');
          const ids = (await svg.getAttribute('aria-labelledby')).split(' ');
          const [title, desc] = await Promise.all(ids.map((id) => page.textContent(`#${id}`)));
          assert.ok(title.length > 5 && desc.length > 20);
          // The picture speaks the page's language.
          assert.equal(/[\u4e00-\u9fff]/.test(title), lang === 'zh', `title language: ${title}`);
          const box = await svg.boundingBox();
          assert.ok(box.width > 300 && box.height > 100, 'drawn');
          if (name === 'timeline') {
            // Every listed event is drawn (a shared one once on each of its pages' rows),
            // and every mark links to its entry.
            const ids = await page.$$eval('ol.timeline > li', (lis) => lis.map((l) => l.id));
            const marks = await page.$$eval('svg.pic-timeline.pic-wide .tl-event', (gs) => gs.map((g) => g.getAttribute('href')));
            assert.deepEqual([...new Set(marks.map((h) => h.slice(1)))].sort(), [...ids].sort());
          } else {
            const cells = await page.$$eval('svg.pic-coverage .cov-item', (gs) => gs.length);
            const tds = await page.$$eval('table.compare td', (x) => x.length);
            assert.equal(cells, tds, 'one mark per table cell');
          }
        } finally {
          await context.close();
        }
      });
    }
  }
});

test('on a phone the timeline is drawn narrow, labels above the rows, within the screen', async () => {
  for (const lang of LANGS) {
    const { context, page } = await open(`/${lang}/timeline/`, { viewport: PHONE, javaScriptEnabled: false });
    try {
      assert.equal(await page.isVisible('svg.pic-wide'), false);
      assert.equal(await page.isVisible('svg.pic-narrow'), true);
      const box = await page.locator('svg.pic-narrow').boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `narrow picture fits: ${JSON.stringify(box)}`);
      const marks = await page.$$eval('svg.pic-narrow .tl-event', (gs) => gs.map((g) => g.getAttribute('href').slice(1)));
      const ids = await page.$$eval('ol.timeline > li', (lis) => lis.map((l) => l.id));
      assert.deepEqual([...new Set(marks)].sort(), [...ids].sort());
    } finally {
      await context.close();
    }
  }
});

describe('timeline filters', () => {
  test('by kind and by page, from the address and back into it; hidden without JavaScript', async () => {
    const visible = (page) => page.$$eval('.events.timeline > li.event', (lis) => lis.filter((l) => getComputedStyle(l).display !== 'none').map((l) => [l.dataset.kind, l.dataset.pages.split(' ')]));
    const { context, page } = await open('/en/timeline/');
    try {
      assert.equal(await page.isVisible('#tl-filters'), true);
      const all = await visible(page);
      assert.ok(all.length > 10, 'events');
      await page.selectOption('#tl-kind', 'approval');
      const approvals = await visible(page);
      assert.ok(approvals.length > 0 && approvals.length < all.length && approvals.every(([k]) => k === 'approval'), JSON.stringify(approvals));
      assert.equal(new URL(page.url()).searchParams.get('kind'), 'approval');
      assert.match(await page.textContent('#tl-status'), new RegExp(`^${approvals.length} of ${all.length} events`));
      // Years with nothing shown are hidden, with their link in the year navigation.
      const years = await page.$$eval('h3.year', (hs) => hs.filter((h) => getComputedStyle(h).display !== 'none').map((h) => h.id));
      const navYears = await page.$$eval('.year-nav li', (lis) => lis.filter((l) => getComputedStyle(l).display !== 'none').map((l) => l.querySelector('a').getAttribute('href').slice(1)));
      assert.deepEqual(navYears, years);
      await page.selectOption('#tl-kind', '');
      await page.selectOption('#tl-page', '/en/regions/beijing/');
      const beijing = await visible(page);
      assert.ok(beijing.length > 0 && beijing.every(([, p]) => p.includes('/en/regions/beijing/')));
      const shared = new URL(page.url());
      assert.equal(shared.searchParams.get('page'), '/en/regions/beijing/');
      // The shared address opens on the same view.
      const other = await open(shared.pathname + shared.search);
      try {
        assert.deepEqual(await visible(other.page), beijing);
      } finally {
        await other.context.close();
      }
    } finally {
      await context.close();
    }
    const nojs = await open('/en/timeline/?kind=approval', { javaScriptEnabled: false });
    try {
      assert.equal(await nojs.page.isVisible('#tl-filters'), false);
      assert.ok((await nojs.page.$$('.events.timeline > li.event')).length > 10);
    } finally {
      await nojs.context.close();
    }
  });
});

describe('print', () => {
  for (const url of ['/zh/regions/beijing/', '/en/compare/']) {
    test(`${url} prints without navigation, with its facts and the whole table`, async () => {
      const { context, page } = await open(url);
      try {
        await page.emulateMedia({ media: 'print' });
        assert.equal(await page.isVisible('.site-header'), false);
        assert.equal(await page.isVisible('.site-footer'), false);
        if (url.includes('compare')) {
          const scroll = await page.$eval('.table-scroll', (el) => [getComputedStyle(el).overflow, getComputedStyle(el).maxHeight]);
          assert.deepEqual(scroll, ['visible', 'none']);
          assert.equal(await page.$eval('table.compare thead th', (el) => getComputedStyle(el).position), 'static');
        } else {
          assert.equal(await page.isVisible('.factbox'), true);
        }
        const pdf = await page.pdf({ format: 'A4' });
        assert.ok(pdf.length > 10000, 'a PDF is made');
      } finally {
        await context.close();
      }
    });
  }
});

describe('link previews, the 404 page and the printed address', () => {
  for (const lang of LANGS) {
    for (const name of Object.keys(PAGES)) {
      test(`${name} ${lang}: Open Graph and Twitter card metadata`, async () => {
        const url = pathFor(name, lang);
        const { context, page } = await open(url);
        try {
          const meta = await page.evaluate(() => {
            const m = {};
            document.querySelectorAll('meta[property], meta[name^="twitter:"]').forEach((e) => {
              const k = e.getAttribute('property') || e.getAttribute('name');
              m[k] = m[k] ? [].concat(m[k], e.content) : e.content;
            });
            return { m, title: document.title, h1: document.querySelector('h1').textContent.trim(), site: document.querySelector('.brand-name').textContent };
          });
          const { m } = meta;
          assert.equal(m['og:site_name'], meta.site);
          assert.ok(m['og:title'] && meta.title.startsWith(m['og:title']), `og:title ${m['og:title']} vs title ${meta.title}`);
          assert.ok(m['og:description'] && m['og:description'].length > 10, 'og:description');
          assert.equal(m['og:type'], ['region', 'drug'].includes(name) ? 'article' : 'website');
          assert.equal(m['og:locale'], lang === 'zh' ? 'zh_CN' : 'en_US');
          assert.equal(m['og:locale:alternate'], lang === 'zh' ? 'en_US' : 'zh_CN');
          assert.equal(m['twitter:card'], 'summary');
        } finally {
          await context.close();
        }
      });
    }
  }

  for (const lang of LANGS) {
    test(`${lang}: the header is one line on a 1280 px desktop; on a phone the site's name is never broken`, async () => {
      for (const [viewport, oneLine] of [[DESKTOP, true], [PHONE, false]]) {
        for (const url of [`/${lang}/`, `/${lang}/regions/`, `/${lang}/compare/`]) {
          const { context, page } = await open(url, { viewport });
          try {
            const box = await page.evaluate(() => {
              const r = (s) => document.querySelector(s).getBoundingClientRect();
              const name = document.querySelector('.brand-name');
              const line = parseFloat(getComputedStyle(name).lineHeight);
              return { name: r('.brand-name').height, line, tops: ['.brand', '.site-nav', '.lang-switcher', '.search-box'].map((s) => [r(s).top, r(s).bottom]) };
            });
            assert.ok(box.name < box.line * 1.5, `${url} at ${viewport.width}px: the site's name takes ${box.name}px for a ${box.line}px line`);
            if (oneLine) {
              // Every part of the header shares one row: each box overlaps the brand's row.
              const [bt, bb] = box.tops[0];
              for (const [t, b] of box.tops.slice(1)) assert.ok(t < bb && b > bt, `${url}: header wraps (${JSON.stringify(box.tops)})`);
            }
          } finally {
            await context.close();
          }
        }
      }
    });
  }

  test('the language switcher keeps the anchor the reader is at', async () => {
    const { context, page } = await open('/en/regions/beijing/#sources-title');
    try {
      await Promise.all([page.waitForURL(/\/zh\/regions\/beijing\//), page.click('.lang-switcher a')]);
      assert.equal(new URL(page.url()).hash, '#sources-title');
      const top = await page.$eval('#sources-title', (e) => e.getBoundingClientRect().top);
      assert.ok(top >= 0 && top < 200, `the sources heading is in view (top ${top})`);
    } finally {
      await context.close();
    }
  });

  for (const lang of LANGS) {
    test(`${lang}: key policies in the fact box are whole, linked to their event and cited; the contents are collapsed on a phone`, async () => {
      for (const viewport of [PHONE, DESKTOP]) {
        const { context, page } = await open(`/${lang}/regions/beijing/`, { viewport });
        try {
          const items = await page.$$eval('.factbox .fact-dates li', (lis) => lis.map((li) => {
            const a = li.querySelector('a[href^="#ev-"]');
            const target = a && document.querySelector(a.getAttribute('href'));
            return { title: li.querySelector('.fd-title').textContent, event: target ? target.textContent : null, cited: !!li.querySelector('.src-ref') };
          }));
          assert.ok(items.length >= 2, 'key policies');
          for (const it of items) {
            assert.ok(it.event && it.event.includes(it.title), `${it.title} links to its event`);
            assert.ok(!/…|\.\.\.$/.test(it.title), `${it.title} is whole`);
            assert.ok(it.cited, `${it.title} is cited`);
          }
          const open = await page.$eval('.toc details', (d) => d.open);
          assert.equal(open, viewport === DESKTOP, `contents open at ${viewport.width}px`);
        } finally {
          await context.close();
        }
      }
    });
  }

  test('the 404 page names the site in each language and searches it', async () => {
    const { context, page, response } = await open('/no/such/page/');
    try {
      assert.equal(response.status(), 404);
      const sites = await page.$$eval('.nf-site a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
      assert.deepEqual(sites, [['中国干细胞政策图谱', '/zh/'], ['China Stem-Cell Policy Atlas', '/en/']]);
      const violations = await axeViolations(page);
      assert.equal(violations.length, 0, describeViolations(violations));
      await page.fill('#nf-q-en', 'Shenzhen');
      await page.press('#nf-q-en', 'Enter');
      await page.waitForURL(/\/en\/search\/\?q=Shenzhen/);
      await page.waitForFunction(() => document.querySelectorAll('main .search-result').length > 0, null, { timeout: 10000 });
      const first = await page.$$eval('main .search-result a', (as) => as.map((a) => new URL(a.href).pathname));
      assert.ok(first.includes('/en/regions/shenzhen/'), first.join(' '));
    } finally {
      await context.close();
    }
  });

  for (const lang of LANGS) {
    test(`${lang}: a printed page starts with the site's name, the page's address and the print date`, async () => {
      const { context, page } = await open(`/${lang}/drugs/ryoncil/`);
      try {
        assert.equal(await page.isVisible('.print-head'), false, 'hidden on screen');
        await page.emulateMedia({ media: 'print' });
        await page.evaluate(() => dispatchEvent(new Event('beforeprint')));
        assert.equal(await page.isVisible('.print-head'), true);
        const head = await page.$eval('.print-head', (e) => [e.querySelector('.print-site').textContent, e.querySelector('.print-url').textContent, e.querySelector('.print-date').textContent]);
        assert.equal(head[0], lang === 'zh' ? '中国干细胞政策图谱' : 'China Stem-Cell Policy Atlas');
        assert.equal(head[1], `${atlas.server.url}/${lang}/drugs/ryoncil/`);
        const d = new Date();
        const want = lang === 'zh' ? `打印于${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日` : `Printed on ${d.getDate()} ${d.toLocaleString('en-GB', { month: 'long' })} ${d.getFullYear()}`;
        assert.equal(head[2], want);
      } finally {
        await context.close();
      }
    });
  }
});

describe('screenshots', () => {
  const shots = [
    ['home.png', '/en/', DESKTOP],
    // On a phone each row of the table is a card: a yes/no/partial row.
    ['compare-phone.png', '/en/compare/', PHONE, '#dim-local_legislation'],
    ['region-zh.png', '/zh/regions/beijing/', DESKTOP],
  ];
  for (const [file, url, viewport, scrollTo, action] of shots) {
    test(`screenshot ${file}`, async () => {
      const { context, page } = await open(url, { viewport });
      try {
        if (scrollTo) await page.locator(scrollTo).evaluate((el) => el.scrollIntoView());
        if (action) await page.evaluate(action);
        await page.evaluate(() => document.fonts.ready);
        fs.mkdirSync(SHOTS, { recursive: true });
        const buf = await page.screenshot({ path: path.join(SHOTS, file) });
        assert.ok(buf.length > 5000 && buf.length < 600 * 1024, `${file}: ${buf.length} bytes`);
      } finally {
        await context.close();
      }
    });
  }
});

describe('Nu HTML Checker', () => {
  test('the built atlas has no HTML or CSS errors', () => {
    const { messages } = checkFolder(atlas.site.out);
    assert.equal(messages.length, 0, formatMessages(messages, atlas.site.out));
  });
});
