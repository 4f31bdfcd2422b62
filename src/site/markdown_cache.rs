//! Rendered Markdown kept between rebuilds by `atlas serve` ([`MarkdownCache`], held in
//! [`crate::build::cache::BuildCache`] and passed to [`super::Site::build`] in
//! [`super::BuildOptions`]). Rendering is a function of the body, the file's language and
//! section, and the answers the link resolver gives
//! (does `@/regions/beijing.md` exist, under which URL; is there an asset `map.svg` beside
//! the page; is `paper` a source). Each render records every question it asked and the
//! answer; a file is rendered again unless its body, language and section are the same and
//! every recorded question gets the same answer from the new site. So a page whose link
//! target was deleted, moved (new slug or base path) or added, whose asset appeared or went
//! away, or whose citation's source was added or removed, is rendered again; any other page
//! keeps its last result. Anchors are checked by the site on every build from the kept
//! headings, so a changed heading id breaks the other pages' anchor links at once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::content::SourcePage;
use crate::markdown::{self, LinkResolver, Rendered};

/// Rendered Markdown of the files of the last build, with the questions each render asked
/// the link resolver (see the module documentation).
#[derive(Default)]
pub struct MarkdownCache {
    files: Mutex<HashMap<PathBuf, Entry>>,
    reused: AtomicUsize,
    rendered: AtomicUsize,
}

impl std::fmt::Debug for MarkdownCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.files.lock().map(|m| m.len()).unwrap_or(0);
        f.debug_struct("MarkdownCache").field("files", &n).finish()
    }
}

struct Entry {
    /// xxh3-128 of the body.
    body: u128,
    /// The body itself, shared with the parse cache: a file it kept has the same one, which
    /// is not hashed again.
    text: Arc<str>,
    lang: String,
    section: String,
    asked: Vec<Asked>,
    rendered: Arc<Rendered>,
}

/// A question a render asked the resolver, with its answer.
#[derive(Debug, Clone, PartialEq)]
enum Asked {
    Resolve(String, Result<(String, String), String>),
    Asset(String, Option<String>),
    Source(String, bool),
    NearestSource(String, Option<String>),
}

impl Asked {
    fn same_answer(&self, r: &dyn LinkResolver) -> bool {
        match self {
            Asked::Resolve(q, a) => r.resolve(q) == *a,
            Asked::Asset(q, a) => r.asset(q) == *a,
            Asked::Source(q, a) => r.source_exists(q) == *a,
            Asked::NearestSource(q, a) => r.nearest_source(q) == *a,
        }
    }
}

/// A resolver that writes down every question and answer.
struct Recorder<'a> {
    inner: &'a dyn LinkResolver,
    asked: RefCell<Vec<Asked>>,
}

impl LinkResolver for Recorder<'_> {
    fn resolve(&self, path: &str) -> Result<(String, String), String> {
        let a = self.inner.resolve(path);
        self.asked
            .borrow_mut()
            .push(Asked::Resolve(path.to_string(), a.clone()));
        a
    }

    fn asset(&self, rel: &str) -> Option<String> {
        let a = self.inner.asset(rel);
        self.asked
            .borrow_mut()
            .push(Asked::Asset(rel.to_string(), a.clone()));
        a
    }

    fn source_exists(&self, id: &str) -> bool {
        let a = self.inner.source_exists(id);
        self.asked
            .borrow_mut()
            .push(Asked::Source(id.to_string(), a));
        a
    }

    fn nearest_source(&self, id: &str) -> Option<String> {
        let a = self.inner.nearest_source(id);
        self.asked
            .borrow_mut()
            .push(Asked::NearestSource(id.to_string(), a.clone()));
        a
    }
}

impl MarkdownCache {
    /// Renders the body of every file (in parallel) with its resolver (`resolvers[i]` for
    /// `files[i]`), reusing the last result of a file whose body, language and section are
    /// unchanged and whose recorded questions get the same answers. Afterwards the cache holds
    /// exactly these files.
    pub fn render_all<R: LinkResolver + Sync>(
        &self,
        files: &[SourcePage],
        resolvers: &[R],
    ) -> Vec<Arc<Rendered>> {
        let mut kept = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let last = &*kept;
        let results: Vec<(Arc<Rendered>, Option<Entry>)> = files
            .par_iter()
            .zip(resolvers)
            .map(|(f, r)| {
                let hash = || xxhash_rust::xxh3::xxh3_128(f.body.as_bytes());
                let last = last.get(&f.file);
                let body = match last {
                    Some(e) if Arc::ptr_eq(&e.text, &f.body) => e.body,
                    _ => hash(),
                };
                if let Some(e) = last {
                    if e.body == body
                        && e.lang == f.lang
                        && e.section == f.section
                        && e.asked.iter().all(|a| a.same_answer(r))
                    {
                        return (e.rendered.clone(), None);
                    }
                }
                let recorder = Recorder {
                    inner: r,
                    asked: RefCell::new(Vec::new()),
                };
                let rendered = Arc::new(markdown::render(&f.body, &recorder));
                let entry = Entry {
                    body,
                    text: f.body.clone(),
                    lang: f.lang.clone(),
                    section: f.section.clone(),
                    asked: recorder.asked.into_inner(),
                    rendered: rendered.clone(),
                };
                (rendered, Some(entry))
            })
            .collect();
        let mut next = HashMap::with_capacity(files.len());
        let (mut reused, mut rendered) = (0, 0);
        let mut out = Vec::with_capacity(results.len());
        for (f, (r, entry)) in files.iter().zip(results) {
            match entry {
                Some(e) => {
                    next.insert(f.file.clone(), e);
                    rendered += 1;
                }
                None => {
                    if let Some(mut e) = kept.remove(&f.file) {
                        e.text = f.body.clone();
                        next.insert(f.file.clone(), e);
                    }
                    reused += 1;
                }
            }
            out.push(r);
        }
        *kept = next;
        self.reused.store(reused, Ordering::Relaxed);
        self.rendered.store(rendered, Ordering::Relaxed);
        out
    }

    /// (files reused, files rendered) by the last build.
    pub fn last_counts(&self) -> (usize, usize) {
        (
            self.reused.load(Ordering::Relaxed),
            self.rendered.load(Ordering::Relaxed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{FrontMatter, Kind};

    /// A resolver whose world the test changes.
    #[derive(Default)]
    struct World {
        pages: Vec<(&'static str, &'static str)>,
        assets: Vec<&'static str>,
        sources: Vec<&'static str>,
    }

    impl LinkResolver for World {
        fn resolve(&self, path: &str) -> Result<(String, String), String> {
            self.pages
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(p, url)| (p.trim_end_matches(".md").to_string(), url.to_string()))
                .ok_or_else(|| format!("no {path}"))
        }
        fn asset(&self, rel: &str) -> Option<String> {
            self.assets.contains(&rel).then(|| format!("/a/{rel}"))
        }
        fn source_exists(&self, id: &str) -> bool {
            self.sources.contains(&id)
        }
    }

    fn file(name: &str, body: &str) -> SourcePage {
        SourcePage {
            file: format!("content/s/{name}.en.md").into(),
            lang: "en".into(),
            kind: Kind::Page,
            section: "s".into(),
            stem: name.into(),
            front: FrontMatter::default(),
            body: body.into(),
            body_line: 1,
            front_text: "".into(),
            front_line: 1,
        }
    }

    /// Field by field (the heading ids are a set: compared as sets).
    pub(crate) fn assert_same(got: &Rendered, want: &Rendered, what: &str) {
        assert_eq!(got.html, want.html, "{what}");
        assert_eq!(got.summary, want.summary, "{what}");
        assert_eq!(got.text, want.text, "{what}");
        assert_eq!(
            format!("{:?}", got.toc),
            format!("{:?}", want.toc),
            "{what}"
        );
        assert_eq!(got.anchors, want.anchors, "{what}");
        assert_eq!(got.links, want.links, "{what}");
        assert_eq!(got.citations, want.citations, "{what}");
        assert_eq!(got.word_count, want.word_count, "{what}");
        assert_eq!(got.reading_time, want.reading_time, "{what}");
        assert_eq!(
            format!("{:?}", got.errors),
            format!("{:?}", want.errors),
            "{what}"
        );
    }

    fn check(cache: &MarkdownCache, files: &[SourcePage], world: &World) -> (usize, usize) {
        let resolvers: Vec<&World> = files.iter().map(|_| world).collect();
        let got = cache.render_all(files, &resolvers);
        for (f, g) in files.iter().zip(&got) {
            let want = markdown::render(&f.body, world);
            assert_same(g, &want, &f.file.display().to_string());
        }
        cache.last_counts()
    }

    impl LinkResolver for &World {
        fn resolve(&self, path: &str) -> Result<(String, String), String> {
            (**self).resolve(path)
        }
        fn asset(&self, rel: &str) -> Option<String> {
            (**self).asset(rel)
        }
        fn source_exists(&self, id: &str) -> bool {
            (**self).source_exists(id)
        }
    }

    #[test]
    fn reuses_only_what_the_world_still_answers_the_same() {
        let cache = MarkdownCache::default();
        let mut files = vec![
            file("a", "# A\n\nSee [b](@/s/b.md#top).\n"),
            file("b", "# Top\n\n![map](map.svg)\n"),
            file("c", "Cited[@paper].\n"),
            file("d", "Plain text.\n"),
        ];
        let mut world = World {
            pages: vec![("s/b.md", "/en/s/b/")],
            assets: vec!["map.svg"],
            sources: vec![],
        };
        assert_eq!(check(&cache, &files, &world), (0, 4));
        assert_eq!(check(&cache, &files, &world), (4, 0));
        // Body edit: that file only.
        files[3].body = format!("{}More.\n", files[3].body).into();
        assert_eq!(check(&cache, &files, &world), (3, 1));
        // The link target moves: its URL changes.
        world.pages = vec![("s/b.md", "/en/s/bee/")];
        assert_eq!(check(&cache, &files, &world), (3, 1));
        // The link target goes away: the link breaks.
        world.pages.clear();
        assert_eq!(check(&cache, &files, &world), (3, 1));
        // A source is added: the citation resolves.
        world.sources.push("paper");
        assert_eq!(check(&cache, &files, &world), (3, 1));
        // The asset goes away.
        world.assets.clear();
        assert_eq!(check(&cache, &files, &world), (3, 1));
        // An unrelated page appears: nothing asked about it, nothing rendered.
        world.pages.push(("s/z.md", "/en/s/z/"));
        assert_eq!(check(&cache, &files, &world), (4, 0));
        // Same body, other language: rendered again.
        files[3].lang = "zh".into();
        assert_eq!(check(&cache, &files, &world), (3, 1));
        // A file removed from the site leaves the cache.
        files.pop();
        assert_eq!(check(&cache, &files, &world), (3, 0));
        assert_eq!(cache.files.lock().unwrap().len(), 3);
    }
}
