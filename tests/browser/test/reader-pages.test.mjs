// Reader's pages, second pass, in headless Chromium: the timeline's points lead to the list
// by keyboard and touch, a shared event is one entry; term pages switch language to the same
// term; the status list in pipeline order with definitions.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { useAtlas, PHONE, DESKTOP, LANGS } from '../lib/harness.mjs';
import { axeViolations, describeViolations } from '../lib/axe.mjs';


const atlas = useAtlas();
const open = (url, options) => atlas.open(url, options);

describe('timeline points', () => {
  for (const lang of LANGS) {
    for (const viewport of [DESKTOP, PHONE]) {
      const pic = viewport === PHONE ? 'svg.pic-narrow' : 'svg.pic-wide';
      test(`${lang} ${viewport.width}px: every point links to its entry; Tab and Enter reach it`, async () => {
        const { context, page } = await open(`/${lang}/timeline/`, { viewport });
        try {
          const hrefs = await page.$$eval(`${pic} a.tl-point`, (as) => as.map((a) => a.getAttribute('href')));
          const ids = await page.$$eval('ol.timeline > li', (lis) => lis.map((l) => l.id));
          assert.ok(hrefs.length >= ids.length && ids.length > 10, `${hrefs.length} points, ${ids.length} entries`);
          assert.deepEqual([...new Set(hrefs.map((h) => h.slice(1)))].sort(), [...ids].sort(), 'each entry has a point, each point an entry');
          // Keyboard: focus moves onto the points; Enter follows one.
          await page.focus(`${pic} a.tl-point`);
          const first = await page.evaluate(() => document.activeElement.getAttribute('href'));
          await page.keyboard.press('Tab');
          const second = await page.evaluate(() => document.activeElement.getAttribute('href'));
          assert.ok(first && second, 'two points in a row take the focus');
          await page.keyboard.press('Enter');
          await page.waitForFunction((h) => location.hash === h, second);
          const box = await page.locator(second).boundingBox();
          assert.ok(box && box.y >= 0 && box.y < viewport.height, `entry in view: ${JSON.stringify(box)}`);
          { const v = await axeViolations(page); assert.equal(v.length, 0, describeViolations(v)); }
        } finally {
          await context.close();
        }
      });
    }
    test(`${lang}: a point followed by touch lands on its entry`, async () => {
      const { context, page } = await open(`/${lang}/timeline/`, { viewport: PHONE, hasTouch: true });
      try {
        const point = page.locator('svg.pic-narrow a.tl-point').first();
        const href = await point.getAttribute('href');
        await point.tap();
        await page.waitForFunction((h) => location.hash === h, href);
      } finally {
        await context.close();
      }
    });
    test(`${lang}: the first prescription of Aimi Maitosai is one entry naming the drug, Beijing and China`, async () => {
      const { context, page } = await open(`/${lang}/timeline/`, { javaScriptEnabled: false });
      try {
        const entry = page.locator('#ev-aimimaituosai-first-prescription');
        assert.equal(await entry.count(), 1);
        const links = await entry.locator('a.event-page').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
        assert.deepEqual(links, [`/${lang}/drugs/aimimaituosai/`, `/${lang}/regions/beijing/`, `/${lang}/regions/china/`]);
        const dates = await page.$$eval('ol.timeline time[datetime="2025-06-05"]', (ts) => ts.length);
        assert.equal(dates, 1, 'once in the list');
      } finally {
        await context.close();
      }
    });
  }
  test('the filter by page keeps a shared event under each of its pages', async () => {
    const { context, page } = await open('/en/timeline/?page=/en/regions/beijing/');
    try {
      assert.equal(await page.isVisible('#ev-aimimaituosai-first-prescription'), true);
      await page.selectOption('#tl-page', '/en/drugs/aimimaituosai/');
      assert.equal(await page.isVisible('#ev-aimimaituosai-first-prescription'), true);
      await page.selectOption('#tl-page', '/en/regions/shanghai/');
      assert.equal(await page.isVisible('#ev-aimimaituosai-first-prescription'), false);
    } finally {
      await context.close();
    }
  });
});

describe('taxonomy terms', () => {
  test('a term page switches language to the same term, and the term is a title', async () => {
    const { context, page } = await open('/en/indications/chronic-heart-failure/');
    try {
      assert.equal(await page.textContent('h1'), 'Chronic heart failure');
      await page.click('.lang-switcher a');
      assert.equal(decodeURIComponent(new URL(page.url()).pathname), '/zh/indications/慢性心力衰竭/');
      assert.equal(await page.textContent('h1'), '慢性心力衰竭');
      const alt = await page.$$eval('link[rel=alternate][hreflang=en]', (ls) => ls.map((l) => new URL(l.href).pathname));
      assert.deepEqual(alt, ['/en/indications/chronic-heart-failure/']);
    } finally {
      await context.close();
    }
  });
  for (const lang of LANGS) {
    for (const viewport of [DESKTOP, PHONE]) {
      test(`${lang} ${viewport.width}px: statuses in pipeline order, each defined`, async () => {
        const { context, page } = await open(`/${lang}/status/`, { viewport });
        try {
          const slugs = await page.$$eval('ol.terms-defined > li > a', (as) => as.map((a) => a.getAttribute('href').split('/').filter(Boolean).pop()));
          const pipeline = ['ind_approved', 'phase_1', 'phase_1_2', 'phase_2', 'phase_2_3', 'phase_3', 'application_accepted', 'conditionally_approved', 'approved'];
          assert.deepEqual(slugs, pipeline.filter((s) => slugs.includes(s)));
          assert.ok(slugs.length >= 3, slugs.join());
          const defs = await page.$$eval('ol.terms-defined > li .term-def', (ps) => ps.map((p) => p.textContent.trim()));
          assert.equal(defs.length, slugs.length);
          assert.ok(defs.every((d) => d.length > 8));
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          assert.ok(overflow <= 0, `page overflows by ${overflow}px`);
          { const v = await axeViolations(page); assert.equal(v.length, 0, describeViolations(v)); }
        } finally {
          await context.close();
        }
      });
    }
  }
});

describe('Chinese typography', () => {
  for (const lang of LANGS) {
    test(`${lang} 375px: a citation number never starts a line`, async () => {
      for (const url of [`/${lang}/regions/hainan-boao/`, `/${lang}/regions/china/`, `/${lang}/drugs/aimimaituosai/`, `/${lang}/analysis/industry/`]) {
        const { context, page } = await open(url, { viewport: PHONE });
        try {
          // For each citation, the character before it is on the same line (the two boxes
          // overlap vertically), at several widths so that some citations fall at a line end.
          for (const width of [375, 360, 343, 331]) {
            await page.setViewportSize({ width, height: 740 });
            const alone = await page.$$eval('.prose sup.cite', (sups) => sups.filter((sup) => {
              const walker = document.createTreeWalker(sup.parentNode, NodeFilter.SHOW_TEXT);
              let prev = null;
              for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                if (sup.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_PRECEDING && !sup.contains(n) && n.textContent.trim()) prev = n;
              }
              if (!prev) return false;
              const r = document.createRange();
              const end = prev.textContent.replace(/\s+$/, '').length;
              r.setStart(prev, end - 1);
              r.setEnd(prev, end);
              const a = r.getClientRects();
              const before = a[a.length - 1];
              const b = sup.getClientRects()[0];
              return !(before && b && before.bottom > b.top && before.top < b.bottom);
            }).map((s) => s.textContent));
            assert.deepEqual(alone, [], `${url} at ${width}px: citations alone at a line start`);
          }
        } finally {
          await context.close();
        }
      }
    });
  }
});

describe('every page', () => {
  test('axe finds nothing on any built page (desktop, light; redirect stubs aside)', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const root = atlas.site.out;
    const pages = [];
    const walk = (dir) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.html') && !/http-equiv="refresh"/i.test(fs.readFileSync(p, 'utf8'))) pages.push(p);
      }
    };
    walk(root);
    assert.ok(pages.length > 100, `${pages.length} pages`);
    const context = await atlas.browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    const failures = [];
    try {
      for (const file of pages) {
        let url = '/' + path.relative(root, file).split(path.sep).join('/');
        url = url.replace(/index\.html$/, '');
        await page.goto(atlas.url(url), { waitUntil: 'load' });
        const v = await axeViolations(page);
        if (v.length) failures.push(`${url}\n${describeViolations(v)}`);
      }
    } finally {
      await context.close();
    }
    assert.equal(failures.length, 0, failures.join('\n\n'));
  });
});
