//! Writing the index files of one language from its documents: terms and their posting
//! lists by shard, and the text by chunk, handed over as soon as they are complete (see
//! docs/search.md). Takes documents (made on demand, in parallel) and [`Limits`]; gives an
//! [`Output`]. Does not read the site nor write to disk.

use super::format::{Doc, FORMAT_VERSION, Limits, Output, shard_of};
use super::postings::List;
use super::segment::{CharSet, Segmenter};
use super::terms::{Analysed, FxMap, StemCache, analyse};
use super::text::is_ideograph;

/// Appends a JSON string (quoted, escaped) to `out`.
fn json_str(out: &mut Vec<u8>, s: &str) {
    // Writing to a Vec cannot fail.
    let _ = serde_json::to_writer(out, s);
}

/// The start of the text chunk whose first document is `first`.
fn chunk_header(first: usize) -> String {
    format!("{{\"version\":{FORMAT_VERSION},\"first\":{first},\"docs\":[")
}

/// Documents are analysed this many at a time (in parallel), then merged in order: the
/// transient memory is that of one batch, whatever the size of the site.
const BATCH: usize = 256;

/// The first batch is smaller: the stems it finds are shared with the documents after it
/// (each document of a batch stems the words the batches before it did not have).
const FIRST_BATCH: usize = 16;

/// Builds the index files of one language from `n` documents; `doc(k)` makes document `k`
/// (called in parallel, each once). See docs/search.md for the format.
pub fn build_files<F>(lang: &str, sections: &[String], n: usize, doc: F, limits: Limits) -> Output
where
    F: Fn(usize) -> Doc + Sync,
{
    let mut early = Vec::new();
    let mut out = build_files_to(lang, sections, n, doc, limits, &mut |p, b| {
        early.push((p, b))
    });
    early.append(&mut out.files);
    out.files = early;
    out
}

/// [`build_files`], handing each text chunk to `emit` as soon as it is full and the index is
/// known to be split (so a large site's text is never all in memory); the chunks handed
/// over are not in the returned [`Output::files`].
pub fn build_files_to<F>(
    lang: &str,
    sections: &[String],
    n: usize,
    doc: F,
    limits: Limits,
    emit: &mut dyn FnMut(String, Vec<u8>),
) -> Output
where
    F: Fn(usize) -> Doc + Sync,
{
    // The segmenter holds the dictionary words that the documents' characters can spell:
    // one pass over the documents to collect them (see `segment`).
    let chars = CharSet::of_items(n, |k, add| {
        let d = doc(k);
        for field in [&d.title, &d.names, &d.description, &d.body] {
            add(field);
        }
    });
    let segmenter = Segmenter::for_chars(chars);
    build_files_segmented(lang, sections, n, doc, limits, &segmenter, emit)
}

/// [`build_files_to`] with a segmenter made for (at least) the documents' ideographs.
pub(super) fn build_files_segmented<F>(
    lang: &str,
    sections: &[String],
    n: usize,
    doc: F,
    limits: Limits,
    segmenter: &Segmenter,
    emit: &mut dyn FnMut(String, Vec<u8>),
) -> Output
where
    F: Fn(usize) -> Doc + Sync,
{
    use rayon::prelude::*;
    let mut stems = StemCache::default();
    let mut words: FxMap<Box<str>, List> = FxMap::default();
    let mut grams: FxMap<[char; 2], List> = FxMap::default();
    // The manifest's documents, and the text chunks: (first document, items).
    let mut docs_json: Vec<u8> = Vec::with_capacity(n * 48);
    // (Emptied once handed to `emit`.)
    let mut chunks: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut emitted = 0usize;
    let dir = format!("{lang}/search");
    let mut text_bytes = 0usize;
    let mut start = 0;
    while start < n {
        let end = (start + if start == 0 { FIRST_BATCH } else { BATCH }).min(n);
        let batch: Vec<(Doc, Analysed)> = (start..end)
            .into_par_iter()
            .map(|k| {
                let d = doc(k);
                let a = analyse(&d, &stems, segmenter);
                (d, a)
            })
            .collect();
        for (k, (d, a)) in (start..end).zip(batch) {
            let mut at = 0usize;
            for &(term_end, w) in &a.words {
                let term = &a.text[at..term_end as usize];
                at = term_end as usize;
                let list = match words.get_mut(term) {
                    Some(l) => l,
                    None => words.entry(term.into()).or_default(),
                };
                list.push(k, w);
            }
            for &(g, w) in &a.grams {
                grams.entry(g).or_default().push(k, w);
            }
            for (word, s) in a.new_stems {
                stems.entry(word).or_insert(s);
            }
            if k > 0 {
                docs_json.push(b',');
            }
            docs_json.push(b'[');
            json_str(&mut docs_json, &d.url);
            docs_json.push(b',');
            json_str(&mut docs_json, &d.title);
            docs_json.extend_from_slice(format!(",{}]", d.section).as_bytes());
            // Chunks are written in their final form as they fill: no copy at the end.
            let open = matches!(chunks.last(), Some((f, c)) if c.len() - chunk_header(*f).len() < limits.chunk_bytes);
            if !open {
                if let Some((_, c)) = chunks.last_mut() {
                    c.shrink_to_fit();
                }
                // Past the size of a one-file index, the full chunks can go.
                if text_bytes + docs_json.len() > limits.inline_bytes {
                    while emitted < chunks.len() {
                        let mut f = std::mem::take(&mut chunks[emitted].1);
                        f.reserve_exact(3);
                        f.extend_from_slice(b"]}\n");
                        emit(format!("{dir}/text-{emitted}.json"), f);
                        emitted += 1;
                    }
                }
                let mut c = Vec::with_capacity(limits.chunk_bytes.saturating_add(16 * 1024));
                c.extend_from_slice(chunk_header(k).as_bytes());
                chunks.push((k, c));
            }
            let Some((first, chunk)) = chunks.last_mut() else {
                continue;
            };
            let before = chunk.len();
            if k > *first {
                chunk.push(b',');
            }
            chunk.push(b'[');
            json_str(chunk, &d.names);
            chunk.push(b',');
            json_str(chunk, &d.description);
            chunk.push(b',');
            json_str(chunk, &d.body);
            chunk.push(b']');
            text_bytes += chunk.len() - before;
        }
        start = end;
    }
    drop(stems);

    // Terms with their posting lists, and the size of their entries in a shard.
    type Terms = Vec<(Box<str>, Vec<u8>)>;
    let word_list: Terms = words.into_iter().map(|(t, l)| (t, l.digits)).collect();
    let gram_list: Terms = grams
        .into_iter()
        .map(|(g, l)| (g.iter().collect::<String>().into_boxed_str(), l.digits))
        .collect();
    let (n_words, n_grams) = (word_list.len(), gram_list.len());
    let entry_bytes =
        |list: &Terms| -> usize { list.iter().map(|(t, l)| t.len() + l.len() + 6).sum() };
    let term_bytes = entry_bytes(&word_list) + entry_bytes(&gram_list);
    let max_word = word_list
        .iter()
        .filter(|(t, _)| t.chars().next().is_some_and(is_ideograph))
        .map(|(t, _)| t.chars().count())
        .max()
        .unwrap_or(1);
    let inline = emitted == 0 && term_bytes + text_bytes + docs_json.len() <= limits.inline_bytes;
    let shards = if inline {
        1
    } else {
        term_bytes.div_ceil(limits.shard_bytes.max(1)).max(1)
    };
    // Each shard's words and bigrams; a shard's lists are freed as it is written.
    let mut buckets: Vec<(Terms, Terms)> = (0..shards).map(|_| Default::default()).collect();
    for (t, l) in word_list {
        buckets[shard_of(&t, shards)].0.push((t, l));
    }
    for (t, l) in gram_list {
        buckets[shard_of(&t, shards)].1.push((t, l));
    }

    // One shard's terms: "w":{...},"g":{...}.
    let terms_json = |out: &mut Vec<u8>, (mut w, mut g): (Terms, Terms)| {
        w.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        g.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (key, list) in [("w", w), ("g", g)] {
            out.extend_from_slice(format!("\"{key}\":{{").as_bytes());
            for (i, (t, l)) in list.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                json_str(out, &t);
                out.push(b':');
                out.push(b'"');
                out.extend_from_slice(&l);
                out.push(b'"');
            }
            out.push(b'}');
            if key == "w" {
                out.push(b',');
            }
        }
    };

    let mut m: Vec<u8> = Vec::with_capacity(docs_json.len() + 256);
    m.extend_from_slice(
        format!(
            "{{\"version\":{FORMAT_VERSION},\"lang\":{},\"maxw\":{max_word},\"shards\":{shards},\"chunks\":[",
            serde_json::Value::from(lang)
        )
        .as_bytes(),
    );
    let chunk_count = if inline { 1 } else { chunks.len() };
    if inline {
        m.push(b'0');
    } else {
        let firsts: Vec<String> = chunks.iter().map(|(f, _)| f.to_string()).collect();
        m.extend_from_slice(firsts.join(",").as_bytes());
    }
    m.extend_from_slice(b"],\"sections\":[");
    for (i, s) in sections.iter().enumerate() {
        if i > 0 {
            m.push(b',');
        }
        json_str(&mut m, s);
    }
    m.extend_from_slice(b"],\"docs\":[");
    m.extend_from_slice(&docs_json);
    m.push(b']');
    drop(docs_json);
    let mut files = Vec::new();
    if inline {
        m.extend_from_slice(b",\"terms\":{");
        for b in buckets {
            terms_json(&mut m, b);
        }
        m.extend_from_slice(b"},\"text\":[");
        for (i, (first, c)) in chunks.iter().enumerate() {
            if i > 0 {
                m.push(b',');
            }
            m.extend_from_slice(&c[chunk_header(*first).len()..]);
        }
        m.push(b']');
    } else {
        for (s, b) in buckets.into_iter().enumerate() {
            let size: usize =
                b.0.iter()
                    .chain(&b.1)
                    .map(|(t, l)| t.len() + l.len() + 6)
                    .sum();
            let mut f = Vec::with_capacity(size + 32);
            f.extend_from_slice(format!("{{\"version\":{FORMAT_VERSION},").as_bytes());
            terms_json(&mut f, b);
            f.extend_from_slice(b"}\n");
            files.push((format!("{dir}/terms-{s}.json"), f));
        }
        for (i, (_, mut f)) in chunks.into_iter().enumerate().skip(emitted) {
            // Exactly: a full vector would double its capacity for three bytes.
            f.reserve_exact(3);
            f.extend_from_slice(b"]}\n");
            files.push((format!("{dir}/text-{i}.json"), f));
        }
    }
    m.extend_from_slice(b"}\n");
    Output {
        manifest: (format!("{dir}/index.json"), m),
        files,
        docs: n,
        words: n_words,
        grams: n_grams,
        shards,
        chunks: chunk_count,
    }
}
