// Ad-hoc screenshots for design work: node shoot.mjs <dir-or-build> <outdir> path[@width] ...
import { serve } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';
import { buildSite } from './lib/site.mjs';
import fs from 'node:fs';
import path from 'node:path';

const [outdir, ...pages] = process.argv.slice(2);
const site = buildSite();
const srv = await serve(site.out);
const browser = await launch();
fs.mkdirSync(outdir, { recursive: true });
for (const spec of pages) {
  const [p, w = '1280', full = ''] = spec.split('@');
  const width = Number(w);
  const ctx = await browser.newContext({ viewport: { width, height: width < 600 ? 800 : 900 }, colorScheme: process.env.SCHEME || 'light' });
  const page = await ctx.newPage();
  await page.goto(srv.url + p);
  const name = (p.replace(/[\/]+/g, '_') || 'root') + `-${width}${full ? '-' + full.replace(/[^a-z]/g, '') : ''}.png`;
  if (full && full !== 'full') await page.locator(full).first().screenshot({ path: path.join(outdir, name) });
  else await page.screenshot({ path: path.join(outdir, name), fullPage: !!full });
  await ctx.close();
  console.log(name);
}
await browser.close();
await srv.close();
site.cleanup();
