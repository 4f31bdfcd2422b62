// Generates a synthetic atlas site of about N output pages for measurements, by copying the
// repository's own content pages under new names (regions/beijing-g7.en.md, ...).
// Usage: node gen-site.mjs <repo-root> <dest-dir> <pages>
import fs from 'node:fs';
import path from 'node:path';

export function generateSite(repo, dest, pages) {
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  fs.copyFileSync(path.join(repo, 'atlas.toml'), path.join(dest, 'atlas.toml'));
  fs.cpSync(path.join(repo, 'data'), path.join(dest, 'data'), { recursive: true });
  fs.cpSync(path.join(repo, 'content'), path.join(dest, 'content'), { recursive: true });
  fs.cpSync(path.join(repo, 'themes'), path.join(dest, 'themes'), { recursive: true, dereference: true });
  const originals = [];
  for (const section of fs.readdirSync(path.join(dest, 'content'))) {
    const dir = path.join(dest, 'content', section);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const name of fs.readdirSync(dir)) {
      if (name.endsWith('.md') && !name.startsWith('_index')) originals.push([section, name]);
    }
  }
  originals.sort();
  // Every Markdown file is one output page per language it is shown in; both languages exist
  // for every page of the repository, so files ≈ pages.
  let count = fs.readdirSync(path.join(dest, 'content'), { recursive: true })
    .filter((n) => String(n).endsWith('.md')).length;
  for (let g = 1; count < pages; g++) {
    for (const [section, name] of originals) {
      if (count >= pages) break;
      const m = name.match(/^(.*)\.([a-z]+)\.md$/);
      const text = fs.readFileSync(path.join(dest, 'content', section, name), 'utf8');
      const copy = text.replace(/^title = "(.*)"$/m, (_, t) => `title = "${t} (copy ${g})"`);
      fs.writeFileSync(path.join(dest, 'content', section, `${m[1]}-g${g}.${m[2]}.md`), copy);
      count++;
    }
  }
  return count;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [repo, dest, pages] = process.argv.slice(2);
  if (!repo || !dest || !pages) {
    console.error('usage: node gen-site.mjs <repo-root> <dest-dir> <pages>');
    process.exit(2);
  }
  const n = generateSite(path.resolve(repo), path.resolve(dest), Number(pages));
  console.log(`generated ${n} Markdown files in ${dest}`);
}
