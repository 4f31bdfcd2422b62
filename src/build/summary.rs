//! The one line `atlas build` and `atlas serve` (after each rebuild) end with: how many pages
//! in each language, warnings, time, and how many drafts were left out and how to include
//! them.
//!
//! Takes the site model (for the counts) and the caller's warnings and time; gives the line.
//! Must not print (the commands do).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::site::Site;

/// What the summary line counts in a built site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteCounts {
    /// Pages per language code, in the config's order of languages (untranslated pages
    /// shown in another language included).
    pub pages: Vec<(String, usize)>,
    /// Content files with `draft = true` that were left out.
    pub drafts_left_out: usize,
}

impl SiteCounts {
    /// The counts of `site`.
    pub fn of(site: &Site) -> SiteCounts {
        let mut by_lang: BTreeMap<&str, usize> = BTreeMap::new();
        for p in &site.pages {
            *by_lang.entry(p.lang.as_str()).or_default() += 1;
        }
        let pages = site
            .config
            .language_codes()
            .into_iter()
            .map(|l| (l.to_string(), by_lang.get(l).copied().unwrap_or(0)))
            .collect();
        SiteCounts {
            pages,
            drafts_left_out: site.drafts_left_out,
        }
    }
}

/// The summary line: "Done: 14 content pages (7 zh, 7 en), 1 warning, in 120 ms; 2 drafts left out
/// (add --drafts to include them)."
pub fn summary_line(counts: &SiteCounts, warnings: usize, elapsed: Duration) -> String {
    let total: usize = counts.pages.iter().map(|(_, n)| n).sum();
    let per_lang: Vec<String> = counts
        .pages
        .iter()
        .map(|(l, n)| format!("{n} {l}"))
        .collect();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = format!(
        "Done: {} ({}), {}, in {} ms",
        plural(total, "content page", "content pages"),
        per_lang.join(", "),
        plural(warnings, "warning", "warnings"),
        elapsed.as_millis()
    );
    if counts.drafts_left_out > 0 {
        line.push_str(&format!(
            "; {} left out (add --drafts to include {})",
            plural(counts.drafts_left_out, "draft", "drafts"),
            if counts.drafts_left_out == 1 {
                "it"
            } else {
                "them"
            }
        ));
    }
    line.push('.');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line() {
        let c = SiteCounts {
            pages: vec![("zh".into(), 7), ("en".into(), 7)],
            drafts_left_out: 0,
        };
        assert_eq!(
            summary_line(&c, 1, Duration::from_millis(120)),
            "Done: 14 content pages (7 zh, 7 en), 1 warning, in 120 ms."
        );
        let c = SiteCounts {
            drafts_left_out: 2,
            ..c
        };
        assert_eq!(
            summary_line(&c, 0, Duration::from_millis(5)),
            "Done: 14 content pages (7 zh, 7 en), 0 warnings, in 5 ms; 2 drafts left out (add --drafts to include them)."
        );
        let c = SiteCounts {
            drafts_left_out: 1,
            ..c
        };
        assert!(
            summary_line(&c, 0, Duration::ZERO)
                .ends_with("; 1 draft left out (add --drafts to include it).")
        );
    }
}
