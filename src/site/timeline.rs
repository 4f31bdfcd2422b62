//! The timeline: every dated event of the region and drug pages of a language, newest first.

use super::Site;
use crate::date::PartialDate;
use crate::schema::EventKind;

/// A dated event, gathered for the timeline.
#[derive(Debug, Clone)]
pub struct TimelineEvent {
    /// Date.
    pub date: PartialDate,
    /// Kind.
    pub kind: EventKind,
    /// Sentence.
    pub title: String,
    /// Source id.
    pub source: String,
    /// Page index the event belongs to.
    pub page: usize,
    /// The inference note, when the date is the atlas's own inference.
    pub inferred: Option<String>,
}

impl Site {
    pub(super) fn timeline(&self, lang: &str) -> Vec<TimelineEvent> {
        let mut v = Vec::new();
        for i in 0..self.pages.len() {
            if self.pages[i].lang != lang {
                continue;
            }
            let f = self.file(i);
            let events = f.front.region.as_ref().map(|r| &r.events).or(f
                .front
                .drug
                .as_ref()
                .map(|d| &d.events));
            for e in events.into_iter().flatten() {
                v.push(TimelineEvent {
                    date: e.date,
                    kind: e.kind,
                    title: e.title.clone(),
                    source: e.source.clone(),
                    page: i,
                    inferred: e.inferred.clone(),
                });
            }
        }
        v.sort_by(|a, b| {
            b.date
                .cmp(&a.date)
                .then_with(|| self.pages[a.page].key.cmp(&self.pages[b.page].key))
                .then_with(|| a.title.cmp(&b.title))
        });
        v
    }
}
