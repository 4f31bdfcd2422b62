//! Static files for the in-memory output: which ones the site copies (the theme's and the
//! site's `static/` folders, files beside the content), and which of them must be read again.
//!
//! A file is read again when its size or modification time changed, when the watcher named
//! it, or when every output is forced; otherwise the bytes kept from the last rebuild stand.
//! It decides nothing about generated pages.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use bytes::Bytes;
use rayon::prelude::*;

use super::Incremental;
use crate::diagnostics::Diagnostic;
use crate::render::{self, Theme};
use crate::site::Site;

/// What a static file looked like when it was last read.
#[derive(Debug, Clone)]
pub(super) struct StaticEntry {
    pub(super) source: PathBuf,
    pub(super) len: u64,
    pub(super) modified: Option<SystemTime>,
}

/// A static file found by a scan: its output path, what we know of it, and its bytes when
/// they were read again.
pub(super) type ScannedStatic = (String, StaticEntry, Option<Bytes>);

impl Incremental {
    pub(super) fn scan_statics(
        &mut self,
        site: &Site,
        theme: &Theme,
        touched: &[PathBuf],
        force: bool,
    ) -> Result<Vec<ScannedStatic>, Vec<Diagnostic>> {
        let touched: HashSet<PathBuf> = touched.iter().map(|p| normalize(p)).collect();
        let list = render::static_files(site, theme);
        let results: Vec<Result<ScannedStatic, Diagnostic>> = list
            .into_par_iter()
            .map(|(rel, source)| {
                let meta = std::fs::metadata(&source).map_err(|e| read_error(site, &source, e))?;
                let entry = StaticEntry {
                    source: source.clone(),
                    len: meta.len(),
                    modified: meta.modified().ok(),
                };
                let same = !force
                    && self.outputs.contains_key(&rel)
                    && self.statics.get(&rel).is_some_and(|old| {
                        old.source == entry.source
                            && old.len == entry.len
                            && old.modified == entry.modified
                            && entry.modified.is_some()
                    })
                    && !touched.contains(&normalize(&source));
                if same {
                    return Ok((rel, entry, None));
                }
                let bytes = std::fs::read(&source).map_err(|e| read_error(site, &source, e))?;
                Ok((rel, entry, Some(Bytes::from(bytes))))
            })
            .collect();
        let mut out = Vec::new();
        let mut errs = Vec::new();
        for r in results {
            match r {
                Ok(s) => out.push(s),
                Err(e) => errs.push(e),
            }
        }
        self.last_static_reads = out.iter().filter(|(_, _, b)| b.is_some()).count();
        if errs.is_empty() { Ok(out) } else { Err(errs) }
    }
}

fn read_error(site: &Site, source: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot read the file: {e}"))
        .in_file(source.strip_prefix(&site.paths.root).unwrap_or(source))
        .hint("check that the file exists and is readable")
}

pub(super) fn normalize(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}
