//! What to do about a Tera syntax error: which block tag is never closed, which end tag has
//! nothing to end, which `{{` has no `}}`, and the nearest known name for an unknown tag,
//! filter, function or test.
//!
//! Takes the template's text and Tera's message and position; gives a message that says what
//! to type, or nothing when it cannot tell (the caller keeps Tera's message). Only looks at
//! the delimiters `{% %}`, `{{ }}` and `{# #}` and the first word of each tag; must not try to
//! parse expressions (Tera does that).

/// Block tags and the tag that ends each.
const BLOCKS: &[(&str, &str)] = &[
    ("if", "endif"),
    ("for", "endfor"),
    ("block", "endblock"),
    ("filter", "endfilter"),
    ("raw", "endraw"),
    ("component", "endcomponent"),
    ("set", "endset"),
];

/// Every tag Tera 2 knows (for "did you mean").
const TAGS: &[&str] = &[
    "if",
    "elif",
    "else",
    "endif",
    "for",
    "endfor",
    "break",
    "continue",
    "block",
    "endblock",
    "filter",
    "endfilter",
    "raw",
    "endraw",
    "component",
    "endcomponent",
    "set",
    "set_global",
    "endset",
    "include",
    "extends",
];

/// Tera 2.4's built-in filters and the ones atlas adds (none so far).
pub(super) const FILTERS: &[&str] = &[
    "safe",
    "default",
    "upper",
    "lower",
    "wordcount",
    "escape",
    "escape_html",
    "escape_xml",
    "newlines_to_br",
    "pluralize",
    "trim",
    "trim_start",
    "trim_end",
    "replace",
    "capitalize",
    "title",
    "truncate",
    "indent",
    "str",
    "int",
    "float",
    "length",
    "reverse",
    "split",
    "abs",
    "round",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "get",
    "values",
    "keys",
    "pairs",
    "group_by",
];

/// Tera 2.4's built-in tests.
pub(super) const TESTS: &[&str] = &[
    "string",
    "number",
    "map",
    "bool",
    "array",
    "integer",
    "float",
    "none",
    "iterable",
    "defined",
    "undefined",
    "odd",
    "even",
    "divisible_by",
    "starting_with",
    "ending_with",
    "containing",
];

/// Tera 2.4's built-in functions and atlas's `trans`.
pub(super) const FUNCTIONS: &[&str] = &["range", "throw", "trans"];

/// A rewritten error: message, hint and the 1-based line and column to point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Explained {
    pub message: String,
    pub hint: String,
    pub line: usize,
    pub column: usize,
}

/// One `{% ... %}` tag: its first word, the rest, and where `{%` is.
#[derive(Debug)]
struct Tag<'a> {
    word: &'a str,
    rest: &'a str,
    start: usize,
}

/// What the scan of a template found.
#[derive(Debug, Default)]
struct Scan<'a> {
    tags: Vec<Tag<'a>>,
    /// A `{{`, `{%` or `{#` with no closing delimiter: (opening, offset).
    unterminated: Option<(&'static str, usize)>,
}

fn scan(src: &str) -> Scan<'_> {
    let mut out = Scan::default();
    let mut i = 0;
    while let Some(found) = src[i..].find('{') {
        let at = i + found;
        let rest = &src[at..];
        let (open, close) = if rest.starts_with("{%") {
            ("{%", "%}")
        } else if rest.starts_with("{{") {
            ("{{", "}}")
        } else if rest.starts_with("{#") {
            ("{#", "#}")
        } else {
            i = at + 1;
            continue;
        };
        let inner_start = at + 2;
        let Some(len) = src[inner_start..].find(close) else {
            out.unterminated = Some((open, at));
            return out;
        };
        let inner_end = inner_start + len;
        i = inner_end + 2;
        if open != "{%" {
            continue;
        }
        let inner = src[inner_start..inner_end]
            .trim_start_matches(['-', '+', '~'])
            .trim_end_matches(['-', '+', '~'])
            .trim();
        let (word, rest) = inner
            .split_once(char::is_whitespace)
            .map_or((inner, ""), |(w, r)| (w, r.trim()));
        out.tags.push(Tag {
            word,
            rest,
            start: at,
        });
        if word == "raw" {
            // Everything up to `{% endraw %}` is text.
            let mut j = i;
            loop {
                let Some(k) = src[j..].find("{%") else {
                    return out;
                };
                let at = j + k;
                let Some(e) = src[at + 2..].find("%}") else {
                    return out;
                };
                let inner = src[at + 2..at + 2 + e].trim_matches(['-', '+', '~', ' ', '\t', '\n']);
                j = at + 2 + e + 2;
                if inner == "endraw" {
                    out.tags.push(Tag {
                        word: "endraw",
                        rest: "",
                        start: at,
                    });
                    i = j;
                    break;
                }
            }
        }
    }
    out
}

/// The end tag of a block tag, or `None` if `word` opens no block (`set` only opens one in
/// its block form, without `=`).
fn end_of(tag: &Tag) -> Option<&'static str> {
    if tag.word == "set" && tag.rest.contains('=') {
        return None;
    }
    BLOCKS
        .iter()
        .find(|(open, _)| *open == tag.word)
        .map(|(_, end)| *end)
}

fn opener_of(end: &str) -> Option<&'static str> {
    BLOCKS.iter().find(|(_, e)| *e == end).map(|(o, _)| *o)
}

fn pos(src: &str, offset: usize) -> (usize, usize) {
    crate::diagnostics::line_col(src, offset)
}

pub(super) const SYNTAX_HINT: &str = "fix the template syntax: every {% if %}, {% for %}, {% block %}, {% filter %}, {% raw %} and {% component %} needs its end tag, and every {{ needs its }}";

/// Explains a syntax error Tera reported with `message` at byte `offset` of `src`.
pub(super) fn explain_syntax(src: &str, message: &str, offset: usize) -> Option<Explained> {
    let scan = scan(src);
    let at = |offset: usize, message: String, hint: &str| {
        let (line, column) = pos(src, offset);
        Some(Explained {
            message,
            hint: hint.to_string(),
            line,
            column,
        })
    };
    // The block tags open before `limit`, walking through their end tags; stops at the first
    // end tag that does not match and returns it with what was open.
    let walk = |limit: usize| {
        let mut open: Vec<&Tag> = Vec::new();
        for t in scan.tags.iter().take_while(|t| t.start < limit) {
            if end_of(t).is_some() {
                open.push(t);
            } else if let Some(opener) = opener_of(t.word) {
                match open.last() {
                    Some(o) if o.word == opener => {
                        open.pop();
                    }
                    _ => return (open, Some(t)),
                }
            }
        }
        (open, None)
    };
    let unknown_tag = message == "Unknown tag";
    if !unknown_tag {
        if let Some((delim, start)) = scan.unterminated {
            let (close, what) = match delim {
                "{{" => ("}}", "expression"),
                "{%" => ("%}", "tag"),
                _ => ("#}", "comment"),
            };
            let (line, _) = pos(src, start);
            return at(
                start,
                format!("the {what} `{delim}` at line {line} is never closed: add `{close}`"),
                SYNTAX_HINT,
            );
        }
    }
    if message.contains("expected }}") {
        // `{{ x }` or `{{ x` followed by more text: the last `{{` before the error.
        if let Some(start) = src[..offset.min(src.len())].rfind("{{") {
            let (line, _) = pos(src, start);
            return at(
                start,
                format!("the expression `{{{{` at line {line} is never closed: add `}}}}`"),
                SYNTAX_HINT,
            );
        }
    }
    if message == "Unexpected end of input" || message.starts_with("unexpected end of raw") {
        let (open, stray) = walk(usize::MAX);
        if stray.is_none() {
            if let Some(t) = open.last() {
                let end = end_of(t).unwrap_or("end");
                let (line, _) = pos(src, t.start);
                return at(
                    t.start,
                    format!(
                        "`{{% {} %}}` at line {line} is never closed: add `{{% {end} %}}`",
                        t.word
                    ),
                    SYNTAX_HINT,
                );
            }
        }
        return None;
    }
    if unknown_tag {
        let tag = scan
            .tags
            .iter()
            .find(|t| t.start <= offset && offset < t.start + 3 + t.word.len() + 3)?;
        let (line, _) = pos(src, tag.start);
        if let Some(opener) = opener_of(tag.word) {
            let (open, _) = walk(tag.start);
            // An inner block left open, when there is an `if` further out for the `endif`.
            let inner = open
                .iter()
                .any(|o| o.word == opener)
                .then(|| open.last())
                .flatten();
            let message = match inner {
                Some(o) => {
                    let (oline, _) = pos(src, o.start);
                    format!(
                        "`{{% {} %}}` at line {line} does not end the `{{% {} %}}` opened at line {oline}: add `{{% {} %}}` before it, or remove it",
                        tag.word,
                        o.word,
                        end_of(o).unwrap_or("end")
                    )
                }
                None => format!(
                    "`{{% {} %}}` at line {line} has no `{{% {opener} %}}` to end: remove it, or add the `{{% {opener} … %}}` it should end",
                    tag.word
                ),
            };
            return at(tag.start, message, SYNTAX_HINT);
        }
        if matches!(tag.word, "else" | "elif") {
            return at(
                tag.start,
                format!(
                    "`{{% {} %}}` at line {line} is outside any `{{% if %}}`: move it inside one, or remove it",
                    tag.word
                ),
                SYNTAX_HINT,
            );
        }
        let suggestion = match crate::suggest::nearest(tag.word, TAGS.iter().copied()) {
            Some(t) => format!(": did you mean `{{% {t} %}}`?"),
            None if tag.word == "macro" || tag.word == "endmacro" => {
                ": Tera 2 has no macros; write a `{% component %}` instead".to_string()
            }
            None => format!(": use one of {}", TAGS.join(", ")),
        };
        return at(
            tag.start,
            format!(
                "`{{% {} %}}` at line {line} is not a Tera tag{suggestion}",
                tag.word
            ),
            SYNTAX_HINT,
        );
    }
    None
}

/// "Unknown filter `uper`" and the like, with the nearest known name: gives the new message,
/// or `None` if `message` is not about an unknown filter, function or test.
pub(super) fn explain_unknown_name(message: &str) -> Option<String> {
    let (what, known): (&str, &[&str]) = if message.starts_with("Unknown filter `") {
        ("filter", FILTERS)
    } else if message.starts_with("Unknown function `") {
        ("function", FUNCTIONS)
    } else if message.starts_with("Unknown test `") {
        ("test", TESTS)
    } else {
        return None;
    };
    let name = message.split('`').nth(1)?;
    Some(match crate::suggest::nearest(name, known.iter().copied()) {
        Some(near) => format!("unknown {what} `{name}`: did you mean `{near}`?"),
        None => format!("unknown {what} `{name}`: use one of {}", known.join(", ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tera's own error for a template (syntax, or unknown names, which only show when the
    /// template is added to a set).
    fn tera_error(src: &str) -> (String, usize) {
        let mut t = tera::Tera::default();
        let e = t.add_raw_template("t", src).unwrap_err();
        match e.kind() {
            tera::ErrorKind::SyntaxError(r) => (r.message().to_string(), r.span().range.start),
            k => (format!("{k:?}"), 0),
        }
    }

    fn explained(src: &str) -> String {
        let (msg, offset) = tera_error(src);
        explain_syntax(src, &msg, offset)
            .unwrap_or_else(|| panic!("not explained: {msg}"))
            .message
    }

    #[test]
    fn unclosed_blocks_name_their_end_tag() {
        assert_eq!(
            explained("a\nb\nc\n{% if x %}\nd\n"),
            "`{% if %}` at line 4 is never closed: add `{% endif %}`"
        );
        assert_eq!(
            explained("{% for x in y %}\n{% if x %}{% endif %}\n"),
            "`{% for %}` at line 1 is never closed: add `{% endfor %}`"
        );
        assert_eq!(
            explained("{% block main %}\n"),
            "`{% block %}` at line 1 is never closed: add `{% endblock %}`"
        );
        assert_eq!(
            explained("x\n{% filter upper %}\ny\n"),
            "`{% filter %}` at line 2 is never closed: add `{% endfilter %}`"
        );
        assert_eq!(
            explained("x\n{% raw %}\n{{ y }}\n"),
            "`{% raw %}` at line 2 is never closed: add `{% endraw %}`"
        );
        assert_eq!(
            explained("{% if a %}{% for x in y %}{% endfor %}\n"),
            "`{% if %}` at line 1 is never closed: add `{% endif %}`"
        );
    }

    #[test]
    fn stray_and_mismatched_end_tags() {
        assert_eq!(
            explained("a\n{% endif %}\n"),
            "`{% endif %}` at line 2 has no `{% if %}` to end: remove it, or add the `{% if … %}` it should end"
        );
        assert_eq!(
            explained("{% block b %}\n{% endif %}{% endblock b %}\n"),
            "`{% endif %}` at line 2 has no `{% if %}` to end: remove it, or add the `{% if … %}` it should end"
        );
        assert_eq!(
            explained("{% if a %}\n{% for x in y %}\n{% endif %}"),
            "`{% endif %}` at line 3 does not end the `{% for %}` opened at line 2: add `{% endfor %}` before it, or remove it"
        );
    }

    #[test]
    fn unknown_tags_and_macros() {
        assert_eq!(
            explained("{% iff a %}{% endif %}"),
            "`{% iff %}` at line 1 is not a Tera tag: did you mean `{% if %}`?"
        );
        assert_eq!(
            explained("{% macro m() %}\nx\n"),
            "`{% macro %}` at line 1 is not a Tera tag: Tera 2 has no macros; write a `{% component %}` instead"
        );
    }

    #[test]
    fn unterminated_expressions() {
        assert_eq!(
            explained("a\n{{ x \nb\n"),
            "the expression `{{` at line 2 is never closed: add `}}`"
        );
        assert_eq!(
            explained("a\n{{ x }\nb"),
            "the expression `{{` at line 2 is never closed: add `}}`"
        );
        assert_eq!(
            explained("a\n\n{{ x"),
            "the expression `{{` at line 3 is never closed: add `}}`"
        );
    }

    #[test]
    fn unknown_names_suggest_the_nearest() {
        assert_eq!(
            explain_unknown_name("Unknown filter `uper`").as_deref(),
            Some("unknown filter `uper`: did you mean `upper`?")
        );
        assert_eq!(
            explain_unknown_name("Unknown function `tran`").as_deref(),
            Some("unknown function `tran`: did you mean `trans`?")
        );
        assert_eq!(
            explain_unknown_name("Unknown test `nmber`").as_deref(),
            Some("unknown test `nmber`: did you mean `number`?")
        );
        assert!(
            explain_unknown_name("Unknown filter `zzzzzzzz`")
                .unwrap()
                .starts_with("unknown filter `zzzzzzzz`: use one of safe, default")
        );
        assert_eq!(explain_unknown_name("Variable `x` is not defined."), None);
    }

    /// The lists of names are Tera's: each is known to a plain Tera (and `trans` to atlas).
    #[test]
    fn name_lists_are_teras() {
        for (list, tpl) in [
            (FILTERS, "{{ 1 | NAME }}"),
            (TESTS, "{% if 1 is NAME %}{% endif %}"),
        ] {
            for name in list {
                let mut t = tera::Tera::default();
                let src = tpl.replace("NAME", name);
                assert!(t.add_raw_templates([("t", src.as_str())]).is_ok(), "{name}");
            }
        }
        for name in FUNCTIONS.iter().filter(|n| **n != "trans") {
            let mut t = tera::Tera::default();
            let src = format!("{{{{ {name}() }}}}");
            assert!(t.add_raw_templates([("t", src.as_str())]).is_ok(), "{name}");
        }
    }
}
