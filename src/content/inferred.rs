//! Inference marks: a structured value that is the atlas's own inference carries a note
//! (`[drug.inferred]` / `[region.inferred]` field → note, `inferred = "…"` on an event or a
//! comparison value). Takes a parsed page; gives the errors in its marks (an unknown field, a
//! mark on a field the page leaves empty, an empty note). Must not change the page.

use super::SourcePage;
use crate::diagnostics::Diagnostic;

/// Errors in the inference marks of one page.
pub(super) fn check_inferred(page: &SourcePage) -> Vec<Diagnostic> {
    let mut errs = Vec::new();
    let f = &page.front;
    let mut fields = |table: &str,
                      marks: &std::collections::BTreeMap<String, String>,
                      allowed: &[&str],
                      has_value: &dyn Fn(&str) -> bool| {
        for (field, note) in marks {
            let at = |msg: String| page.front_error("inferred", &format!("{field} ="), msg);
            if !allowed.contains(&field.as_str()) {
                errs.push(
                    at(format!(
                        "[{table}.inferred] names `{field}`, which cannot be marked as inferred"
                    ))
                    .hint(format!("mark one of: {}", allowed.join(", "))),
                );
            } else if !has_value(field) {
                errs.push(
                    at(format!(
                        "[{table}.inferred] marks `{field}`, but the page gives no {field}"
                    ))
                    .hint(format!("remove the mark, or give `{field}` a value")),
                );
            }
            if note.trim().is_empty() {
                errs.push(
                    at(format!("[{table}.inferred] `{field}` has an empty note"))
                        .hint("say in the page's language what the atlas inferred, and from what"),
                );
            }
        }
    };
    let mut events: Vec<&crate::schema::Event> = Vec::new();
    let mut compare: Vec<&crate::schema::CompareValue> = Vec::new();
    if let Some(r) = &f.region {
        fields(
            "region",
            &r.inferred,
            crate::schema::RegionData::INFERABLE,
            &|k| r.has_value(k),
        );
        events.extend(&r.events);
        compare.extend(r.compare.values());
    }
    if let Some(d) = &f.drug {
        fields(
            "drug",
            &d.inferred,
            crate::schema::DrugData::INFERABLE,
            &|k| d.has_value(k),
        );
        events.extend(&d.events);
    }
    let empty = events
        .iter()
        .filter_map(|e| e.inferred.as_deref())
        .chain(compare.iter().filter_map(|v| v.inferred.as_deref()))
        .any(|n| n.trim().is_empty());
    if empty {
        errs.push(
            page.front_error("inferred", "\"\"", "an `inferred` note is empty")
                .hint("say in the page's language what the atlas inferred, and from what"),
        );
    }
    errs
}

#[cfg(test)]
mod tests {
    use crate::content::{Kind, parse_page};

    fn errors(front: &str) -> Vec<String> {
        let text = format!("+++\ntitle = \"T\"\n{front}+++\nBody.\n");
        match parse_page(
            &text,
            "content/drugs/a.en.md".into(),
            "drugs".into(),
            "a".into(),
            "en".into(),
            Kind::Page,
        ) {
            Ok(_) => Vec::new(),
            Err(e) => e.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn marks_on_given_fields_with_notes_parse() {
        let e = errors(
            "[drug]\ninn = \"x-L\"\nstatus = \"approved\"\n\n[[drug.events]]\ndate = \"2024-01-18\"\ntitle = \"T\"\nsource = \"s\"\ninferred = \"Year from the report's date.\"\n\n[drug.inferred]\ninn = \"The atlas's identification.\"\nstatus = \"Read from the wording.\"\n",
        );
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn unknown_field_is_an_error_at_its_line() {
        let e = errors("[drug]\nstatus = \"approved\"\n\n[drug.inferred]\ncolour = \"A note.\"\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("content/drugs/a.en.md:7:1: error: [drug.inferred] names `colour`")
                && e[0].contains("mark one of: inn, brand"),
            "{e:?}"
        );
    }

    #[test]
    fn a_mark_on_an_empty_field_and_an_empty_note_are_errors() {
        let e = errors(
            "[drug]\nstatus = \"approved\"\n\n[drug.inferred]\ndeveloper = \"A note.\"\nstatus = \" \"\n",
        );
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].starts_with("content/drugs/a.en.md:7:1: error: [drug.inferred] marks `developer`, but the page gives no developer"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with(
                "content/drugs/a.en.md:8:1: error: [drug.inferred] `status` has an empty note"
            ),
            "{e:?}"
        );
    }

    #[test]
    fn empty_event_note_is_an_error() {
        let e = errors(
            "[drug]\nstatus = \"approved\"\n\n[[drug.events]]\ndate = \"2024\"\ntitle = \"T\"\nsource = \"s\"\ninferred = \"\"\n",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("content/drugs/a.en.md:10:12: error: an `inferred` note is empty"),
            "{e:?}"
        );
    }

    #[test]
    fn price_as_of_needs_a_price() {
        let e = errors("[drug]\nstatus = \"approved\"\nprice_as_of = \"2025-12\"\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("content/drugs/a.en.md:5:1: error: `price_as_of` = 2025-12 but the page gives no price"),
            "{e:?}"
        );
    }
}
