//! The search index builder: segmentation, bigram coverage, weighting, names and aliases,
//! size on the repository's own content, and what the build writes.

mod common;
use common::*;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use atlas::search::{self, Doc, Index, Limits, Output, W_DESCRIPTION, W_NAMES, W_TITLE};

#[allow(dead_code)]
#[path = "../examples/gen-site.rs"]
mod gen_site;

/// The repository's own site (content/), loaded once.
fn real_site() -> &'static atlas::site::Site {
    static SITE: OnceLock<atlas::site::Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let args = atlas::build::BuildArgs {
            root: Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(),
            ..Default::default()
        };
        atlas::build::load(&args)
            .unwrap_or_else(|e| panic!("{e}"))
            .0
    })
}

/// The indexes of the repository's own site, built once for all tests: the files and the
/// index read back from them.
fn real() -> &'static Vec<(String, Index, Output)> {
    static REAL: OnceLock<Vec<(String, Index, Output)>> = OnceLock::new();
    REAL.get_or_init(|| {
        let site = real_site();
        site.config
            .language_codes()
            .into_iter()
            .map(|l| {
                let out = search::index_files(site, l);
                let idx = Index::read(&out).unwrap_or_else(|e| panic!("{l}: {e}"));
                (l.to_string(), idx, out)
            })
            .collect()
    })
}

fn real_index(lang: &str) -> &'static Index {
    &real().iter().find(|(l, _, _)| l == lang).unwrap().1
}

fn doc(idx: &Index, url_end: &str) -> usize {
    idx.docs
        .iter()
        .position(|d| d.url.ends_with(url_end))
        .unwrap_or_else(|| panic!("no document {url_end} in the {} index", idx.lang))
}

fn weight(idx: &Index, term: &str, d: usize) -> u32 {
    idx.postings(term)
        .iter()
        .find(|(x, _)| *x == d)
        .map(|(_, w)| *w)
        .unwrap_or(0)
}

fn page(title: &str, names: &str, description: &str, body: &str) -> Doc {
    Doc {
        url: format!("/{title}/"),
        title: title.into(),
        section: 0,
        names: names.into(),
        description: description.into(),
        body: body.into(),
    }
}

#[test]
fn chinese_is_segmented_into_words() {
    // jieba finds words, not characters: the medical terms come out whole.
    let w = search::words("膝骨关节炎和急性移植物抗宿主病都在研究之列");
    for term in ["骨关节炎", "移植物", "宿主", "研究"] {
        assert!(w.contains(&term.to_string()), "{term} not in {w:?}");
    }
    // Single characters are not words of the index (the bigrams cover them).
    assert!(w.iter().all(|t| t.chars().count() >= 2), "{w:?}");
    // On the real content.
    let zh = real_index("zh");
    for term in [
        "骨关节炎",
        "移植物",
        "博鳌",
        "深圳",
        "干细胞",
        "国家药品监督管理局",
    ] {
        assert!(
            !zh.postings(term).is_empty(),
            "{term} is not a word of the zh index"
        );
    }
}

#[test]
fn english_is_stemmed() {
    assert_eq!(search::words("Regulations regulating"), ["regul", "regul"]);
    let en = real_index("en");
    let shenzhen = doc(en, "/en/regions/shenzhen/");
    // "Regulations" in the Shenzhen page's text, indexed by its stem.
    assert!(weight(en, "regul", shenzhen) > 0);
    assert!(en.postings("regulations").is_empty());
}

#[test]
fn every_bigram_of_every_page_is_indexed() {
    // Any run of two or more Chinese characters in a page finds the page: each of its bigrams
    // points to it (search.js intersects them, then checks the run in the page's text).
    for (lang, idx, _) in real() {
        let mut checked = 0;
        for (d, doc) in idx.docs.iter().enumerate() {
            for field in [&doc.title, &doc.names, &doc.description, &doc.body] {
                let norm = search::normalize(field);
                for run in search::runs(&norm) {
                    let search::Run::Ideographs(r) = run else {
                        continue;
                    };
                    let chars: Vec<char> = r.chars().collect();
                    for pair in chars.windows(2) {
                        let g: String = pair.iter().collect();
                        let docs = idx.gram_docs(&g);
                        assert!(
                            !docs.is_empty(),
                            "{lang}: bigram {g} of {} is not indexed",
                            doc.url
                        );
                        assert!(docs.contains(&d), "{lang}: {g} does not list {}", doc.url);
                        checked += 1;
                    }
                }
            }
        }
        if lang == "zh" {
            assert!(checked > 10_000, "only {checked} bigrams in the zh pages");
        }
    }
    // The queries of the browser test, on the pages whose text has them.
    let zh = real_index("zh");
    for (q, url) in [
        ("骨关节炎", "/zh/regions/hong-kong/"),
        ("移植物抗宿主病", "/zh/drugs/aimimaituosai/"),
        ("博鳌", "/zh/regions/hainan-boao/"),
    ] {
        let d = doc(zh, url);
        let chars: Vec<char> = q.chars().collect();
        for pair in chars.windows(2) {
            let g: String = pair.iter().collect();
            assert!(
                zh.gram_docs(&g).contains(&d),
                "{q}: {g} does not list {url}"
            );
        }
        assert!(search::normalize(&zh.docs[d].body).contains(q));
    }
}

#[test]
fn titles_and_names_weigh_more_than_body() {
    let idx = Index::new(
        "en",
        vec!["s".into()],
        vec![
            page("Alpha", "", "", "Nothing here."),
            page("Other", "Alpha", "", ""),
            page("Third", "", "About alpha.", ""),
            page("Fourth", "", "", "alpha alpha alpha"),
            page("Fifth", "", "", &"alpha ".repeat(100)),
            page("Alpha sixth", "Alpha", "Alpha", &"alpha ".repeat(100)),
        ],
    );
    let w: Vec<u32> = (0..6).map(|d| weight(&idx, "alpha", d)).collect();
    assert_eq!(w[0], W_TITLE);
    assert_eq!(w[1], W_NAMES);
    assert_eq!(w[2], W_DESCRIPTION);
    assert_eq!(w[3], 3);
    assert_eq!(w[4], search::BODY_CAP, "body count is capped");
    assert_eq!(
        w[5],
        (W_TITLE + W_NAMES + W_DESCRIPTION + search::BODY_CAP).min(search::MAX_WEIGHT)
    );
    // On the real content: the Ryoncil page outweighs a page that mentions the drug.
    for lang in ["zh", "en"] {
        let idx = real_index(lang);
        let own = doc(idx, &format!("/{lang}/drugs/ryoncil/"));
        let us = doc(idx, &format!("/{lang}/regions/united-states/"));
        assert!(weight(idx, "ryoncil", own) >= W_TITLE);
        assert!(weight(idx, "ryoncil", own) > weight(idx, "ryoncil", us));
        let bj = doc(idx, &format!("/{lang}/regions/beijing/"));
        let term = if lang == "zh" { "北京" } else { "beij" };
        let others = idx
            .postings(term)
            .iter()
            .filter(|(d, _)| *d != bj)
            .map(|(_, w)| *w)
            .max()
            .unwrap_or(0);
        assert!(weight(idx, term, bj) > others, "{lang}: {term}");
    }
}

#[test]
fn names_aliases_and_the_other_languages_titles_are_indexed() {
    let zh = real_index("zh");
    let en = real_index("en");
    // A drug's spelling variants and English names, in the Chinese index.
    let aimi = doc(zh, "/zh/drugs/aimimaituosai/");
    for alias in [
        "Amimatosa Injection",
        "Aimi Maito Sai injection",
        "Ruibo Sheng",
    ] {
        assert!(zh.docs[aimi].names.contains(alias), "{alias}");
    }
    assert!(weight(zh, "amimatosa", aimi) >= W_NAMES);
    // The English title of a region, in the Chinese index, and the other way round.
    let sz = doc(zh, "/zh/regions/shenzhen/");
    assert!(weight(zh, "shenzhen", sz) >= W_NAMES);
    let sz_en = doc(en, "/en/regions/shenzhen/");
    assert!(en.docs[sz_en].names.contains("深圳市"));
    assert!(en.gram_docs("深圳").contains(&sz_en));
    // The Chinese name of a drug in the English index.
    let aimi_en = doc(en, "/en/drugs/aimimaituosai/");
    assert!(en.docs[aimi_en].names.contains("艾米迈托赛注射液"));
    let chars: Vec<char> = "艾米迈托赛注射液".chars().collect();
    for pair in chars.windows(2) {
        let g: String = pair.iter().collect();
        assert!(en.gram_docs(&g).contains(&aimi_en), "{g}");
    }
    // Ryoncil's English title is a name of the Chinese page; the title itself is not repeated.
    let ry = doc(zh, "/zh/drugs/ryoncil/");
    assert!(zh.docs[ry].names.contains("Ryoncil (remestemcel-L)"));
    let names: Vec<&str> = zh.docs[ry].names.split(search::NAME_SEPARATOR).collect();
    let unique: BTreeSet<String> = names.iter().map(|n| search::normalize(n)).collect();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    assert!(!names.contains(&zh.docs[ry].title.as_str()));
}

#[test]
fn index_of_the_real_content_is_one_file_under_300_kb_per_language() {
    for (lang, idx, out) in real() {
        let bytes = out.manifest.1.len();
        eprintln!(
            "search index {lang}: {bytes} bytes, {} documents, {} words, {} bigrams",
            idx.docs.len(),
            out.words,
            out.grams,
        );
        // Small enough for one request: the manifest holds the terms and the text.
        assert_eq!(out.manifest.0, format!("{lang}/search/index.json"));
        assert!(
            out.files.is_empty(),
            "{lang}: {} more files",
            out.files.len()
        );
        assert_eq!((idx.shards, idx.chunks), (1, 1));
        // 200 KB held for 41 pages a language; the analysis and organisation pages (63 a
        // language) brought Chinese to 218 KB: still one request, about 5 KB a document.
        assert!(bytes < 300_000, "{lang}: {bytes} bytes");
        assert!(idx.docs.len() >= 20, "{lang}: {} documents", idx.docs.len());
        assert_eq!(out.words, idx.words.len());
        let v: serde_json::Value = serde_json::from_slice(&out.manifest.1).unwrap();
        assert_eq!(v["version"], search::FORMAT_VERSION);
    }
}

#[test]
fn a_split_index_holds_the_same_as_a_single_file() {
    // The real content with small limits: several term shards and text chunks, each term in
    // the shard search.js computes for it (checked by Index::read), the same postings.
    let limits = Limits {
        inline_bytes: 10_000,
        shard_bytes: 8_000,
        chunk_bytes: 12_000,
    };
    for (lang, whole, _) in real() {
        let out = search::index_files_with(real_site(), lang, limits);
        assert!(
            out.shards >= 4 && out.chunks >= 4,
            "{lang}: {} shards, {} chunks",
            out.shards,
            out.chunks
        );
        assert_eq!(out.files.len(), out.shards + out.chunks);
        for (path, bytes) in &out.files {
            assert!(path.starts_with(&format!("{lang}/search/")), "{path}");
            // A chunk closes once it has reached the limit: one document may go past it.
            assert!(bytes.len() < 40_000, "{path}: {} bytes", bytes.len());
        }
        let split = Index::read(&out).unwrap_or_else(|e| panic!("{lang}: {e}"));
        assert_eq!(split.docs, whole.docs);
        assert_eq!(split.words, whole.words);
        assert_eq!(split.grams, whole.grams);
        assert_eq!(split.sections, whole.sections);
    }
}

#[test]
fn bigrams_are_weighted_like_words() {
    // A bigram's weight adds the fields it occurs in and its count in the body, as a word's
    // does: search.js ranks runs of Chinese characters from it when the text is not loaded.
    let idx = Index::new(
        "zh",
        vec!["s".into()],
        vec![
            page("深圳", "", "", "无关"),
            page("其他", "深圳市", "", ""),
            page("第三", "", "关于深圳。", &"深圳，".repeat(3)),
            page("第四", "", "", &"深圳。".repeat(40)),
        ],
    );
    let w = |d: usize| {
        idx.grams["深圳"]
            .iter()
            .find(|(x, _)| *x == d)
            .map(|(_, w)| *w)
            .unwrap_or(0)
    };
    assert_eq!(
        [w(0), w(1), w(2), w(3)],
        [W_TITLE, W_NAMES, W_DESCRIPTION + 3, search::BODY_CAP]
    );
}

#[test]
fn body_text_has_no_markup_or_citation_markers() {
    let zh = real_index("zh");
    for d in &zh.docs {
        for bad in ["[@", "](", "<!--", "**", "<sup"] {
            assert!(!d.body.contains(bad), "{}: {bad:?} in the text", d.url);
        }
    }
    let ry = doc(zh, "/zh/drugs/ryoncil/");
    assert!(
        zh.docs[ry]
            .body
            .starts_with("Ryoncil 是美国 FDA 于 2024 年 12 月批准")
    );
    // Facts of the fact box are searchable too.
    assert!(zh.docs[ry].body.contains("Mesoblast"));
}

#[test]
fn stem_vectors_match_rust_stemmers() {
    // The same file checks search.js's stemmer in the browser test's unit tests.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser-search/stem-vectors.tsv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut n = 0;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (word, stem) = line.split_once('\t').unwrap();
        assert_eq!(search::stem(word), stem, "{word}");
        n += 1;
    }
    assert!(n > 200, "{n} vectors");
}

#[test]
fn build_writes_indexes_and_a_search_page_that_works_without_javascript() {
    let s = fixture("basic");
    let r = s.build(&[]);
    assert!(r.ok(), "{r:?}");
    for lang in ["zh", "en"] {
        let json = s.read(&format!("public/{lang}/search/index.json"));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["version"], search::FORMAT_VERSION);
        assert_eq!(v["lang"], lang);
        let urls: Vec<&str> = v["docs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d[0].as_str().unwrap())
            .collect();
        assert!(
            urls.contains(&format!("/atlas/{lang}/regions/beijing/").as_str()),
            "{urls:?}"
        );
        // The search page: a form hidden until search.js runs, and every page listed.
        let doc = s.html(&format!("public/{lang}/search/index.html"));
        assert_eq!(select(&doc, "form[role=search][hidden]").len(), 1);
        assert_eq!(select(&doc, "[data-search-nojs]").len(), 1);
        let links = attr(&doc, ".search-browse a", "href");
        for u in &urls {
            if u.matches('/').count() > 4 {
                assert!(
                    links.iter().any(|l| l == u),
                    "{lang}: {u} not listed in {links:?}"
                );
            }
        }
        assert!(links.iter().any(|l| l == "/atlas/sitemap.xml"));
        assert_eq!(
            attr(&doc, "[data-search-page]", "data-index"),
            vec![format!("/atlas/{lang}/search/index.json")]
        );
        assert!(attr(&doc, "script[src]", "src").contains(&"/atlas/search.js".to_string()));
    }
    // Every page's header has the box: a link to the search page without JavaScript.
    for page in [
        "public/zh/index.html",
        "public/en/regions/beijing/index.html",
        "public/zh/compare/index.html",
    ] {
        let doc = s.html(page);
        let lang = if page.contains("/en/") { "en" } else { "zh" };
        let box_links = attr(&doc, "header [data-search-box] a", "href");
        assert_eq!(box_links, vec![format!("/atlas/{lang}/search/")], "{page}");
        let idx = attr(&doc, "header [data-search-box]", "data-index");
        assert_eq!(idx, vec![format!("/atlas/{lang}/search/index.json")]);
        // search.js itself is not loaded until the box is focused.
        let scripts = attr(&doc, "script[src]", "src");
        assert!(
            !scripts.iter().any(|s| s.ends_with("search.js")),
            "{page}: {scripts:?}"
        );
    }
    assert!(s.path("public/search.js").is_file());
}

#[test]
fn segmenter_holds_the_words_the_site_can_spell_and_is_kept_while_it_covers_it() {
    let site = real_site();
    let cache = search::SegmenterCache::default();
    let first = cache.get(site);
    // A few thousand of jieba's 349,045 words: those whose characters follow each other
    // somewhere in the site.
    assert!(
        first.words() > 500 && first.words() < 20_000,
        "{}",
        first.words()
    );
    assert!(first.covers(&search::site_chars(site)));
    let again = cache.get(site);
    assert!(std::sync::Arc::ptr_eq(&first, &again), "reused");
    // The site's words come out whole.
    assert_eq!(
        first.cut("干细胞临床研究", false),
        ["干细胞", "临床", "研究"]
    );
}

#[test]
fn serve_keeps_a_split_index_in_step() {
    // `atlas serve` keeps the output in memory: every file of a split index, and none left
    // over when the index has fewer files after an edit.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    gen_site::generate(60, &root, &gen_site::Options::default()).unwrap();
    let args = atlas::build::BuildArgs {
        root: root.clone(),
        ..Default::default()
    };
    let mut inc = atlas::serve::incremental::Incremental::new(args.clone());
    let index_outputs = |inc: &atlas::serve::incremental::Incremental| {
        let mut v: Vec<(String, Vec<u8>)> = inc
            .outputs()
            .iter()
            .filter(|(p, _)| p.starts_with("zh/search/") && p.ends_with(".json"))
            .map(|(p, b)| (p.clone(), b.to_vec()))
            .collect();
        v.sort();
        v
    };
    let expected = || {
        let (site, _) = atlas::build::load(&args).unwrap_or_else(|e| panic!("{e}"));
        let out = search::index_files(&site, "zh");
        let mut v: Vec<(String, Vec<u8>)> = out.all().cloned().collect();
        v.sort();
        v
    };
    inc.rebuild(&[]).unwrap_or_else(|e| panic!("{e}"));
    let first = index_outputs(&inc);
    assert!(first.len() > 3, "{} index files", first.len());
    assert_eq!(first, expected());
    // Most of the Chinese text goes: fewer text chunks.
    for e in std::fs::read_dir(root.join("content/regions")).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".zh.md") && name.starts_with('r') {
            let text = std::fs::read_to_string(&path).unwrap();
            // The front matter and the headings (other pages link to them) stay.
            let end = text[3..].find("+++").unwrap() + 6;
            let headings: Vec<&str> = text[end..].lines().filter(|l| l.starts_with('#')).collect();
            let body = format!("{}\n\n{}\n\n短。\n", &text[..end], headings.join("\n\n"));
            std::fs::write(&path, body).unwrap();
        }
    }
    inc.rebuild(&[]).unwrap_or_else(|e| panic!("{e}"));
    let second = index_outputs(&inc);
    assert!(
        second.len() < first.len(),
        "{} then {}",
        first.len(),
        second.len()
    );
    assert_eq!(second, expected());
}

/// Counts the live heap and its peak, for `index_at_scale`.
#[path = "common/counting_alloc.rs"]
mod counting_alloc;

#[global_allocator]
static ALLOC: counting_alloc::Counting = counting_alloc::Counting;

/// CPU time of the process (user + system), from /proc/self/stat, in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // Fields 14 and 15 (utime, stime) are the 12th and 13th after the command name.
    (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
}

/// The cost of the index of a large site: `ATLAS_SEARCH_SITE=/tmp/gs10k cargo test --release
/// --test search -- --ignored --nocapture index_at_scale` (a site written by
/// `cargo run --release --example gen-site -- 10000 /tmp/gs10k`). Prints, per language, the
/// wall and CPU time of `index_files`, the heap it needed above what was live before (its
/// output included), and the files and bytes written. ATLAS_SEARCH_PROBE=1 also prints the
/// English index's heap peak while documents are analysed and what stays live at the end.
#[test]
#[ignore = "needs a generated site: ATLAS_SEARCH_SITE"]
fn index_at_scale() {
    let Ok(root) = std::env::var("ATLAS_SEARCH_SITE") else {
        panic!("set ATLAS_SEARCH_SITE to a site folder");
    };
    let args = atlas::build::BuildArgs {
        root: root.into(),
        ..Default::default()
    };
    let (site, _theme) = atlas::build::load(&args).unwrap_or_else(|e| panic!("{e}"));
    // jieba's dictionary is loaded once per process, not per index.
    let _ = search::segment("干细胞");
    // ATLAS_SEARCH_REPEAT=n builds every index n more times first (for a profiler).
    let repeat: usize = std::env::var("ATLAS_SEARCH_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    for _ in 0..repeat {
        for lang in site.config.language_codes() {
            drop(search::index_files(&site, lang));
        }
    }
    let mut cpu_total = 0.0;
    for lang in site.config.language_codes() {
        let before = counting_alloc::reset_peak();
        let (t, c) = (std::time::Instant::now(), cpu_seconds());
        let out = search::index_files(&site, lang);
        let (wall, cpu) = (t.elapsed().as_secs_f64(), cpu_seconds() - c);
        cpu_total += cpu;
        let transient = counting_alloc::peak() - before;
        let largest = |prefix: &str| {
            let sizes: Vec<usize> = out
                .files
                .iter()
                .filter(|(p, _)| p.contains(prefix))
                .map(|(_, b)| b.len())
                .collect();
            (
                sizes.len(),
                sizes.iter().sum::<usize>(),
                sizes.iter().max().copied().unwrap_or(0),
            )
        };
        let (ns, terms, max_shard) = largest("/terms-");
        let (nc, text, max_chunk) = largest("/text-");
        println!(
            "{lang}: {} docs, {} words, {} bigrams; {wall:.3} s wall, {cpu:.2} s CPU, \
             transient heap {:.1} MiB; manifest {} bytes, {ns} shards {terms} bytes (largest \
             {max_shard}), {nc} chunks {text} bytes (largest {max_chunk}), total {} bytes",
            out.docs,
            out.words,
            out.grams,
            transient as f64 / 1048576.0,
            out.manifest.1.len(),
            out.total_bytes(),
        );
    }
    println!("both languages: {cpu_total:.2} s CPU");
    if std::env::var("ATLAS_SEARCH_PROBE").is_ok() {
        let idx = search::build_index(&site, "en");
        let before = counting_alloc::reset_peak();
        let max_in_batches = AtomicUsize::new(0);
        let out = search::build_files(
            "en",
            &idx.sections,
            idx.docs.len(),
            |k| {
                max_in_batches.fetch_max(counting_alloc::peak() - before, Relaxed);
                idx.docs[k].clone()
            },
            Limits::default(),
        );
        println!(
            "probe: peak during batches {:.1} MiB, overall {:.1} MiB, output {:.1} MiB, live after {:.1} MiB",
            max_in_batches.load(Relaxed) as f64 / 1048576.0,
            (counting_alloc::peak() - before) as f64 / 1048576.0,
            out.total_bytes() as f64 / 1048576.0,
            (counting_alloc::live() - before) as f64 / 1048576.0,
        );
    }
}
