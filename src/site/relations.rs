//! Relations between pages, computed once: the sorted lists (pages of a section, drugs of a
//! region, child regions) and the backlinks.

use std::collections::HashMap;

use super::{REGIONS, Site};
use crate::content::Kind;

/// Lists computed once: (language, section) → pages; (language, region slug) → drugs and
/// child regions. Each sorted by weight, then title.
#[derive(Debug, Default)]
pub(super) struct Lists {
    pub(super) sections: HashMap<(String, String), Vec<usize>>,
    pub(super) drugs_of_region: HashMap<(String, String), Vec<usize>>,
    pub(super) children: HashMap<(String, String), Vec<usize>>,
}

impl Site {
    /// Pages of one section in one language, sorted by weight, then title.
    pub fn section_pages(&self, lang: &str, section: &str) -> &[usize] {
        self.lists
            .sections
            .get(&(lang.to_string(), section.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// Drugs (same language) whose `regions` name this region page.
    pub fn drugs_of_region(&self, page: usize) -> &[usize] {
        let key = (self.pages[page].lang.clone(), self.file(page).stem.clone());
        self.lists
            .drugs_of_region
            .get(&key)
            .map_or(&[], Vec::as_slice)
    }

    /// Regions (same language) whose parent is this region page.
    pub fn children_of_region(&self, page: usize) -> &[usize] {
        let key = (self.pages[page].lang.clone(), self.file(page).stem.clone());
        self.lists.children.get(&key).map_or(&[], Vec::as_slice)
    }

    /// Computes the section lists and the region relations once.
    pub(super) fn index_lists(&mut self) {
        let mut lists = Lists::default();
        for i in 0..self.pages.len() {
            let f = self.file(i);
            if f.kind != Kind::Page {
                continue;
            }
            let lang = self.pages[i].lang.clone();
            lists
                .sections
                .entry((lang.clone(), f.section.clone()))
                .or_default()
                .push(i);
            if let Some(d) = &f.front.drug {
                for r in &d.regions {
                    lists
                        .drugs_of_region
                        .entry((lang.clone(), r.clone()))
                        .or_default()
                        .push(i);
                }
            }
            if let Some(parent) = f.front.region.as_ref().and_then(|r| r.parent.as_ref()) {
                lists
                    .children
                    .entry((lang.clone(), parent.clone()))
                    .or_default()
                    .push(i);
            }
        }
        let key = |site: &Site, i: usize| {
            let f = site.file(i);
            (
                f.front.weight,
                f.front.title.clone(),
                site.pages[i].key.clone(),
            )
        };
        for v in lists
            .sections
            .values_mut()
            .chain(lists.drugs_of_region.values_mut())
            .chain(lists.children.values_mut())
        {
            v.sort_by_cached_key(|&i| key(self, i));
            v.dedup();
        }
        self.lists = lists;
    }

    /// Backlinks: pages (same language) that link to a page, or name it as parent or related
    /// region, by title.
    pub(super) fn compute_backlinks(&mut self) {
        let n = self.pages.len();
        let mut backlinks: Vec<Vec<usize>> = vec![Vec::new(); n];
        for from in 0..n {
            let lang = self.pages[from].lang.clone();
            if self.pages[from].fallback {
                continue;
            }
            let mut targets: Vec<String> = self
                .body(from)
                .links
                .iter()
                .map(|l| l.key.clone())
                .collect();
            let f = self.file(from);
            if let Some(r) = &f.front.region {
                if let Some(p) = &r.parent {
                    targets.push(format!("{REGIONS}/{p}"));
                }
            }
            if let Some(d) = &f.front.drug {
                targets.extend(d.regions.iter().map(|r| format!("{REGIONS}/{r}")));
            }
            for t in targets {
                if let Some(to) = self.page(&lang, &t) {
                    if to != from && !backlinks[to].contains(&from) {
                        backlinks[to].push(from);
                    }
                }
            }
        }
        for (i, mut b) in backlinks.into_iter().enumerate() {
            b.sort_by(|&x, &y| self.file(x).front.title.cmp(&self.file(y).front.title));
            self.pages[i].backlinks = b;
        }
    }
}
