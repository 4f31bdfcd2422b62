//! URL schemes that run script or carry a whole document (`javascript:`, `vbscript:`,
//! `data:`), read as a browser reads an attribute value. Takes a string; gives the scheme.

/// A URL scheme that should not reach a reader's browser from content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scheme {
    /// `javascript:`: runs script when followed.
    JavaScript,
    /// `vbscript:`: runs script in old browsers.
    VbScript,
    /// `data:`: a whole document (an HTML page, an SVG with scripts) inside the URL.
    Data,
}

impl Scheme {
    /// As written in messages (`javascript:`).
    pub(super) fn name(self) -> &'static str {
        match self {
            Scheme::JavaScript => "javascript:",
            Scheme::VbScript => "vbscript:",
            Scheme::Data => "data:",
        }
    }

    /// True for the schemes that run script wherever they are followed.
    pub(super) fn runs_script(self) -> bool {
        !matches!(self, Scheme::Data)
    }
}

/// The scheme of `v` if it is one of [`Scheme`], read as the URL standard does: leading
/// spaces and control characters are skipped, and tabs and newlines anywhere are ignored;
/// the scheme is case-insensitive.
pub(super) fn scheme(v: &str) -> Option<Scheme> {
    let cleaned: String = v
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    if cleaned.starts_with("javascript:") {
        Some(Scheme::JavaScript)
    } else if cleaned.starts_with("vbscript:") {
        Some(Scheme::VbScript)
    } else if cleaned.starts_with("data:") {
        Some(Scheme::Data)
    } else {
        None
    }
}
