//! Watching the site's files with notify, debounced so that an editor's save (write a
//! temporary file, rename it over the old one, ...) arrives as one batch.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::RecursiveMode;
use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::content::is_ignored_name;

/// How long the files must be quiet before a rebuild starts.
pub const DEBOUNCE: Duration = Duration::from_millis(30);

/// The folders watched recursively; `atlas.toml` is watched through the root folder.
pub const WATCHED_DIRS: &[&str] = &["content", "themes", "data"];

/// A batch of changes.
#[derive(Debug, Default)]
pub struct Batch {
    /// Changed files (absolute), without duplicates.
    pub paths: Vec<PathBuf>,
    /// The watcher lost track (overflow, error): everything must be checked.
    pub rescan: bool,
}

/// The watcher; dropping it stops watching.
pub struct SiteWatcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: Vec<PathBuf>,
}

impl SiteWatcher {
    /// Starts watching `root`; batches of relevant changes are sent to `tx`.
    pub fn start(root: &Path, tx: mpsc::Sender<Batch>) -> notify::Result<SiteWatcher> {
        let root = root.canonicalize()?;
        let filter_root = root.clone();
        let debouncer = new_debouncer(DEBOUNCE, None, move |res: DebounceEventResult| {
            let batch = match res {
                Ok(events) => {
                    let mut batch = Batch::default();
                    for e in &events {
                        if e.need_rescan() {
                            batch.rescan = true;
                        }
                        if !relevant_kind(&e.kind) {
                            continue;
                        }
                        for p in &e.paths {
                            if relevant_path(&filter_root, p) && !batch.paths.contains(p) {
                                batch.paths.push(p.clone());
                            }
                        }
                    }
                    batch
                }
                Err(errors) => {
                    for e in errors {
                        eprintln!("warning: watching files: {e}; checking everything");
                    }
                    Batch {
                        paths: Vec::new(),
                        rescan: true,
                    }
                }
            };
            if batch.rescan || !batch.paths.is_empty() {
                let _ = tx.send(batch);
            }
        })?;
        let mut w = SiteWatcher {
            debouncer,
            root,
            watched: Vec::new(),
        };
        w.debouncer.watch(&w.root, RecursiveMode::NonRecursive)?;
        w.refresh()?;
        Ok(w)
    }

    /// Watches the site folders that exist now (a folder created after the start, such as
    /// `data/`, is picked up by the next call).
    pub fn refresh(&mut self) -> notify::Result<()> {
        self.watched.retain(|d| d.is_dir());
        for d in WATCHED_DIRS {
            let dir = self.root.join(d);
            if dir.is_dir() && !self.watched.contains(&dir) {
                self.debouncer.watch(&dir, RecursiveMode::Recursive)?;
                self.watched.push(dir);
            }
        }
        Ok(())
    }
}

/// Reads (our own builds read every file) are not changes.
fn relevant_kind(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// Files under the watched folders and `atlas.toml`; not editor swap or backup files.
pub fn relevant_path(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let Some(first) = parts.next() else {
        return false;
    };
    let first_ok = first == crate::config::CONFIG_FILE || WATCHED_DIRS.contains(&first.as_ref());
    first_ok
        && rel
            .components()
            .all(|c| !is_ignored_name(&c.as_os_str().to_string_lossy()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_site_files_count() {
        let root = Path::new("/site");
        for (p, want) in [
            ("/site/content/regions/beijing.zh.md", true),
            ("/site/content", true),
            ("/site/atlas.toml", true),
            ("/site/data/sources.toml", true),
            ("/site/themes/atlas/static/style.css", true),
            ("/site/public/index.html", false),
            ("/site/README.md", false),
            ("/site/content/regions/.beijing.zh.md.swp", false),
            ("/site/content/regions/beijing.zh.md~", false),
            ("/site/content/regions/4913", false),
            ("/site/content/.git/x", false),
            ("/site/atlas.toml.bak", false),
            ("/elsewhere/content/a.md", false),
        ] {
            assert_eq!(relevant_path(root, Path::new(p)), want, "{p}");
        }
    }
}
