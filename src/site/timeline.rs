//! The timeline: every dated event of the region and drug pages of a language, newest
//! first. Events that pages share (the same `id`) are one event naming every page; an id
//! whose events disagree on date, kind or source is an error naming both places.

use std::collections::HashMap;

use super::{DRUGS, Site};
use crate::date::PartialDate;
use crate::diagnostics::Diagnostic;
use crate::markdown::slugify;
use crate::schema::{Event, EventKind};

/// A dated event, gathered for the timeline.
#[derive(Debug, Clone)]
pub struct TimelineEvent {
    /// Date.
    pub date: PartialDate,
    /// Kind.
    pub kind: EventKind,
    /// Sentence (the main page's).
    pub title: String,
    /// Source id.
    pub source: String,
    /// The page the event belongs to: for a shared event, the drug page if one shares it
    /// (its sentence has the product as subject), else the first page by key.
    pub page: usize,
    /// The other pages that share the event, by key.
    pub also: Vec<usize>,
    /// The id of its entry in the timeline's list (`ev-<id>` for a shared event, else
    /// `ev-<page key>-<n>`, n counting the page's events from 1).
    pub anchor: String,
    /// The inference note, when the date is the atlas's own inference.
    pub inferred: Option<String>,
}

impl TimelineEvent {
    /// The event's pages: its own, then the ones that share it.
    pub fn pages(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.page).chain(self.also.iter().copied())
    }
}

impl Site {
    fn page_events(&self, i: usize) -> &[Event] {
        let f = self.file(i);
        f.front
            .region
            .as_ref()
            .map(|r| r.events.as_slice())
            .or(f.front.drug.as_ref().map(|d| d.events.as_slice()))
            .unwrap_or_default()
    }

    pub(super) fn timeline(&self, lang: &str, errors: &mut Vec<Diagnostic>) -> Vec<TimelineEvent> {
        let mut v: Vec<TimelineEvent> = Vec::new();
        // A shared id: the index of its event in `v`, with the page and event that first
        // gave it.
        let mut shared: HashMap<&str, (usize, usize, &Event)> = HashMap::new();
        for i in 0..self.pages.len() {
            if self.pages[i].lang != lang {
                continue;
            }
            let key = slugify(&self.pages[i].key.replace('/', "-"));
            for (n, e) in self.page_events(i).iter().enumerate() {
                let event = TimelineEvent {
                    date: e.date,
                    kind: e.kind,
                    title: e.title.clone(),
                    source: e.source.clone(),
                    page: i,
                    also: Vec::new(),
                    anchor: format!("ev-{key}-{}", n + 1),
                    inferred: e.inferred.clone(),
                };
                let Some(id) = e.id.as_deref() else {
                    v.push(event);
                    continue;
                };
                match shared.get(id) {
                    None => {
                        shared.insert(id, (v.len(), i, e));
                        v.push(TimelineEvent {
                            anchor: format!("ev-{}", slugify(id)),
                            ..event
                        });
                    }
                    Some(&(at, first_page, first)) => {
                        if (first.date, first.kind, &first.source) != (e.date, e.kind, &e.source) {
                            errors.push(self.shared_event_mismatch(
                                id,
                                (first_page, first),
                                (i, e),
                            ));
                            v.push(event);
                            continue;
                        }
                        let s = &mut v[at];
                        if s.also.contains(&i) || s.page == i {
                            errors.push(
                                Diagnostic::error(format!(
                                    "event id \"{id}\" is used twice on this page"
                                ))
                                .in_file(&self.file(i).file)
                                .at_pos(self.event_id_pos(i, id, 2))
                                .hint("give each event of a page its own id"),
                            );
                            continue;
                        }
                        // The drug page's sentence leads: its subject is the product.
                        let is_drug = |p: usize| self.file(p).section == DRUGS;
                        if is_drug(i) && !is_drug(s.page) {
                            s.also.push(s.page);
                            s.page = i;
                            s.title = e.title.clone();
                            s.inferred = e.inferred.clone();
                        } else {
                            s.also.push(i);
                        }
                    }
                }
            }
        }
        for e in &mut v {
            e.also
                .sort_by(|&a, &b| self.pages[a].key.cmp(&self.pages[b].key));
        }
        v.sort_by(|a, b| {
            b.date
                .cmp(&a.date)
                .then_with(|| self.pages[a.page].key.cmp(&self.pages[b.page].key))
                .then_with(|| a.title.cmp(&b.title))
        });
        v
    }

    /// Where the `nth` (from 1) `id = "<id>"` line of a page's front matter is.
    fn event_id_pos(&self, page: usize, id: &str, nth: usize) -> Option<(usize, usize)> {
        let f = self.file(page);
        let needle = format!("\"{id}\"");
        f.front_text
            .lines()
            .enumerate()
            .filter(|(_, l)| {
                let t = l.trim_start();
                t.strip_prefix("id")
                    .map(|r| r.trim_start().starts_with('=') && r.contains(&needle))
                    .unwrap_or(false)
            })
            .nth(nth - 1)
            .map(|(n, l)| {
                let col = l.find(&needle).map_or(1, |c| c + 2);
                (n + f.front_line, col)
            })
    }

    fn shared_event_mismatch(
        &self,
        id: &str,
        (first_page, first): (usize, &Event),
        (page, e): (usize, &Event),
    ) -> Diagnostic {
        let mut differ = Vec::new();
        if first.date != e.date {
            differ.push(format!("date {} here, {} there", e.date, first.date));
        }
        if first.kind != e.kind {
            differ.push(format!(
                "kind {} here, {} there",
                e.kind.key(),
                first.kind.key()
            ));
        }
        if first.source != e.source {
            differ.push(format!("source {} here, {} there", e.source, first.source));
        }
        let there = self.file(first_page);
        let there_at = match self.event_id_pos(first_page, id, 1) {
            Some((l, _)) => format!("{}:{l}", there.file.display()),
            None => there.file.display().to_string(),
        };
        Diagnostic::error(format!(
            "event id \"{id}\" is shared with {there_at}, but the events differ: {}",
            differ.join("; ")
        ))
        .in_file(&self.file(page).file)
        .at_pos(self.event_id_pos(page, id, 1))
        .hint("a shared event has one date, kind and source on every page: make them agree, or give the events different ids")
    }
}
