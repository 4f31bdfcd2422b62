//! Redirect pages for page aliases (`aliases` in front matter): a small HTML file that
//! sends the reader to the page. Takes [`crate::site::Site::aliases`]; must not use templates.

use super::{Renderer, permalink};

fn redirect_html(url: &str, canonical: &str) -> String {
    let u = crate::markdown::escape_html(url);
    let c = crate::markdown::escape_html(canonical);
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Redirect</title>\
<link rel=\"canonical\" href=\"{c}\"><meta name=\"robots\" content=\"noindex\">\
<meta http-equiv=\"refresh\" content=\"0; url={u}\"></head>\
<body><p><a href=\"{u}\">{u}</a></p></body></html>\n"
    )
}

impl Renderer<'_> {
    /// The redirect page of alias `a`: (path in the output, bytes).
    pub(super) fn redirect(&self, a: usize) -> (String, Vec<u8>) {
        let site = self.site;
        let (alias, target) = &site.aliases[a];
        let path = if alias.ends_with(".html") {
            alias.clone()
        } else {
            format!("{alias}index.html")
        };
        (
            path,
            redirect_html(
                &site.url(*target),
                &permalink(site, &site.pages[*target].path),
            )
            .into_bytes(),
        )
    }
}
