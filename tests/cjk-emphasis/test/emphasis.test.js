// atlas's Chinese emphasis against markdown-it with markdown-it-cjk-friendly (the reference
// implementation of CommonMark's CJK-friendly amendments), on the generated corpus.
//
// Run: npm ci && npm test (in tests/cjk-emphasis/). It builds atlas's example
// render-markdown with cargo and feeds it every case as JSON.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import MarkdownIt from "markdown-it";
import cjkFriendly from "markdown-it-cjk-friendly";
import { corpus } from "../corpus.js";
import { EXPECTED_DIFFERENCES } from "../expected-differences.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** atlas's HTML for each case, from `cargo run --example render-markdown`. */
function atlasHtml(cases) {
  const out = execFileSync(
    "cargo",
    ["run", "--quiet", "--example", "render-markdown"],
    { cwd: repo, input: JSON.stringify(cases), maxBuffer: 1 << 28, stdio: ["pipe", "pipe", "inherit"] },
  );
  return JSON.parse(out.toString("utf8"));
}

const md = new MarkdownIt({ html: true, linkify: false, typographer: false }).use(cjkFriendly);

/**
 * The same normalisation for both: heading ids dropped (atlas adds them), white space
 * between tags dropped (the two lay out tables and lists differently), `&quot;` and `"`
 * made one, strikethrough written `<del>` (markdown-it writes `<s>`).
 */
export function normalise(html) {
  return html
    .replace(/<(h[1-6]) id="[^"]*">/g, "<$1>")
    .replace(/<(\/?)s>/g, "<$1del>")
    .replace(/>\s+</g, "><")
    .replace(/&quot;/g, '"')
    .trim();
}

const cases = corpus();
const ours = atlasHtml(cases);

test("the corpus is large and atlas answered every case", () => {
  assert.ok(cases.length > 500, `only ${cases.length} cases`);
  assert.equal(ours.length, cases.length);
});

test("atlas agrees with markdown-it-cjk-friendly except where listed", () => {
  const disagree = [];
  const listedButAgree = [];
  let agreed = 0;
  cases.forEach((c, i) => {
    const a = normalise(ours[i]);
    const b = normalise(md.render(c));
    const listed = EXPECTED_DIFFERENCES.has(c);
    if (a === b) {
      agreed += 1;
      if (listed) listedButAgree.push(c);
    } else if (!listed) {
      disagree.push({ case: c, atlas: a, markdownIt: b });
    }
  });
  if (process.env.CJK_DIFF_OUT) {
    writeFileSync(process.env.CJK_DIFF_OUT, JSON.stringify(disagree, null, 1));
  }
  console.log(
    `${cases.length} cases: ${agreed} agree, ${cases.length - agreed} differ as listed in expected-differences.js`,
  );
  assert.deepEqual(disagree, [], `${disagree.length} cases differ and are not listed`);
  assert.deepEqual(listedButAgree, [], "listed as different, but they agree: remove them from the list");
});

test("every listed difference is in the corpus", () => {
  const all = new Set(cases);
  const missing = [...EXPECTED_DIFFERENCES.keys()].filter((c) => !all.has(c));
  assert.deepEqual(missing, []);
});
