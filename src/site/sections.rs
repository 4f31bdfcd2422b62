//! Sections: the checks on section folders (reserved names, which sections may hold region
//! and drug tables), the plain index made for a section without an `_index` file, and the
//! list of sections.

use std::collections::HashSet;
use std::path::PathBuf;

use super::{DRUGS, REGIONS, RESERVED_SECTIONS, Site};
use crate::content::{Kind, SourcePage};
use crate::diagnostics::{Diagnostic, Diagnostics};

impl Site {
    /// Sections (folder names) that have an index or pages, sorted.
    pub fn sections(&self) -> Vec<String> {
        let set: std::collections::BTreeSet<String> = self
            .files
            .iter()
            .filter(|f| f.kind != Kind::Home)
            .map(|f| f.section.clone())
            .collect();
        set.into_iter().collect()
    }

    pub(super) fn check_sections(&self, diags: &mut Diagnostics) {
        for f in &self.files {
            let top = f.section.split('/').next().unwrap_or("");
            if RESERVED_SECTIONS.contains(&top) {
                diags.push(
                    Diagnostic::error(format!(
                        "content/{top}/ is a section name atlas uses for its own pages"
                    ))
                    .in_file(&f.file)
                    .hint(format!(
                        "rename the folder; reserved names: {}",
                        RESERVED_SECTIONS.join(", ")
                    )),
                );
            }
            let is_page = f.kind == Kind::Page;
            let expect_region = is_page && f.section == REGIONS;
            let expect_drug = is_page && f.section == DRUGS;
            match (&f.front.region, expect_region) {
                (None, true) => diags.push(
                    f.front_error("title", "", "a region page needs a [region] table")
                        .hint(format!(
                            "add [region] with at least kind = ... ({})",
                            crate::schema::RegionKind::ALL
                        )),
                ),
                (Some(_), false) => diags.push(
                    f.front_error(
                        "region",
                        "",
                        "only pages in content/regions/ may have a [region] table",
                    )
                    .hint("move the page to content/regions/ or remove the table"),
                ),
                _ => {}
            }
            match (&f.front.drug, expect_drug) {
                (None, true) => diags.push(
                    f.front_error("title", "", "a drug page needs a [drug] table")
                        .hint("add [drug] with developer, cell_type, indications, status and regulator (see README.md)"),
                ),
                (Some(_), false) => diags.push(
                    f.front_error("drug", "", "only pages in content/drugs/ may have a [drug] table")
                        .hint("move the page to content/drugs/ or remove the table"),
                ),
                _ => {}
            }
        }
    }

    /// Every site needs a home page; a section with pages but no `_index` file gets a plain
    /// one so that no link leads nowhere.
    pub(super) fn add_missing_indexes(&mut self, diags: &mut Diagnostics) {
        // A home file that failed to parse has been reported already.
        if !self.files.iter().any(|f| f.kind == Kind::Home) && !self.broken_keys.contains("_index")
        {
            diags.push(
                Diagnostic::error("the site has no home page")
                    .in_file("content")
                    .hint(format!(
                        "create content/_index.{}.md with at least a title in its front matter",
                        self.config.default_language
                    )),
            );
        }
        let with_index: HashSet<String> = self
            .files
            .iter()
            .filter(|f| f.kind == Kind::Section)
            .map(|f| f.section.clone())
            .collect();
        let mut missing: Vec<(String, String)> = self
            .files
            .iter()
            .filter(|f| f.kind == Kind::Page && !with_index.contains(&f.section))
            .map(|f| (f.section.clone(), f.lang.clone()))
            .collect();
        missing.sort();
        missing.dedup_by(|a, b| a.0 == b.0);
        for (section, lang) in missing {
            let file = PathBuf::from(format!("content/{section}/_index.{lang}.md"));
            self.warnings.push(
                Diagnostic::warning(format!(
                    "section {section}/ has no _index file; its list page is titled {section:?}"
                ))
                .in_file(&file)
                .hint("create the file with a title (and an introduction) in each language"),
            );
            self.files.push(SourcePage {
                file,
                lang,
                kind: Kind::Section,
                section: section.clone(),
                stem: "_index".into(),
                front: crate::content::FrontMatter {
                    title: section,
                    ..Default::default()
                },
                body: "".into(),
                body_line: 1,
                front_text: "".into(),
                front_line: 1,
            });
        }
    }
}
