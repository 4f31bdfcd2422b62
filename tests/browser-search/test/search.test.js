// End to end: build the repository's own site with the atlas binary, serve it from a tiny
// static server on 127.0.0.1, and search it in headless Chromium as a reader would.
//
//   npm --prefix tests/browser-search ci && npm --prefix tests/browser-search test
//
// Environment: CHROMIUM (default /usr/bin/chromium), CARGO_TARGET_DIR (default <repo>/target),
// ATLAS_SKIP_CARGO_BUILD=1 to use an atlas binary that is already built.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { execFileSync } = require('node:child_process');
const { chromium } = require('playwright-core');
const search = require('../../../themes/atlas/static/search.js');

const REPO = path.resolve(__dirname, '..', '..', '..');
const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(REPO, 'target');
const EXE = process.platform === 'win32' ? '.exe' : '';
const ATLAS = path.join(TARGET, 'debug', 'atlas' + EXE);
const GEN_SITE = path.join(TARGET, 'debug', 'examples', 'gen-site' + EXE);
/* The generated site: large enough for an index of several term shards and text chunks. */
const GEN_PAGES = 300;
const RARE = '龘靐齉';
const RARE_PAGES = [];
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.css': 'text/css; charset=utf-8', '.xml': 'application/xml',
  '.svg': 'image/svg+xml', '.csv': 'text/csv; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
};

function serve(dir) {
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(dir, path.normalize(p));
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(fs.readFileSync(path.join(dir, '404.html')));
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let out, server, base, browser, gen, genServer, genBase;
const timings = [];

test.before(async () => {
  if (!process.env.ATLAS_SKIP_CARGO_BUILD) {
    execFileSync('cargo', ['build', '--quiet', '--bin', 'atlas', '--example', 'gen-site'], { cwd: REPO, stdio: 'inherit' });
  }
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-search-'));
  const tmp = out;
  const site = path.join(out, 'site');
  execFileSync(ATLAS, ['build', '--root', REPO, '--output-dir', site], { stdio: ['ignore', 'ignore', 'inherit'] });
  out = site;
  server = await serve(out);
  base = `http://127.0.0.1:${server.address().port}`;
  // A generated site of GEN_PAGES pages per language.
  execFileSync(GEN_SITE, [String(GEN_PAGES), path.join(tmp, 'gen-src')], { stdio: ['ignore', 'ignore', 'inherit'] });
  // Rare characters in 15 Chinese pages spread over the site: the run RARE in 3 of them, its
  // two bigrams apart in the other 12 (pages the bigrams find and the text must rule out).
  const regions = path.join(tmp, 'gen-src', 'content', 'regions');
  fs.readdirSync(regions).filter((f) => /^r\d+\.zh\.md$/.test(f)).sort().filter((f, i) => i % 10 === 0).slice(0, 15).forEach((f, i) => {
    const [a, b, c] = Array.from(RARE);
    fs.appendFileSync(path.join(regions, f), i % 5 === 0 ? `\n\n这里有${RARE}。\n` : `\n\n这里有${a}${b}，还有${b}${c}。\n`);
    if (i % 5 === 0) RARE_PAGES.push(`/zh/regions/${f.split('.')[0]}/`);
  });
  gen = path.join(tmp, 'gen');
  execFileSync(ATLAS, ['build', '--root', path.join(tmp, 'gen-src'), '--output-dir', gen], { stdio: ['ignore', 'ignore', 'ignore'] });
  genServer = await serve(gen);
  genBase = `http://127.0.0.1:${genServer.address().port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
});

test.after(async () => {
  if (browser) await browser.close();
  if (server) server.close();
  if (genServer) genServer.close();
  if (out) fs.rmSync(path.dirname(out), { recursive: true, force: true });
  if (timings.length) {
    const ms = timings.map((t) => t.firstResults).sort((a, b) => a - b);
    console.log('# search timings from focus, ms: search.js running / index ready / first results shown');
    for (const t of timings) console.log(`#   ${t.lang} ${JSON.stringify(t.query)}: ${t.script.toFixed(1)} / ${t.ready.toFixed(1)} / ${t.firstResults.toFixed(1)}`);
    console.log(`#   first results over ${ms.length} loads: median ${ms[ms.length >> 1].toFixed(1)} ms, ` +
      `90th percentile ${ms[Math.floor(ms.length * 0.9)].toFixed(1)} ms, max ${ms[ms.length - 1].toFixed(1)} ms`);
  }
});

/* Opens a page, types a query into the header box, and returns what the reader sees. */
async function searchBox(lang, query, { from = 'regions/beijing/', type = true, at = base } = {}) {
  const page = await browser.newPage();
  try {
    await page.goto(`${at}/${lang}/${from}`);
    const loadedBefore = await page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/search.js')));
    assert.strictEqual(loadedBefore, false, 'search.js is fetched only when the box is focused');
    const input = page.locator('header [data-search-box] input[type=search]');
    if (type) {
      await input.click();
      await page.keyboard.type(query);
    } else {
      await input.fill(query); // focus and the whole query at once: for timing
    }
    await page.waitForFunction((q) => {
      const b = document.querySelector('header [data-search-box]');
      return b && b.getAttribute('data-search-shown') === q;
    }, query, { timeout: 10000 });
    const seen = await page.evaluate(() => {
      const panel = document.querySelector('header .search-panel');
      const mark = (n) => { const e = performance.getEntriesByName(n)[0]; return e ? e.startTime : null; };
      return {
        visible: panel && !panel.hidden,
        status: panel.querySelector('.search-status').textContent,
        results: Array.from(panel.querySelectorAll('.search-result a')).map((a) => ({
          url: new URL(a.href).pathname,
          title: a.querySelector('.search-result-title').textContent,
          section: (a.querySelector('.search-result-section') || {}).textContent || '',
          snippet: a.querySelector('.search-result-snippet').textContent,
          marks: Array.from(a.querySelectorAll('mark')).map((m) => m.textContent),
        })),
        focus: mark('atlas-search-focus'), script: mark('atlas-search-script'), ready: mark('atlas-search-ready'), first: mark('atlas-search-first-results'),
        /* What was downloaded for the search: path and bytes. */
        loaded: performance.getEntriesByType('resource').map((e) => ({ path: new URL(e.name).pathname, bytes: e.encodedBodySize }))
          .filter((e) => e.path.includes('/search/') || e.path.endsWith('search.js')),
      };
    });
    return seen;
  } finally {
    await page.close();
  }
}

/* The index of one language as written (one file, or a manifest with term shards and text
 * chunks), read back whole: docs as [url, title, section, names, description, body], words
 * and bigrams as term → posting list, and the size of every file. */
function readIndex(dir, lang) {
  const folder = path.join(dir, lang, 'search');
  const read = (f) => JSON.parse(fs.readFileSync(path.join(folder, f), 'utf8'));
  const m = read('index.json');
  assert.strictEqual(m.version, search.FORMAT_VERSION);
  const shards = m.terms ? [m.terms] : Array.from({ length: m.shards }, (_, k) => read(`terms-${k}.json`));
  const texts = m.text ? [{ first: 0, docs: m.text }] : m.chunks.map((_, k) => read(`text-${k}.json`));
  const docs = m.docs.map((d) => d.slice());
  texts.forEach((c) => c.docs.forEach((t, i) => docs[c.first + i].push(...t)));
  const words = {}, grams = {};
  shards.forEach((sh) => { Object.assign(words, sh.w); Object.assign(grams, sh.g); });
  const sizes = {};
  for (const f of fs.readdirSync(folder)) if (f.endsWith('.json')) sizes[f] = fs.statSync(path.join(folder, f)).size;
  return { manifest: m, docs, words, grams, sizes, chunkOf: (d) => m.chunks.filter((f) => f <= d).length - 1 };
}

/* Pages of the built index whose text contains the query verbatim (normalised). */
function pagesContaining(lang, query, dir = out) {
  const idx = readIndex(dir, lang);
  const q = search.normalize(query);
  return idx.docs.filter((d) => search.normalize([d[1], d[3], d[4], d[5]].join(' ')).includes(q)).map((d) => d[0]);
}

const CASES = [
  // [lang, query, page that must come first, pages that must be found]
  ['zh', '骨关节炎', null, () => pagesContaining('zh', '骨关节炎')],
  ['zh', '移植物抗宿主病', '/zh/drugs/aimimaituosai/', () => pagesContaining('zh', '移植物抗宿主病')],
  ['zh', '博鳌', '/zh/regions/hainan-boao/', () => ['/zh/regions/hainan-boao/']],
  ['en', 'graft-versus-host', '/en/drugs/aimimaituosai/', () => pagesContaining('en', 'graft-versus-host')],
  ['en', 'Shenzhen regulations', '/en/regions/shenzhen/', () => ['/en/regions/shenzhen/']],
  ['zh', 'Ryoncil', '/zh/drugs/ryoncil/', () => ['/zh/drugs/ryoncil/']],
  ['en', 'Ryoncil', '/en/drugs/ryoncil/', () => ['/en/drugs/ryoncil/']],
  // Names of the other language: a spelling variant only in [drug] aliases, a Chinese name.
  ['zh', 'Amimatosa', '/zh/drugs/aimimaituosai/', () => ['/zh/drugs/aimimaituosai/']],
  ['zh', 'Shenzhen', '/zh/regions/shenzhen/', () => ['/zh/regions/shenzhen/']],
  ['en', '深圳', '/en/regions/shenzhen/', () => ['/en/regions/shenzhen/']],
  // Two words typed together, neither side by side in the text.
  ['zh', '深圳条例', '/zh/regions/shenzhen/', () => ['/zh/regions/shenzhen/']],
];

for (const [lang, query, first, expected] of CASES) {
  test(`${lang}: "${query}" finds its pages`, async () => {
    const seen = await searchBox(lang, query);
    assert.ok(seen.visible, 'the results panel is open');
    assert.ok(seen.results.length > 0, `no results: ${seen.status}`);
    const urls = seen.results.map((r) => r.url);
    const want = expected();
    assert.ok(want.length > 0, `the content has no page with ${query}`);
    for (const u of want.slice(0, 8)) assert.ok(urls.includes(u), `${u} missing from ${urls.join(' ')}`);
    if (first) assert.strictEqual(urls[0], first);
    for (const r of seen.results) {
      assert.ok(r.title.length > 0 && r.section.length > 0, `title and section: ${JSON.stringify(r)}`);
      assert.ok(r.snippet.length > 0, `snippet: ${JSON.stringify(r)}`);
    }
    // The best result shows where the query is, highlighted.
    assert.ok(seen.results[0].marks.length > 0, `no highlight in ${JSON.stringify(seen.results[0])}`);
    // The index of this small site is one file.
    assert.deepStrictEqual(seen.loaded.filter((e) => e.path.includes('/search/')).map((e) => e.path), [`/${lang}/search/index.json`]);
  });
}

test('a query with no match says so in the reader\'s language', async () => {
  const zh = await searchBox('zh', '火星殖民');
  assert.deepStrictEqual(zh.results, []);
  assert.strictEqual(zh.status, '没有找到与“火星殖民”相关的页面。');
  const en = await searchBox('en', 'quantum gravity');
  assert.deepStrictEqual(en.results, []);
  assert.strictEqual(en.status, 'No results for “quantum gravity”.');
});

test('a query with no searchable terms (one letter, punctuation) says "no results", with no script error', async () => {
  for (const [lang, query, status] of [
    ['en', 'z', 'No results for “z”.'],
    ['en', '<', 'No results for “<”.'],
    ['en', '-', 'No results for “-”.'],
    ['zh', '-', '没有找到与“-”相关的页面。'],
  ]) {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      await page.goto(`${base}/${lang}/regions/beijing/`);
      await page.locator('header [data-search-box] input[type=search]').click();
      await page.keyboard.type(query);
      await page.waitForFunction((q) => {
        const b = document.querySelector('header [data-search-box]');
        return b && b.getAttribute('data-search-shown') === q;
      }, query, { timeout: 10000 });
      const got = await page.evaluate(() => ({
        status: document.querySelector('header .search-panel .search-status').textContent,
        results: document.querySelectorAll('header .search-panel .search-result').length,
      }));
      assert.deepStrictEqual(got, { status, results: 0 }, `${lang} "${query}"`);
      // The search page with the query in its address says the same.
      await page.goto(`${base}/${lang}/search/?q=${encodeURIComponent(query)}`);
      await page.waitForFunction(() => {
        const s = document.querySelector('main .search-status');
        return s && s.textContent.length > 0 && !/…|\.\.\./.test(s.textContent);
      }, null, { timeout: 10000 });
      assert.strictEqual(await page.locator('main .search-status').first().textContent(), status, `search page, ${lang} "${query}"`);
      assert.deepStrictEqual(errors, [], `script errors for ${lang} "${query}"`);
    } finally {
      await page.close();
    }
  }
});

test('loading and first results: timing from focus (reported, not asserted)', async () => {
  const queries = [['zh', '骨关节炎'], ['zh', '博鳌'], ['en', 'graft-versus-host'], ['en', 'Shenzhen regulations'], ['zh', 'Ryoncil']];
  for (const [lang, query] of [...queries, ...queries, ...queries]) {
    const seen = await searchBox(lang, query, { type: false, from: '' });
    assert.ok(seen.results.length > 0);
    assert.ok(seen.focus !== null && seen.ready !== null && seen.first !== null, JSON.stringify(seen));
    timings.push({ lang, query, script: seen.script - seen.focus, ready: seen.ready - seen.focus, firstResults: seen.first - seen.focus });
  }
});

test('keyboard: arrow down to a result, Enter opens it', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${base}/en/`);
    await page.locator('header [data-search-box] input').click();
    await page.keyboard.type('Ryoncil');
    await page.waitForSelector('header .search-result a');
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => new URL(document.activeElement.href).pathname);
    assert.strictEqual(focused, '/en/drugs/ryoncil/');
    // Escape closes the results and goes back to the box; Arrow Down opens them again.
    await page.keyboard.press('Escape');
    assert.strictEqual(await page.locator('header .search-panel').isVisible(), false);
    assert.strictEqual(await page.evaluate(() => document.activeElement.type), 'search');
    await page.keyboard.press('ArrowDown');
    assert.strictEqual(await page.evaluate(() => new URL(document.activeElement.href).pathname), '/en/drugs/ryoncil/');
    await Promise.all([page.waitForURL(`${base}/en/drugs/ryoncil/`), page.keyboard.press('Enter')]);
    // Enter in the box itself leads to the search page with the query.
    await page.locator('header [data-search-box] input').click();
    await page.keyboard.type('博鳌');
    await Promise.all([page.waitForURL(/\/en\/search\/\?q=/), page.keyboard.press('Enter')]);
    await page.waitForFunction(() => document.querySelector('[data-search-page]').getAttribute('data-search-shown') === '博鳌');
    const urls = await page.$$eval('.search-page-results .search-result a', (as) => as.map((a) => new URL(a.href).pathname));
    assert.strictEqual(urls[0], '/en/regions/hainan-boao/');
  } finally {
    await page.close();
  }
});

test('the search page: full results with JavaScript, the query kept in the address', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${base}/zh/search/?q=${encodeURIComponent('干细胞')}`);
    await page.waitForFunction(() => document.querySelector('[data-search-page]').getAttribute('data-search-shown') === '干细胞');
    const n = await page.$$eval('.search-page-results .search-result', (l) => l.length);
    assert.ok(n > 8, `${n} results for 干细胞 (the page shows them all)`);
    assert.strictEqual(await page.locator('[data-search-nojs]').isVisible(), false);
    // One search box on the search page: none in the header.
    assert.strictEqual(await page.locator('input[type=search]').count(), 1);
    assert.strictEqual(await page.locator('header [data-search-box]').count(), 0);
    await page.locator('.search-page-form input').fill('移植物抗宿主病');
    await page.waitForFunction(() => document.querySelector('[data-search-page]').getAttribute('data-search-shown') === '移植物抗宿主病');
    assert.strictEqual(new URL(page.url()).searchParams.get('q'), '移植物抗宿主病');
    const first = await page.$eval('.search-page-results .search-result a', (a) => new URL(a.href).pathname);
    assert.strictEqual(first, '/zh/drugs/aimimaituosai/');
  } finally {
    await page.close();
  }
});

test('the language switcher on the search page keeps the query', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${base}/en/search/?q=${encodeURIComponent('Ryoncil')}`);
    await page.waitForFunction(() => document.querySelector('[data-search-page]').getAttribute('data-search-shown') === 'Ryoncil');
    await Promise.all([page.waitForURL(/\/zh\/search\//), page.click('.lang-switcher a[hreflang="zh-Hans"]')]);
    assert.strictEqual(new URL(page.url()).searchParams.get('q'), 'Ryoncil');
    await page.waitForFunction(() => document.querySelector('[data-search-page]').getAttribute('data-search-shown') === 'Ryoncil');
    const urls = await page.$$eval('.search-page-results .search-result a', (as) => as.map((a) => new URL(a.href).pathname));
    assert.ok(urls.includes('/zh/drugs/ryoncil/'), urls.join(' '));
  } finally {
    await page.close();
  }
});

test('without JavaScript: the box is a link to the search page, which lists every page', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    for (const lang of ['zh', 'en']) {
      await page.goto(`${base}/${lang}/regions/shenzhen/`);
      assert.strictEqual(await page.locator('header [data-search-box] input').count(), 0);
      const link = page.locator('header [data-search-box] a');
      assert.strictEqual(await link.isVisible(), true);
      await Promise.all([page.waitForURL(`${base}/${lang}/search/`), link.click()]);
      assert.strictEqual(await page.locator('[data-search-nojs]').isVisible(), true);
      assert.strictEqual(await page.locator('.search-page-form').isVisible(), false);
      const listed = await page.$$eval('.search-browse a', (as) => as.map((a) => new URL(a.href).pathname));
      const idx = readIndex(out, lang);
      for (const d of idx.docs) {
        if (d[0].split('/').length > 4) assert.ok(listed.includes(d[0]), `${d[0]} is not listed on the search page`);
      }
      assert.ok(listed.includes('/sitemap.xml'));
    }
  } finally {
    await context.close();
  }
});

test('every word of the site stems in search.js to a term of the index', () => {
  // The index was stemmed by rust-stemmers at build time; a query is stemmed here.
  for (const lang of ['zh', 'en']) {
    const idx = readIndex(out, lang);
    const missing = new Set();
    let words = 0;
    for (const d of idx.docs) {
      for (const field of [d[1], d[3], d[4], d[5]]) {
        for (const r of search.runs(search.normalize(field))) {
          if (r.k !== 'w' || Array.from(r.s).length < 2) continue;
          words++;
          if (!Object.prototype.hasOwnProperty.call(idx.words, search.stem(r.s))) missing.add(r.s);
        }
      }
    }
    assert.ok(words > 100, `${lang}: ${words} words`);
    assert.deepStrictEqual([...missing], [], `${lang}: words whose stem is not in the index`);
  }
});

/* ---------- A site large enough for a split index ---------- */

const decode = (s) => search.Index.prototype.decode.call(null, s);
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

test('generated site: the index is split into term shards and text chunks', () => {
  for (const lang of ['zh', 'en']) {
    const idx = readIndex(gen, lang);
    const m = idx.manifest;
    assert.ok(m.shards > 1 && m.chunks.length > 8, `${lang}: ${m.shards} shards, ${m.chunks.length} chunks`);
    assert.strictEqual(m.terms, undefined);
    assert.strictEqual(idx.docs.length, m.docs.length);
    assert.ok(idx.docs.every((d) => d.length === 6), 'every document has its text');
    // Every term is in the shard search.js computes for it.
    for (let k = 0; k < m.shards; k++) {
      const sh = JSON.parse(fs.readFileSync(path.join(gen, lang, 'search', `terms-${k}.json`), 'utf8'));
      for (const t of [...Object.keys(sh.w), ...Object.keys(sh.g)]) assert.strictEqual(search.shardOf(t, m.shards), k, t);
    }
  }
});

test('generated site: English words load their shards and the text of the results shown, not the index', async () => {
  const query = 'Neurostem regulatory';
  const idx = readIndex(gen, 'en');
  const seen = await searchBox('en', query, { from: '', at: genBase });
  assert.ok(seen.results.length > 0, seen.status);
  assert.match(seen.results[0].title, /Neurostem/);
  // Every result has a word of each stem, and a highlighted snippet.
  const stems = ['neurostem', 'regulatory'].map((w) => search.stem(w));
  for (const r of seen.results) {
    const d = idx.docs.find((x) => x[0] === r.url);
    const have = new Set(search.runs(search.normalize([d[1], d[3], d[4], d[5]].join(' '))).map((x) => search.stem(x.s)));
    for (const st of stems) assert.ok(have.has(st), `${r.url} has no word of ${st}`);
    assert.ok(r.snippet.length > 0 && r.marks.length > 0, JSON.stringify(r));
  }
  const files = seen.loaded.filter((e) => e.path.startsWith('/en/search/'));
  const shards = files.filter((e) => /terms-\d+\.json$/.test(e.path)).map((e) => Number(e.path.match(/(\d+)\.json$/)[1]));
  const want = new Set(['neurostem', 'regulatory'].flatMap((w) => [w, search.stem(w)]).map((t) => search.shardOf(t, idx.manifest.shards)));
  assert.ok(shards.length > 0 && shards.every((k) => want.has(k)), `shards ${shards} of ${[...want]}`);
  const chunks = files.filter((e) => /text-\d+\.json$/.test(e.path));
  assert.ok(chunks.length > 0 && chunks.length <= 8, `${chunks.length} text chunks`);
  const got = files.reduce((a, e) => a + e.bytes, 0);
  const total = Object.values(idx.sizes).reduce((a, b) => a + b, 0);
  console.log(`# generated site (${GEN_PAGES} pages), en ${JSON.stringify(query)}: ${files.length} files, ${kib(got)} of ${kib(total)}`);
  assert.ok(got < total / 4, `${got} of ${total} bytes downloaded`);
});

test('generated site: a Chinese run scored from its bigrams is checked in the text of the results', async () => {
  const idx = readIndex(gen, 'zh');
  // What the test relies on: the bigrams find 15 pages over more text chunks than a query
  // loads to score exactly (8), and no word of the index starts the run (so no page can match
  // by its words without the run itself).
  const cands = [...new Set(decode(idx.grams[RARE.slice(0, 2)]).keys())].filter((d) => decode(idx.grams[RARE.slice(1)]).has(d));
  assert.strictEqual(cands.length, 15);
  assert.ok(new Set(cands.map(idx.chunkOf)).size > 8);
  assert.ok(!Object.keys(idx.words).some((w) => w.startsWith(RARE.slice(0, 2)) || w.startsWith(RARE.slice(1, 3))));
  assert.strictEqual(RARE_PAGES.length, 3);
  assert.deepStrictEqual(pagesContaining('zh', RARE, gen).sort(), [...RARE_PAGES].sort());
  const seen = await searchBox('zh', RARE, { from: '', at: genBase });
  console.log(`# generated site, zh ${JSON.stringify(RARE)}: ${cands.length} pages by bigrams, ${RARE_PAGES.length} with the run; ` +
    `${seen.loaded.filter((e) => e.path.includes('/text-')).length} text chunks loaded; status "${seen.status}"`);
  assert.deepStrictEqual(seen.results.map((r) => r.url).sort(), [...RARE_PAGES].sort());
  assert.strictEqual(seen.status, '找到 3 个页面');
  for (const r of seen.results) assert.deepStrictEqual(r.marks, [RARE], JSON.stringify(r));
  // A common word: results at once from the bigrams' weights, each checked in its text.
  const common = await searchBox('zh', '干细胞', { from: '', at: genBase });
  assert.strictEqual(common.results.length, 8, common.status);
  for (const r of common.results) assert.ok(r.marks.includes('干细胞'), JSON.stringify(r));
  const chunks = common.loaded.filter((e) => e.path.includes('/text-')).length;
  assert.ok(chunks <= 8, `${chunks} text chunks for 8 results`);
});

test('generated site: the search page shows results in batches as the reader scrolls', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${genBase}/en/search/?q=stem`);
    await page.waitForFunction(() => document.querySelector('[data-search-page]').getAttribute('data-search-shown') === 'stem');
    const count = () => page.$$eval('.search-page-results .search-result', (l) => l.length);
    const first = await count();
    const status = await page.textContent('.search-page-results .search-status');
    const total = Number(status.match(/\d+/)[0]);
    assert.ok(total > 100, status);
    assert.ok(first >= 50 && first < total, `${first} of ${total} shown at first`);
    for (let i = 0; i < 20 && (await count()) < total; i++) {
      await page.evaluate(() => document.querySelector('.search-page-results .search-result:last-child').scrollIntoView());
      await page.waitForTimeout(150);
    }
    assert.strictEqual(await count(), total);
    const urls = await page.$$eval('.search-page-results .search-result a', (as) => as.map((a) => a.getAttribute('href')));
    assert.strictEqual(new Set(urls).size, urls.length, 'no result twice');
  } finally {
    await page.close();
  }
});
