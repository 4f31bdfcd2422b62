//! The server's view of the site: the editor's open buffers and the last check's results.
//!
//! Takes the site root and the buffers' texts; gives the whole site checked as `atlas check`
//! checks it (with the buffers read instead of their files) and the loaded pages and data the
//! other features look things up in. Must not write any file: every change to the site is an
//! edit the editor applies.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::build::BuildArgs;
use crate::check::{CheckArgs, Finding};
use crate::config::Config;
use crate::content::{Overlay, SourcePage};
use crate::data::Data;
use crate::serve::incremental::Incremental;

/// What the last check loaded, for completion, hover, definitions and edits.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The site's configuration (None when atlas.toml does not load).
    pub config: Option<Config>,
    /// Every page that parsed, drafts included.
    pub pages: Vec<SourcePage>,
    /// Sources and dimensions.
    pub data: Data,
}

/// The open buffers and the site they belong to.
pub struct Workspace {
    root: PathBuf,
    /// Open buffers by absolute path.
    docs: HashMap<PathBuf, String>,
    /// The build, as `atlas serve` runs it again and again (keeps parses and renders).
    incremental: Incremental,
    snapshot: Snapshot,
    check_args: CheckArgs,
    /// `atlas check`'s own findings of each page key (all language versions), with what they
    /// were found from: only the keys whose pages changed are checked again.
    content_findings: HashMap<String, (KeyInputs, Vec<Finding>)>,
}

impl Workspace {
    /// A workspace for the site at `root` (made absolute), with nothing open or checked yet.
    pub fn new(root: &Path) -> Self {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let mut check_args = CheckArgs::new(&root);
        check_args.drafts = true;
        Workspace {
            incremental: Incremental::new(BuildArgs {
                root: root.clone(),
                output_dir: None,
                base_url: None,
                drafts: true,
            })
            .diagnostics_only()
            .keeping_loaded(),
            root,
            docs: HashMap::new(),
            snapshot: Snapshot::default(),
            check_args,
            content_findings: HashMap::new(),
        }
    }

    /// The site root (absolute).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// What the last check loaded.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Sets the text of an open buffer (absolute path).
    pub fn set_text(&mut self, path: PathBuf, text: String) {
        self.docs.insert(path, text);
    }

    /// Forgets a buffer (the file on disk counts again).
    pub fn close(&mut self, path: &Path) {
        self.docs.remove(path);
    }

    /// The text of an open buffer.
    pub fn doc(&self, path: &Path) -> Option<&str> {
        self.docs.get(path).map(String::as_str)
    }

    /// The text of a file: its buffer if open, else what is on disk.
    pub fn text(&self, path: &Path) -> Option<String> {
        match self.docs.get(path) {
            Some(t) => Some(t.clone()),
            None => std::fs::read_to_string(path).ok(),
        }
    }

    /// `content/regions/beijing.zh.md` for an absolute path inside the site.
    pub fn rel(&self, path: &Path) -> Option<PathBuf> {
        path.strip_prefix(&self.root).ok().map(Path::to_path_buf)
    }

    /// The language of a content file, from its name (`beijing.zh.md` → `zh`).
    pub fn lang_of(&self, path: &Path) -> Option<String> {
        let name = path.file_name()?.to_str()?;
        let (_, lang) = name.strip_suffix(".md")?.rsplit_once('.')?;
        Some(lang.to_string())
    }

    /// The notifications of a check's findings (see [`super::diagnostics::publish`]): the
    /// files whose diagnostics changed since `last`, with this workspace's texts.
    pub fn notifications(
        &self,
        by_file: BTreeMap<PathBuf, Vec<Finding>>,
        last: &mut super::diagnostics::Published,
        enc: super::position::Encoding,
    ) -> Vec<lsp_types::PublishDiagnosticsParams> {
        // Each content file's texts as the last check loaded them.
        let ids: HashMap<&Path, super::diagnostics::TextId> = self
            .snapshot
            .pages
            .iter()
            .map(|p| (p.file.as_path(), (p.front_text.clone(), p.body.clone())))
            .collect();
        super::diagnostics::publish(
            &self.root,
            by_file,
            last,
            |rel| self.text(&self.root.join(rel)),
            |rel| ids.get(rel).cloned(),
            enc,
        )
    }

    /// The loaded page of a file (absolute path).
    pub fn page_at(&self, path: &Path) -> Option<&SourcePage> {
        let rel = self.rel(path)?;
        self.snapshot.pages.iter().find(|p| p.file == rel)
    }

    /// The page with `key` in `lang`, or in another language when that one is missing.
    pub fn page(&self, key: &str, lang: &str) -> Option<&SourcePage> {
        let pages = &self.snapshot.pages;
        pages
            .iter()
            .find(|p| p.key() == key && p.lang == lang)
            .or_else(|| pages.iter().find(|p| p.key() == key))
    }

    /// Checks the whole site with the open buffers, as `atlas check` does (without external
    /// links), and keeps what was loaded. Findings by file (relative to the root; the
    /// findings without a file are under `atlas.toml`).
    pub fn check(&mut self) -> BTreeMap<PathBuf, Vec<Finding>> {
        let overlay: Overlay = self
            .docs
            .iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "md"))
            .filter_map(|(p, t)| Some((self.rel(p)?, t.clone())))
            .collect();
        let overlay = Arc::new(overlay);
        self.incremental.cache().parsed.set_overlay(overlay);
        let build = match self.incremental.rebuild(&[]) {
            Ok(update) => update.warnings,
            Err(d) => d.0,
        };
        let mut findings = crate::check::build_findings(build);
        // What the build read: `atlas check`'s own checks and the lookups use the same pages.
        match self.incremental.cache().take_loaded() {
            Some(loaded) => {
                let crate::build::cache::Loaded {
                    config,
                    content,
                    data,
                } = loaded;
                findings.extend(self.content_checks(&config, &content, &data));
                self.snapshot = Snapshot {
                    config: Some(config),
                    pages: content.pages,
                    data,
                };
            }
            // atlas.toml did not load: the build's error says why.
            None => self.snapshot.config = None,
        }
        // Grouped by file first: sorting each file's few findings is much cheaper than
        // sorting thousands (paths compare component by component).
        let mut by_file: HashMap<PathBuf, Vec<Finding>> = HashMap::new();
        for f in findings {
            let file = f
                .diagnostic
                .file
                .clone()
                .unwrap_or_else(|| PathBuf::from(crate::config::CONFIG_FILE));
            by_file.entry(file).or_default().push(f);
        }
        by_file
            .into_iter()
            .map(|(file, mut v)| {
                v.sort_by(|a, b| {
                    let (x, y) = (&a.diagnostic, &b.diagnostic);
                    (x.severity, &x.file, x.line, x.column, &x.message)
                        .cmp(&(y.severity, &y.file, y.line, y.column, &y.message))
                });
                let mut unique: Vec<Finding> = Vec::with_capacity(v.len());
                for f in v {
                    if !unique.contains(&f) {
                        unique.push(f);
                    }
                }
                (file, unique)
            })
            .collect()
    }

    /// [`crate::check::content_findings`] of the whole content, reusing the findings of
    /// the page keys whose pages, data and settings hash as they did last time.
    fn content_checks(
        &mut self,
        config: &Config,
        content: &crate::content::Content,
        data: &Data,
    ) -> Vec<Finding> {
        use std::hash::Hash;
        let mut shared = xxhash_rust::xxh3::Xxh3::new();
        format!("{:?}{:?}", data.dimensions, config.language_codes()).hash(&mut shared);
        format!("{:?}", config.check).hash(&mut shared);
        self.check_args.today.hash(&mut shared);
        let shared = shared.digest128();
        let mut groups: BTreeMap<String, (KeyInputs, Vec<&SourcePage>)> = BTreeMap::new();
        let new_group = || {
            (
                KeyInputs {
                    shared,
                    broken: false,
                    pages: Vec::new(),
                },
                Vec::new(),
            )
        };
        for p in &content.pages {
            let (inputs, ps) = groups.entry(p.key()).or_insert_with(new_group);
            inputs.pages.push((
                p.file.clone(),
                p.front_text.clone(),
                p.body.clone(),
                p.front.draft,
            ));
            ps.push(p);
        }
        for k in &content.broken_keys {
            groups.entry(k.clone()).or_insert_with(new_group).0.broken = true;
        }
        let mut next = HashMap::with_capacity(groups.len());
        let mut todo = crate::content::Content::default();
        let mut todo_keys = Vec::new();
        for (key, (inputs, pages)) in groups {
            match self.content_findings.remove(&key) {
                Some((old, f)) if old == inputs => {
                    next.insert(key, (inputs, f));
                }
                _ => {
                    todo.pages.extend(pages.into_iter().cloned());
                    if inputs.broken {
                        todo.broken_keys.insert(key.clone());
                    }
                    todo_keys.push((key, inputs));
                }
            }
        }
        let found = crate::check::content_findings(&self.check_args, config, &todo, data);
        let key_of: HashMap<&Path, String> = todo
            .pages
            .iter()
            .map(|p| (p.file.as_path(), p.key()))
            .collect();
        for (key, inputs) in todo_keys {
            next.insert(key, (inputs, Vec::new()));
        }
        for f in found {
            let key = f.diagnostic.file.as_deref().and_then(|p| key_of.get(p));
            if let Some((_, v)) = key.and_then(|k| next.get_mut(k)) {
                v.push(f);
            }
        }
        self.content_findings = next;
        self.content_findings
            .values()
            .flat_map(|(_, f)| f.iter().cloned())
            .collect()
    }
}

/// What `atlas check`'s own checks of one page key read: a hash of the settings and data
/// they use, whether a file of the key failed to parse, and each page's file, front matter
/// text, body and draft flag. The texts are shared with the parse cache, so a page it kept
/// compares by address, without reading its text.
struct KeyInputs {
    shared: u128,
    broken: bool,
    pages: Vec<(PathBuf, Arc<str>, Arc<str>, bool)>,
}

impl PartialEq for KeyInputs {
    fn eq(&self, other: &Self) -> bool {
        let same = |a: &Arc<str>, b: &Arc<str>| Arc::ptr_eq(a, b) || a == b;
        self.shared == other.shared
            && self.broken == other.broken
            && self.pages.len() == other.pages.len()
            && self
                .pages
                .iter()
                .zip(&other.pages)
                .all(|(a, b)| a.0 == b.0 && same(&a.1, &b.1) && same(&a.2, &b.2) && a.3 == b.3)
    }
}
