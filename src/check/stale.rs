//! Stale facts: pages whose `updated` date is older than the limit, in the future, or
//! missing. Takes the parsed pages, the limit and today's date; gives warnings.

use super::locator::{Locator, Seg};
use crate::content::{Kind, SourcePage};
use crate::date::PartialDate;
use crate::diagnostics::Diagnostic;

/// The last day of the period a partial date names (`2024-06` → 2024-06-30).
pub(super) fn last_day(d: PartialDate) -> chrono::NaiveDate {
    use chrono::NaiveDate;
    match (d.month, d.day) {
        (Some(_), Some(_)) => d.first_day(),
        (Some(m), None) => {
            let (y, m) = if m == 12 {
                (d.year + 1, 1)
            } else {
                (d.year, m + 1)
            };
            NaiveDate::from_ymd_opt(y, m, 1)
                .and_then(|x| x.pred_opt())
                .unwrap_or_else(|| d.first_day())
        }
        _ => NaiveDate::from_ymd_opt(d.year, 12, 31).unwrap_or_else(|| d.first_day()),
    }
}

pub(super) fn stale(pages: &[&SourcePage], days: u32, today: chrono::NaiveDate) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for p in pages.iter().filter(|p| p.kind == Kind::Page) {
        let loc = Locator::new(p);
        match p.front.updated {
            None => {
                let (l, c) = loc.at(&[Seg::Key("title")]);
                out.push(
                    Diagnostic::warning(
                        "the page has no `updated` date: nothing says when its facts were last checked",
                    )
                    .in_file(&p.file)
                    .at(l, c)
                    .hint(format!(
                        "after checking the facts against the sources, add updated = {today} to the front matter"
                    )),
                );
            }
            Some(d) => {
                let (l, c) = loc.at(&[Seg::Key("updated")]);
                if d.first_day() > today {
                    out.push(
                        Diagnostic::warning(format!("`updated` = {d} is in the future"))
                            .in_file(&p.file)
                            .at(l, c)
                            .hint("set it to the day the facts were last checked"),
                    );
                    continue;
                }
                let age = (today - last_day(d)).num_days();
                if age > i64::from(days) {
                    out.push(
                        Diagnostic::warning(format!(
                            "facts last reviewed {d}, {age} days ago (the limit is {days} days)"
                        ))
                        .in_file(&p.file)
                        .at(l, c)
                        .hint(format!(
                            "check the facts against the sources, then set updated = {today}; the limit is [check] stale_after_days in atlas.toml, or --stale-days"
                        )),
                    );
                }
            }
        }
    }
    out
}
