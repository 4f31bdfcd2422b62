//! Drawing helpers both pictures use: text widths and fitting, `{name}` placeholders,
//! coordinates without useless fractions, and the legend layout. Plain functions on text and
//! numbers; they know nothing of the site.

use std::fmt::Write;

use crate::markdown::escape_html as esc;

/// Rough width of a text in pixels: wide (CJK, full-width) characters take one em, others
/// about half. Used to fit labels; the pictures never depend on it for correctness.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| {
            let u = c as u32;
            if (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u)
            {
                1.0
            } else if c.is_ascii_uppercase() || c.is_ascii_digit() || "mwMW".contains(c) {
                0.72
            } else if "iljtfr.,;:'!|()[] ".contains(c) {
                0.36
            } else {
                0.62
            }
        })
        .sum::<f64>()
        * size
}

/// The text cut with an ellipsis to fit a width.
pub fn fit(s: &str, size: f64, width: f64) -> String {
    if text_width(s, size) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        let mut next = out.clone();
        next.push(c);
        if text_width(&next, size) + text_width("…", size) > width {
            break;
        }
        out = next;
    }
    format!("{}…", out.trim_end())
}

/// Fills `{name}` placeholders.
pub(super) fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut s = template.to_string();
    for (k, v) in values {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// A number without a useless fraction, for coordinates.
pub(super) fn n(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

pub(super) const FONT: f64 = 13.0;

/// Lays legend items out in rows within a width; returns the SVG and its height.
pub(super) fn legend(items: &[(String, String)], x0: f64, y0: f64, width: f64) -> (String, f64) {
    let mut out = String::new();
    let (mut x, mut y) = (x0, y0 + 10.0);
    for (symbol, label) in items {
        let w = 26.0 + text_width(label, FONT) + 22.0;
        if x + w > x0 + width && x > x0 {
            x = x0;
            y += 24.0;
        }
        let _ = write!(
            out,
            "<g transform=\"translate({},{})\">{symbol}<text x=\"16\" y=\"4.5\" class=\"pic-text\">{}</text></g>",
            n(x + 8.0),
            n(y),
            esc(label)
        );
        x += w;
    }
    (out, y - y0 + 16.0)
}
