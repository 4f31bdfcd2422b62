// search.js's stemmer gives the stems of the rust-stemmers crate (the same vectors are checked
// against the crate by tests/search.rs).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const search = require('../../../themes/atlas/static/search.js');

test('Porter 2 stems match the Rust build', () => {
  const lines = fs.readFileSync(path.join(__dirname, '..', 'stem-vectors.tsv'), 'utf8')
    .split('\n').filter((l) => l && !l.startsWith('#'));
  assert.ok(lines.length > 200);
  const wrong = [];
  for (const line of lines) {
    const [word, stem] = line.split('\t');
    const got = search.stem(word);
    if (got !== stem) wrong.push(`${word}: rust ${stem}, js ${got}`);
  }
  assert.deepStrictEqual(wrong, []);
});

test('normalisation and runs follow src/search/text.rs', () => {
  const norm = search.normalize('Ｒｙｏｎｃｉｌ（remestemcel-L）是 FDA 批准的');
  assert.strictEqual(norm, 'ryoncil(remestemcel-l)是 fda 批准的');
  assert.deepStrictEqual(search.runs(norm).map((r) => [r.k, r.s]), [
    ['w', 'ryoncil'], ['w', 'remestemcel'], ['w', 'l'], ['c', '是'], ['w', 'fda'], ['c', '批准的'],
  ]);
});
