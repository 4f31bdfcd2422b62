//! Unit tests of the index: text, posting lists, files and reading them back.

use super::postings::List;
use super::text::fold_width;
use super::*;

#[test]
fn runs_split_by_script() {
    let n = normalize("Ryoncil（remestemcel-L）是 FDA 批准的首款疗法");
    assert_eq!(
        runs(&n),
        vec![
            Run::Word("ryoncil"),
            Run::Word("remestemcel"),
            Run::Word("l"),
            Run::Ideographs("是"),
            Run::Word("fda"),
            Run::Ideographs("批准的首款疗法"),
        ]
    );
}

#[test]
fn normalize_folds_full_width() {
    assert_eq!(normalize("Ｒｙｏｎｃｉｌ　ＦＤＡ"), "ryoncil fda");
    // The same as folding, then `to_lowercase`.
    for s in [
        "ÀÉÎ İstanbul ΣΊΣΥΦΟΣ Σ ß ẞ Ǆ ǅ 深圳ＡＢ　、。「」ﾃｽﾄ Ⓐ 𐐀",
        "ÀÉÎ İstanbul Ǆ 深圳ＡＢ　、。 Ⓐ 𐐀 ＳＨＥＮＺＨＥＮ",
        "ABC深圳　Ｘ\u{3000}\u{3001}\u{9FFF}\u{A000}ꀀ\u{2FFF}Dé",
        "　",
        "深",
        "",
    ] {
        let slow: String = s.chars().map(fold_width).collect::<String>().to_lowercase();
        assert_eq!(normalize(s), slow);
    }
    // The range copied as it is has no case.
    for c in (0x3001..=0x9FFF).filter_map(char::from_u32) {
        assert!(c.to_lowercase().eq([c]), "{c}");
    }
}

fn numbered(n: usize) -> Vec<Doc> {
    (0..n)
        .map(|i| Doc {
            url: format!("/p{i}/"),
            title: format!("page{i} 干细胞"),
            names: "Ryoncil \"quoted\" \\ \u{1}".into(),
            body: format!("治疗 regulations {i} 干细胞治疗").repeat(20),
            ..Doc::default()
        })
        .collect()
}

#[test]
fn postings_round_trip() {
    let idx = Index::new("zh", vec!["s".into()], numbered(70));
    assert_eq!((idx.shards, idx.chunks), (1, 1));
    let p = idx.postings("干细胞");
    assert_eq!(p.len(), 70);
    // Title, plus 21 times in the body (capped).
    assert_eq!(p[69], (69, W_TITLE + BODY_CAP));
    assert_eq!(idx.grams["干细"].len(), 70);
    assert_eq!(idx.postings("regul").len(), 70);
    assert_eq!(idx.docs[3].names, "Ryoncil \"quoted\" \\ \u{1}");
    assert_eq!(idx.docs[3].body, numbered(4)[3].body);
}

#[test]
fn split_index_reads_back_the_same() {
    let docs = numbered(300);
    let one = Index::new("en", vec!["s".into()], docs.clone());
    let limits = Limits {
        inline_bytes: 0,
        shard_bytes: 2_000,
        chunk_bytes: 5_000,
    };
    let split = Index::with_limits("en", vec!["s".into()], docs, limits);
    assert!(
        split.shards > 3 && split.chunks > 3,
        "{} {}",
        split.shards,
        split.chunks
    );
    assert_eq!(one.words, split.words);
    assert_eq!(one.grams, split.grams);
    assert_eq!(one.docs, split.docs);
}

#[test]
fn text_chunks_are_handed_over_as_they_fill() {
    let docs = numbered(300);
    let limits = Limits {
        inline_bytes: 10_000,
        shard_bytes: 2_000,
        chunk_bytes: 5_000,
    };
    let whole = build_files("en", &["s".into()], docs.len(), |k| docs[k].clone(), limits);
    let mut early: Vec<(String, Vec<u8>)> = Vec::new();
    let rest = build_files_to(
        "en",
        &["s".into()],
        docs.len(),
        |k| docs[k].clone(),
        limits,
        &mut |p, b| {
            assert!(p.contains("/text-"), "{p}");
            early.push((p, b))
        },
    );
    // Every chunk but the last went out before the end; together, the same files.
    assert_eq!(early.len(), whole.chunks - 1);
    assert_eq!(rest.manifest, whole.manifest);
    let mut streamed: Vec<_> = early.into_iter().chain(rest.files).collect();
    let mut all = whole.files.clone();
    streamed.sort();
    all.sort();
    assert_eq!(streamed, all);
    // A site small enough for one file hands nothing over.
    let small = numbered(2);
    let mut n = 0;
    let one = build_files_to(
        "en",
        &["s".into()],
        2,
        |k| small[k].clone(),
        Limits::default(),
        &mut |_, _| n += 1,
    );
    assert_eq!((n, one.files.len(), one.chunks), (0, 0, 1));
}

#[test]
fn postings_are_gaps_in_base_32() {
    let mut l = List::default();
    for (d, w) in [(0, 1), (1, 63), (33, 2), (33 + 1 + 1024, 5), (5000, 9)] {
        l.push(d, w);
    }
    let s = String::from_utf8(l.digits).unwrap();
    // 0: gap 0; 1: gap 0; 33: gap 31; 1058: gap 1024 = 1·32² → 33, 32, 0 = "XW0".
    assert!(
        s.starts_with("01 0_ V2 XW05".replace(' ', "").as_str()),
        "{s}"
    );
    assert_eq!(
        decode_postings(&s).unwrap(),
        [(0, 1), (1, 63), (33, 2), (1058, 5), (5000, 9)]
    );
    assert_eq!(decode_postings("W"), None);
    assert_eq!(decode_postings("0"), None);
    assert_eq!(decode_postings("__________________0"), None);
}

#[test]
fn odd_input_does_not_panic() {
    let limits = Limits {
        inline_bytes: 0,
        shard_bytes: 1,
        chunk_bytes: 1,
    };
    for docs in [
        vec![],
        vec![Doc::default()],
        vec![
            Doc {
                title: "\u{0}\u{1f}\u{2028}\u{FEFF}\u{10FFFF}𠀀𠀁 İ ß ﬃ".into(),
                body: "\u{301}\u{300}a\u{301} 〇〇 カタカナ \t\r\n\\\"".repeat(3),
                ..Doc::default()
            },
            Doc::default(),
        ],
    ] {
        for l in [Limits::default(), limits] {
            let idx = Index::with_limits("zh", vec!["s".into()], docs.clone(), l);
            assert_eq!(idx.docs, docs);
        }
    }
    assert_eq!(shard_of("", 0), 0);
    assert_eq!(shard_of("x", 1), 0);
}

#[test]
fn shard_hash_matches_search_js() {
    // The same values are checked in tests/browser-search/test/stemmer.test.js.
    assert_eq!(shard_of("regul", 1000), shard_of("re", 1000));
    assert_eq!(shard_of("干细胞", 97), shard_of("干细", 97));
    let got: Vec<usize> = ["re", "干细", "a", "𠀀x"]
        .iter()
        .map(|t| shard_of(t, 1_000_003))
        .collect();
    assert_eq!(got, SHARD_VECTORS);
}

const SHARD_VECTORS: [usize; 4] = [723886, 330283, 565266, 412376];
