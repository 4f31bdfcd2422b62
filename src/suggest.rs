//! "Did you mean": the nearest valid name to a misspelt one.
//!
//! Takes a name someone typed and the names that would have been valid; gives the nearest of
//! them when it is near enough to be a misspelling (optimal string alignment distance, so a
//! swapped pair of letters counts as one edit), or nothing, so unrelated names are never
//! suggested. Also reads the field names out of serde's "unknown field" messages. Must not
//! know where the names come from (keys, pages, sources, dimensions, filters).

/// The nearest of `candidates` to `name`, if near enough to be a misspelling of it: at most
/// one edit per three characters of `name` (at least one edit), and fewer edits than `name`
/// has characters. An exact match is not a suggestion. Of equally near ones, the first in
/// alphabetical order wins (the same answer whatever the order of `candidates`).
pub fn nearest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let len = name.chars().count();
    let limit = (len / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let d = strsim::osa_distance(name, c);
        if d == 0 || d > limit || d >= len {
            continue;
        }
        if best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// "did you mean `x`?" for the nearest candidate, or `None`.
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    nearest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// `hint` led by "did you mean `x`? Otherwise " when a candidate is near enough to `name`.
pub fn hint_with<'a, I>(name: &str, candidates: I, hint: &str) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    match nearest(name, candidates) {
        Some(c) => format!("did you mean `{c}`? Otherwise {hint}"),
        None => hint.to_string(),
    }
}

/// The unknown field and the expected ones, from serde's message
/// "unknown field `titel`, expected one of `title`, `description`" (or "expected `title`").
pub fn unknown_field(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = message.split("unknown field `").nth(1)?;
    let (field, rest) = rest.split_once('`')?;
    let expected = rest
        .split_once("expected")
        .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
        .unwrap_or_default();
    Some((field, expected))
}

/// A hint for serde's "unknown field" message: "change `titel` to `title`", when one of the
/// expected fields is near enough.
pub fn unknown_field_hint(message: &str) -> Option<String> {
    let (field, expected) = unknown_field(message)?;
    let near = nearest(field, expected)?;
    Some(format!("change `{field}` to `{near}`"))
}

/// The hint for a serde parse error: [`unknown_field_hint`] when it applies, else `default`.
pub fn serde_hint(message: &str, default: &str) -> String {
    unknown_field_hint(message).unwrap_or_else(|| default.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspellings_are_suggested() {
        let keys = ["title", "description", "date", "updated", "draft"];
        assert_eq!(nearest("titel", keys), Some("title"));
        assert_eq!(nearest("descripton", keys), Some("description"));
        assert_eq!(nearest("Title", keys), Some("title"));
        assert_eq!(nearest("updatd", keys), Some("updated"));
    }

    #[test]
    fn unrelated_names_are_not_suggested() {
        let keys = ["title", "description", "date", "updated", "draft"];
        assert_eq!(nearest("zzzzzz", keys), None);
        assert_eq!(nearest("title", keys), None);
        assert_eq!(nearest("x", ["a", "b"]), None);
        assert_eq!(nearest("colour", keys), None);
    }

    #[test]
    fn the_nearest_wins() {
        assert_eq!(
            nearest("nmpa-2024", ["nmpa-2023", "nmpa-2024b", "who-2024"]),
            Some("nmpa-2023")
        );
        assert_eq!(
            did_you_mean("bejing", ["beijing", "shanghai"]).as_deref(),
            Some("did you mean `beijing`?")
        );
    }

    #[test]
    fn serde_messages() {
        let m = "unknown field `titel`, expected one of `title`, `description`";
        assert_eq!(
            unknown_field(m),
            Some(("titel", vec!["title", "description"]))
        );
        assert_eq!(
            unknown_field_hint(m).as_deref(),
            Some("change `titel` to `title`")
        );
        assert_eq!(
            unknown_field("unknown field `x`, expected `id`"),
            Some(("x", vec!["id"]))
        );
        assert_eq!(unknown_field("missing field `title`"), None);
    }
}
