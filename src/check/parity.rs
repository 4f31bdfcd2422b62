//! Translation parity: pages present in only some of the site's languages, and language
//! versions of a page that disagree on structured facts. Takes the parsed pages, the config
//! and the data; gives diagnostics. Does not compare wording.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;

use super::locator::{Locator, Seg};
use super::report::path_text;
use crate::config::Config;
use crate::content::SourcePage;
use crate::data::{Data, DimensionType};
use crate::diagnostics::Diagnostic;
use crate::schema::{CompareValue, Event};

fn show<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::Null) => "(none)".into(),
        Ok(x) => x.to_string(),
        Err(_) => "(?)".into(),
    }
}

fn sorted_set(v: &[String]) -> Vec<&String> {
    let s: BTreeSet<&String> = v.iter().collect();
    s.into_iter().collect()
}

/// Compares the language versions of every page.
pub(super) fn translation_parity(
    pages: &[&SourcePage],
    broken: &HashSet<String>,
    config: &Config,
    data: &Data,
) -> Vec<Diagnostic> {
    let mut by_key: BTreeMap<String, BTreeMap<&str, &SourcePage>> = BTreeMap::new();
    for p in pages {
        by_key.entry(p.key()).or_default().insert(&p.lang, p);
    }
    let order = config.fallback_order();
    let mut out = Vec::new();
    for (key, versions) in &by_key {
        if broken.contains(key) {
            // A version failed to parse: the build reports it; comparing would mislead.
            continue;
        }
        let missing: Vec<&str> = config
            .language_codes()
            .into_iter()
            .filter(|l| !versions.contains_key(l))
            .collect();
        if !missing.is_empty() {
            for p in versions.values() {
                let files: Vec<String> = missing
                    .iter()
                    .map(|l| format!("{}.{l}.md", file_base(p)))
                    .collect();
                out.push(
                    Diagnostic::warning(format!(
                        "this page exists only in {} of the site's languages: there is no {}",
                        versions.keys().copied().collect::<Vec<_>>().join(", "),
                        files.join(", ")
                    ))
                    .in_file(&p.file)
                    .at(1, 1)
                    .hint(format!(
                        "translate it into {}; until then those languages show this version with a notice",
                        missing.join(", ")
                    )),
                );
            }
        }
        let Some(reference) = order.iter().find_map(|l| versions.get(l)) else {
            continue;
        };
        for other in versions.values() {
            if other.lang != reference.lang {
                compare_facts(reference, other, data, &mut out);
            }
        }
    }
    out
}

/// `content/regions/beijing` for `content/regions/beijing.zh.md`.
fn file_base(p: &SourcePage) -> String {
    let f = path_text(&p.file);
    let suffix = format!(".{}.md", p.lang);
    f.strip_suffix(&suffix).unwrap_or(&f).to_string()
}

struct Compare<'a, 'o> {
    a: &'a SourcePage,
    b: &'a SourcePage,
    la: Locator<'a>,
    lb: Locator<'a>,
    out: &'o mut Vec<Diagnostic>,
}

impl Compare<'_, '_> {
    /// Reports a disagreement at `path` in `b` (and names where `a` says otherwise).
    fn differ(&mut self, path: &[Seg], what: &str, va: String, vb: String) {
        let (l, c) = self.lb.at(path);
        let (la, _) = self.la.at(path);
        self.out.push(
            Diagnostic::error(format!(
                "{what} differs between translations: {vb} here, {va} in {}:{la}",
                path_text(&self.a.file)
            ))
            .in_file(&self.b.file)
            .at(l, c)
            .hint("the language versions of a page carry the same facts (only the wording is translated): correct whichever is wrong"),
        );
    }

    fn same<T: PartialEq + Serialize>(&mut self, path: &[Seg], what: &str, va: &T, vb: &T) {
        if va != vb {
            self.differ(path, what, show(va), show(vb));
        }
    }

    fn same_set(&mut self, path: &[Seg], what: &str, va: &[String], vb: &[String]) {
        let (sa, sb) = (sorted_set(va), sorted_set(vb));
        if sa != sb {
            self.differ(path, what, show(&sa), show(&sb));
        }
    }

    fn events(&mut self, table: &str, ea: &[Event], eb: &[Event]) {
        if ea.len() == eb.len() {
            for (i, (x, y)) in ea.iter().zip(eb).enumerate() {
                let n = i + 1;
                let p = |k| {
                    [
                        Seg::Key(table),
                        Seg::Key("events"),
                        Seg::Idx(i),
                        Seg::Key(k),
                    ]
                };
                self.same(
                    &p("date"),
                    &format!("{table}.events #{n} `date`"),
                    &x.date,
                    &y.date,
                );
                self.same(
                    &p("kind"),
                    &format!("{table}.events #{n} `kind`"),
                    &x.kind,
                    &y.kind,
                );
                self.same(
                    &p("source"),
                    &format!("{table}.events #{n} `source`"),
                    &x.source,
                    &y.source,
                );
            }
            return;
        }
        // Different counts: say which events are on one side only.
        let key = |e: &Event| {
            format!(
                "{} {} [{}]",
                e.date,
                show(&e.kind).trim_matches('"'),
                e.source
            )
        };
        let mut only_b: Vec<String> = eb.iter().map(key).collect();
        let mut only_a = Vec::new();
        for e in ea {
            let k = key(e);
            match only_b.iter().position(|x| *x == k) {
                Some(i) => {
                    only_b.remove(i);
                }
                None => only_a.push(k),
            }
        }
        let mut detail = Vec::new();
        if !only_a.is_empty() {
            detail.push(format!("missing here: {}", only_a.join("; ")));
        }
        if !only_b.is_empty() {
            detail.push(format!("only here: {}", only_b.join("; ")));
        }
        let path = [Seg::Key(table), Seg::Key("events")];
        let (l, c) = self.lb.at(&path);
        let (la, _) = self.la.at(&path);
        self.out.push(
            Diagnostic::error(format!(
                "`{table}.events` differ between translations: {} event(s) here, {} in {}:{la} ({})",
                eb.len(),
                ea.len(),
                path_text(&self.a.file),
                detail.join("; ")
            ))
            .in_file(&self.b.file)
            .at(l, c)
            .hint("every language version lists the same events (date, kind, source); only the titles are translated"),
        );
    }

    fn compare_values(
        &mut self,
        data: &Data,
        ca: &BTreeMap<String, CompareValue>,
        cb: &BTreeMap<String, CompareValue>,
    ) {
        let dims: BTreeSet<&String> = ca.keys().chain(cb.keys()).collect();
        for dim in dims {
            let what = format!("comparison value `{dim}`");
            let base = [Seg::Key("region"), Seg::Key("compare"), Seg::Key(dim)];
            match (ca.get(dim), cb.get(dim)) {
                (Some(x), None) => self.differ(&base, &what, show(&x.value), "(none)".into()),
                (None, Some(y)) => self.differ(&base, &what, "(none)".into(), show(&y.value)),
                (Some(x), Some(y)) => {
                    let mut src = base.to_vec();
                    src.push(Seg::Key("source"));
                    self.same(&src, &format!("{what} `source`"), &x.source, &y.source);
                    let kind = data.dimension(dim).map(|d| d.kind);
                    if kind.is_some_and(|k| k != DimensionType::Text) {
                        let k = kind.unwrap_or(DimensionType::Text);
                        let nx = crate::site::normalize_cell(k, &x.value)
                            .unwrap_or_else(|_| show(&x.value));
                        let ny = crate::site::normalize_cell(k, &y.value)
                            .unwrap_or_else(|_| show(&y.value));
                        if nx != ny {
                            let mut v = base.to_vec();
                            v.push(Seg::Key("value"));
                            self.differ(
                                &v,
                                &format!("{what} `value`"),
                                show(&x.value),
                                show(&y.value),
                            );
                        }
                    }
                }
                (None, None) => {}
            }
        }
    }
}

/// Compares the structured facts of `b` with those of `a` (the reference language).
fn compare_facts(a: &SourcePage, b: &SourcePage, data: &Data, out: &mut Vec<Diagnostic>) {
    let mut c = Compare {
        a,
        b,
        la: Locator::new(a),
        lb: Locator::new(b),
        out,
    };
    let (fa, fb) = (&a.front, &b.front);
    c.same(&[Seg::Key("date")], "`date`", &fa.date, &fb.date);
    c.same(
        &[Seg::Key("updated")],
        "`updated`",
        &fa.updated,
        &fb.updated,
    );
    if let (Some(ra), Some(rb)) = (&fa.region, &fb.region) {
        let r = Seg::Key("region");
        c.same(&[r, Seg::Key("kind")], "`region.kind`", &ra.kind, &rb.kind);
        c.same(
            &[r, Seg::Key("parent")],
            "`region.parent`",
            &ra.parent,
            &rb.parent,
        );
        c.same_set(
            &[r, Seg::Key("sources")],
            "`region.sources`",
            &ra.sources,
            &rb.sources,
        );
        c.events("region", &ra.events, &rb.events);
        c.compare_values(data, &ra.compare, &rb.compare);
    }
    if let (Some(da), Some(db)) = (&fa.drug, &fb.drug) {
        let d = Seg::Key("drug");
        c.same(
            &[d, Seg::Key("status")],
            "`drug.status`",
            &da.status,
            &db.status,
        );
        c.same_set(
            &[d, Seg::Key("regions")],
            "`drug.regions`",
            &da.regions,
            &db.regions,
        );
        c.same_set(
            &[d, Seg::Key("sources")],
            "`drug.sources`",
            &da.sources,
            &db.sources,
        );
        c.events("drug", &da.events, &db.events);
    }
}
