//! Reading an index back from its files, as `search.js` does, checking what it relies on: the
//! [`Index`] the tests and benchmarks query. Takes an [`Output`]; gives an [`Index`] or why
//! it is malformed. Not used by the build.

use std::collections::BTreeMap;

use super::format::{Doc, FORMAT_VERSION, Limits, Output, shard_of};
use super::postings::decode_postings;
use super::write::build_files;

/// The search index of one language, read back from its files: what `search.js` sees.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Language code.
    pub lang: String,
    /// Section labels, shown with each result.
    pub sections: Vec<String>,
    /// Documents.
    pub docs: Vec<Doc>,
    /// Term (stem or jieba word) → (document, weight), by document.
    pub words: BTreeMap<String, Vec<(usize, u32)>>,
    /// Bigram of ideographs → (document, weight), by document.
    pub grams: BTreeMap<String, Vec<(usize, u32)>>,
    /// Number of term shards.
    pub shards: usize,
    /// Number of text chunks.
    pub chunks: usize,
}

impl Index {
    /// Indexes documents (with the default [`Limits`]) and reads the index back.
    pub fn new(lang: &str, sections: Vec<String>, docs: Vec<Doc>) -> Index {
        Index::with_limits(lang, sections, docs, Limits::default())
    }

    /// Indexes documents with the given limits and reads the index back.
    pub fn with_limits(lang: &str, sections: Vec<String>, docs: Vec<Doc>, limits: Limits) -> Index {
        let out = build_files(lang, &sections, docs.len(), |k| docs[k].clone(), limits);
        Index::read(&out).unwrap_or_else(|e| panic!("the index just written reads back: {e}"))
    }

    /// Reads an index from its files, checking what `search.js` relies on: the version, the
    /// shard of every term, posting lists that decode to documents in order, text chunks that
    /// cover every document once.
    pub fn read(out: &Output) -> Result<Index, String> {
        let parse = |bytes: &[u8]| -> Result<serde_json::Value, String> {
            serde_json::from_slice(bytes).map_err(|e| e.to_string())
        };
        let file = |path: &str| -> Result<serde_json::Value, String> {
            let (_, b) = out
                .files
                .iter()
                .find(|(p, _)| p == path)
                .ok_or_else(|| format!("no file {path}"))?;
            parse(b)
        };
        let m = parse(&out.manifest.1)?;
        if m["version"] != FORMAT_VERSION {
            return Err(format!("version {}", m["version"]));
        }
        let lang = m["lang"].as_str().ok_or("no lang")?.to_string();
        let dir = format!("{lang}/search");
        let shards = m["shards"].as_u64().ok_or("no shards")? as usize;
        let firsts: Vec<usize> = m["chunks"]
            .as_array()
            .ok_or("no chunks")?
            .iter()
            .map(|v| v.as_u64().map(|x| x as usize).ok_or("bad chunk"))
            .collect::<Result<_, _>>()?;
        let strs = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .map(|s| s.as_str().unwrap_or("").to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        let sections = strs(&m["sections"]);
        let mut docs: Vec<Doc> = m["docs"]
            .as_array()
            .ok_or("no docs")?
            .iter()
            .map(|d| Doc {
                url: d[0].as_str().unwrap_or("").into(),
                title: d[1].as_str().unwrap_or("").into(),
                section: d[2].as_u64().unwrap_or(u64::MAX) as usize,
                ..Doc::default()
            })
            .collect();
        if docs.iter().any(|d| d.section >= sections.len()) {
            return Err("a document's section is out of range".into());
        }
        // Text.
        let texts: Vec<(usize, serde_json::Value)> = if m.get("text").is_some() {
            vec![(0, m["text"].clone())]
        } else {
            firsts
                .iter()
                .enumerate()
                .map(|(i, &f)| {
                    let c = file(&format!("{dir}/text-{i}.json"))?;
                    if c["first"].as_u64() != Some(f as u64) || c["version"] != FORMAT_VERSION {
                        return Err(format!("chunk {i}: first or version"));
                    }
                    Ok((f, c["docs"].clone()))
                })
                .collect::<Result<_, String>>()?
        };
        let mut next = 0;
        for (first, items) in texts {
            if first != next {
                return Err(format!("chunk at {first}, expected {next}"));
            }
            for item in items.as_array().ok_or("chunk docs")? {
                let d = docs.get_mut(next).ok_or("more text than documents")?;
                d.names = item[0].as_str().ok_or("names")?.into();
                d.description = item[1].as_str().ok_or("description")?.into();
                d.body = item[2].as_str().ok_or("body")?.into();
                next += 1;
            }
        }
        if next != docs.len() {
            return Err(format!("text for {next} of {} documents", docs.len()));
        }
        // Terms.
        let shard_values: Vec<serde_json::Value> = if m.get("terms").is_some() {
            vec![m["terms"].clone()]
        } else {
            (0..shards)
                .map(|s| file(&format!("{dir}/terms-{s}.json")))
                .collect::<Result<_, _>>()?
        };
        let mut words = BTreeMap::new();
        let mut grams = BTreeMap::new();
        for (s, v) in shard_values.iter().enumerate() {
            for (key, map) in [("w", &mut words), ("g", &mut grams)] {
                for (term, list) in v[key].as_object().ok_or("no terms")? {
                    if shard_values.len() > 1 && shard_of(term, shards) != s {
                        return Err(format!("{term} in shard {s}"));
                    }
                    let p = decode_postings(list.as_str().unwrap_or("?"))
                        .ok_or_else(|| format!("postings of {term}"))?;
                    if p.windows(2).any(|w| w[0].0 >= w[1].0)
                        || p.iter().any(|&(d, w)| d >= docs.len() || w == 0)
                    {
                        return Err(format!("postings of {term}: {p:?}"));
                    }
                    map.insert(term.clone(), p);
                }
            }
        }
        Ok(Index {
            lang,
            sections,
            docs,
            words,
            grams,
            shards,
            chunks: firsts.len(),
        })
    }

    /// The documents and weights of a term.
    pub fn postings(&self, term: &str) -> &[(usize, u32)] {
        self.words.get(term).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The documents that contain a bigram.
    pub fn gram_docs(&self, gram: &str) -> Vec<usize> {
        self.grams
            .get(gram)
            .map(|l| l.iter().map(|&(d, _)| d).collect())
            .unwrap_or_default()
    }
}
