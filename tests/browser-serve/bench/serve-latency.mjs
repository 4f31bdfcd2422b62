// Measures `atlas serve`: the time from saving a Markdown file to the live-reload message
// (Server-Sent Events, the message a browser's EventSource receives) that names the page.
//
// Usage: npm --prefix tests/browser-serve run bench:serve -- [--pages N] [--edits N] [--debug]
//   Runs two sites: a copy of the repository's own site, and a generated site of N pages
//   (default 2000). Uses the release binary unless --debug (or $ATLAS_BIN).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, atlasBinary, save, startServer } from '../lib/serve.mjs';
import { generateSite } from './gen-site.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const PAGES = opt('--pages', 2000);
const EDITS = opt('--edits', 20);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** An SSE client; `next(pred)` resolves with the first later message that matches. */
async function events(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  const waiting = [];
  let buf = '';
  (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const now = performance.now();
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const chunk = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = chunk.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (!data) continue;
        const msg = JSON.parse(data);
        for (const w of [...waiting]) {
          if (w.pred(msg)) {
            waiting.splice(waiting.indexOf(w), 1);
            w.resolve({ msg, at: now });
          }
        }
      }
    }
  })();
  return {
    next: (pred, timeoutMs = 30000) => new Promise((resolve, reject) => {
      const w = { pred, resolve };
      waiting.push(w);
      setTimeout(() => {
        const i = waiting.indexOf(w);
        if (i >= 0) { waiting.splice(i, 1); reject(new Error('no message in time')); }
      }, timeoutMs);
    }),
    close: () => reader.cancel(),
  };
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, min: s[0], median: q(0.5), p90: q(0.9), max: s[s.length - 1] };
}

async function measure(label, bin, root, file, url) {
  const server = await startServer(bin, root);
  const ev = await events(`${server.origin}${server.base}__atlas/events`);
  await ev.next((m) => m.type === 'hello');
  const full = path.join(root, file);
  const original = fs.readFileSync(full, 'utf8');
  const times = [];
  const pageUrl = `${server.base}${url}`;
  await sleep(500);
  // The language's search index: `<lang>/search/index.json` and its shards beside it (older
  // servers: `<lang>/search-index.json`).
  const lang = url.split('/')[0];
  const isIndex = (u) => u === `${server.base}${lang}/search-index.json`
    || (u.startsWith(`${server.base}${lang}/search/`) && u.endsWith('.json'));
  const indexTimes = [];
  for (let i = 0; i < EDITS; i++) {
    const text = `${original}\nMeasured edit number ${i} at ${Date.now()}.\n`;
    const got = ev.next((m) => m.type === 'build' && m.changed.includes(pageUrl));
    // The server publishes the pages first, then the language's search index (which holds
    // every page's text); the next edit waits for both, so that each edit starts from an
    // idle server.
    const index = ev.next((m) => m.type === 'build' && m.changed.some(isIndex), 10000)
      .catch(() => null);
    const t0 = performance.now();
    save(full, text);
    const { at } = await got;
    times.push(at - t0);
    const idx = await index;
    if (idx) indexTimes.push(idx.at - t0);
    await sleep(300);
  }
  ev.close();
  const rebuilt = [...server.log().matchAll(/Rebuilt (\d+) of (\d+) outputs in (\d+) ms \(load (\d+) ms, render (\d+) ms\)/g)]
    .map((m) => m.slice(1).map(Number));
  await server.stop();
  const s = stats(times);
  const r = rebuilt.slice(-EDITS);
  const inner = stats(r.map((x) => x[2]));
  const load = stats(r.map((x) => x[3]));
  const render = stats(r.map((x) => x[4]));
  console.log(`\n${label}: ${r[0]?.[1]} outputs; edited ${file} ${s.n} times; ${r[0]?.[0]} outputs re-rendered per edit`);
  console.log(`  save → reload message: median ${s.median.toFixed(1)} ms, p90 ${s.p90.toFixed(1)} ms, min ${s.min.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`);
  console.log(`  rebuild as printed by the server: median ${inner.median} ms, p90 ${inner.p90} ms (load: median ${load.median} ms, p90 ${load.p90} ms; render: median ${render.median} ms), max ${inner.max} ms`);
  if (indexTimes.length) {
    const x = stats(indexTimes);
    const late = [...server.log().matchAll(/Then rendered \d+ search index\(es\) in (\d+) ms/g)].map((m) => Number(m[1])).slice(-EDITS);
    const l = stats(late);
    const after = late.length
      ? `index rendered after the pages in median ${l.median} ms, p90 ${l.p90} ms`
      : 'index announced with the page';
    console.log(`  save → search index message (${x.n} of ${EDITS} edits): median ${x.median.toFixed(1)} ms, p90 ${x.p90.toFixed(1)} ms, max ${x.max.toFixed(1)} ms; ${after}`);
  }
  return s;
}

const bin = atlasBinary({ release: !argv.includes('--debug') });
console.log(`binary: ${bin}`);
console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-bench-serve-'));
try {
  const own = path.join(work, 'own');
  fs.mkdirSync(own);
  for (const part of ['atlas.toml', 'content', 'data', 'themes']) {
    fs.cpSync(path.join(REPO, part), path.join(own, part), { recursive: true, dereference: true });
  }
  await measure('repository site', bin, own, 'content/regions/beijing.en.md', 'en/regions/beijing/');
  const gen = path.join(work, 'gen');
  const n = generateSite(REPO, gen, PAGES);
  await measure(`generated site (${n} Markdown files)`, bin, gen, 'content/regions/beijing-g3.en.md', 'en/regions/beijing-g3/');
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
console.log(`\nload average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
