// Sources a reader can follow and citing the atlas, in headless Chromium: the way back from a
// source to its first citation, the "Cite this page" box (open, with axe), its BibTeX and RIS
// files, the JSON-LD, and the methods page in both languages at phone and desktop widths.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { useAtlas, PHONE, DESKTOP, LANGS } from '../lib/harness.mjs';
import { axeViolations, describeViolations } from '../lib/axe.mjs';


const atlas = useAtlas();
const open = (url, options) => atlas.open(url, options);

describe('the way back from a source to its citation', () => {
  for (const lang of LANGS) {
    test(`${lang}: ↩ in the source list goes to the first citation, which leads back to the source`, async () => {
      const { context, page } = await open(`/${lang}/analysis/industry/`);
      try {
        const back = page.locator('.sources li .src-back').first();
        const href = await back.getAttribute('href');
        assert.equal(href, '#cite-1-1');
        await back.click();
        assert.ok(page.url().endsWith('#cite-1-1'), page.url());
        const target = page.locator('#cite-1-1');
        assert.equal(await target.count(), 1);
        // The citation links to the source entry it came from.
        const srcHref = await target.getAttribute('href');
        const li = page.locator('.sources li').first();
        assert.equal(srcHref, `#${await li.getAttribute('id')}`);
        // Every in-page citation id is unique.
        const ids = await page.$$eval('[id^="cite-"]', (els) => els.map((e) => e.id));
        assert.equal(new Set(ids).size, ids.length);
      } finally {
        await context.close();
      }
    });
  }
});

describe('cite this page', () => {
  for (const lang of LANGS) {
    for (const url of [`/${lang}/regions/shenzhen/`, `/${lang}/compare/`]) {
      for (const [vpName, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
        test(`${url} ${vpName}: the box opens without JavaScript, axe finds nothing, the files are served`, async () => {
          const { context, page, foreign } = await open(url, { viewport, javaScriptEnabled: false });
          try {
            const box = page.locator('details.cite-box');
            assert.equal(await box.count(), 1);
            await box.locator('summary').click();
            assert.equal(await box.getAttribute('open'), '');
            const refs = await box.locator('.cite-ref').allTextContents();
            assert.equal(refs.length, lang === 'zh' ? 2 : 1, refs.join('\n'));
            if (lang === 'zh') assert.match(refs[0], /\[EB\/OL\]/);
            assert.match(refs.at(-1), /\(\d{4}, [A-Z][a-z]+ \d{1,2}\)|\(n\.d\.\)/);
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
            assert.ok(overflow <= 0, `${url} is ${overflow}px wider than the screen`);
            assert.deepEqual(foreign, []);
            for (const [sel, head] of [['a[href$="cite.bib"]', /^@misc\{atlas-/], ['a[href$="cite.ris"]', /^TY {2}- ELEC\r\n/]]) {
              const href = await box.locator(sel).getAttribute('href');
              const res = await fetch(atlas.server.url + href);
              assert.equal(res.status, 200, href);
              assert.match(await res.text(), head);
            }
            // JSON-LD is valid JSON.
            const ld = await page.$$eval('script[type="application/ld+json"]', (els) => els.map((e) => e.textContent));
            assert.equal(ld.length, 1);
            const v = JSON.parse(ld[0]);
            assert.equal(v['@type'], url.endsWith('/compare/') ? 'Dataset' : 'Article');
          } finally {
            await context.close();
          }
        });
      }
    }
  }
});

describe('methods page', () => {
  for (const lang of LANGS) {
    for (const [vpName, viewport] of [['phone', PHONE], ['desktop', DESKTOP]]) {
      test(`${lang} ${vpName}: reached from the footer and the comparison page, axe finds nothing`, async () => {
        const { context, page } = await open(`/${lang}/compare/`, { viewport });
        try {
          const fromCompare = await page.locator('.compare-methods a').getAttribute('href');
          const fromFooter = await page.locator('.footer-methods a').getAttribute('href');
          assert.equal(fromCompare, `/${lang}/about/methods/`);
          assert.equal(fromFooter, fromCompare);
          await page.goto(atlas.server.url + fromFooter, { waitUntil: 'load' });
          assert.equal(await page.locator('h1').count(), 1);
          const violations = await axeViolations(page);
          assert.equal(violations.length, 0, describeViolations(violations));
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `methods is ${overflow}px wider than the screen`);
        } finally {
          await context.close();
        }
      });
    }
  }
});
