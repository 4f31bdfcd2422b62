//! Page aliases (old URLs that redirect to a page): checking one and turning it into an
//! output path. Used by the front matter checks and by the site's redirects.

/// Checks an alias and returns its output path under the base path: `old/` or `old.html`.
pub fn normalize_alias(alias: &str) -> Result<String, &'static str> {
    let a = alias.trim();
    if a.contains("://") || a.starts_with("//") {
        return Err("must be a path inside the site, not a URL");
    }
    if a.contains('\\') || a.contains('\0') || a.contains('?') || a.contains('#') {
        return Err("contains a character that cannot be in a path");
    }
    let a = a.trim_start_matches('/');
    if a.is_empty() {
        return Err("is empty or the site root");
    }
    if a.split('/').any(|s| s == ".." || s == ".") {
        return Err("contains . or .. and would write outside the output");
    }
    if a.split('/').filter(|s| !s.is_empty()).count() != a.trim_end_matches('/').split('/').count()
    {
        return Err("contains an empty path segment (//)");
    }
    if a.ends_with(".html") || a.ends_with('/') {
        Ok(a.to_string())
    } else {
        Ok(format!("{a}/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_confined() {
        assert_eq!(normalize_alias("/old/page").unwrap(), "old/page/");
        assert_eq!(normalize_alias("zh/x.html").unwrap(), "zh/x.html");
        for bad in [
            "../x",
            "a/../../b",
            "https://e.org/x",
            "",
            "/",
            "a//b",
            "a\\b",
        ] {
            assert!(normalize_alias(bad).is_err(), "{bad}");
        }
    }
}
