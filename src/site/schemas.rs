//! Checks of the region and drug tables against the rest of the site: parent regions exist
//! and do not go round, related regions exist, source ids are in the registry, comparison
//! values have their dimension's type.

use std::collections::{HashMap, HashSet};

use super::compare::{normalize_cell, type_name};
use super::{REGIONS, Site};
use crate::content::{Kind, SourcePage};
use crate::diagnostics::Diagnostics;

impl Site {
    pub(super) fn check_schemas(&self, diags: &mut Diagnostics) {
        let regions: HashSet<&str> = self
            .files
            .iter()
            .filter(|f| f.kind == Kind::Page && f.section == REGIONS)
            .map(|f| f.stem.as_str())
            .collect();
        let region_exists = |slug: &str| {
            regions.contains(slug) || self.broken_keys.contains(&format!("{REGIONS}/{slug}"))
        };
        let regions_list = || {
            let mut v: Vec<&str> = self
                .files
                .iter()
                .filter(|f| f.kind == Kind::Page && f.section == REGIONS)
                .map(|f| f.stem.as_str())
                .collect();
            v.sort();
            v.dedup();
            v.join(", ")
        };
        let check_source = |f: &SourcePage, key: &str, id: &str, diags: &mut Diagnostics| {
            if self.data.source(id).is_none() && !self.data.sources_unreadable {
                diags.push(
                    f.front_error(
                        key,
                        &format!("\"{id}\""),
                        format!("unknown source id `{id}`"),
                    )
                    .hint(crate::suggest::hint_with(
                        id,
                        self.data.sources.iter().map(|s| s.id.as_str()),
                        &format!(
                            "add it to {} or use one of: {}",
                            crate::data::SOURCES_FILE,
                            self.source_ids()
                        ),
                    )),
                );
            }
        };
        // (language, region slug) -> parent slug
        let parents: HashMap<(&str, &str), &str> = self
            .files
            .iter()
            .filter(|f| f.kind == Kind::Page && f.section == REGIONS)
            .filter_map(|f| {
                let p = f.front.region.as_ref()?.parent.as_deref()?;
                Some(((f.lang.as_str(), f.stem.as_str()), p))
            })
            .collect();
        for f in &self.files {
            if let Some(r) = &f.front.region {
                if let Some(parent) = &r.parent {
                    if parent == &f.stem {
                        diags.push(
                            f.front_error("parent", parent, "a region cannot be its own parent")
                                .hint("remove `parent` or name another region"),
                        );
                    } else if let Some(circle) = parent_circle(&parents, &f.lang, &f.stem) {
                        diags.push(
                            f.front_error(
                                "parent",
                                parent,
                                format!(
                                    "the parents of region `{}` go round in a circle: {}",
                                    f.stem,
                                    circle.join(" → ")
                                ),
                            )
                            .hint("one region of the circle must have another parent (or none)"),
                        );
                    } else if !region_exists(parent) {
                        diags.push(
                            f.front_error(
                                "parent",
                                parent,
                                format!("parent region `{parent}` does not exist"),
                            )
                            .hint(crate::suggest::hint_with(
                                parent,
                                regions.iter().copied(),
                                &format!(
                                    "use the slug of a page in content/regions/: {}",
                                    regions_list()
                                ),
                            )),
                        );
                    }
                }
                self.check_region_bodies(f, r, diags);
                for s in &r.sources {
                    check_source(f, "sources", s, diags);
                }
                for e in &r.events {
                    check_source(f, "source", &e.source, diags);
                }
                for (dim_id, v) in &r.compare {
                    check_source(f, "source", &v.source, diags);
                    match self.data.dimension(dim_id) {
                        None if self.data.dimensions_unreadable => {}
                        None => diags.push(
                            f.front_error(
                                dim_id,
                                "",
                                format!("unknown comparison dimension `{dim_id}`"),
                            )
                            .hint(crate::suggest::hint_with(
                                dim_id,
                                self.data.dimensions.iter().map(|d| d.id.as_str()),
                                &format!(
                                    "use one of the ids in {}: {}",
                                    crate::data::DIMENSIONS_FILE,
                                    self.data
                                        .dimensions
                                        .iter()
                                        .map(|d| d.id.as_str())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            )),
                        ),
                        Some(d) => {
                            if let Err(why) = normalize_cell(d.kind, &v.value) {
                                diags.push(
                                    f.front_error(
                                        dim_id,
                                        "value",
                                        format!("[region.compare.{dim_id}]: {why}"),
                                    )
                                    .hint(format!(
                                        "dimension `{dim_id}` has type {}",
                                        type_name(d.kind)
                                    )),
                                );
                            }
                        }
                    }
                }
            }
            if let Some(d) = &f.front.drug {
                for region in &d.regions {
                    if !region_exists(region) {
                        diags.push(
                            f.front_error(
                                "regions",
                                &format!("\"{region}\""),
                                format!("related region `{region}` does not exist"),
                            )
                            .hint(crate::suggest::hint_with(
                                region,
                                regions.iter().copied(),
                                &format!(
                                    "use the slug of a page in content/regions/: {}",
                                    regions_list()
                                ),
                            )),
                        );
                    }
                }
                for s in &d.sources {
                    check_source(f, "sources", s, diags);
                }
                for e in &d.events {
                    check_source(f, "source", &e.source, diags);
                }
            }
        }
    }
}

/// The chain of parents from `start` back to itself (`a → b → a`), if it goes round.
fn parent_circle(
    parents: &HashMap<(&str, &str), &str>,
    lang: &str,
    start: &str,
) -> Option<Vec<String>> {
    let mut chain = vec![start.to_string()];
    let mut cur = start;
    while let Some(&p) = parents.get(&(lang, cur)) {
        chain.push(p.to_string());
        if p == start {
            return Some(chain);
        }
        if chain.len() > parents.len() + 1 {
            return None; // a circle further up, reported on its own regions
        }
        cur = p;
    }
    None
}
