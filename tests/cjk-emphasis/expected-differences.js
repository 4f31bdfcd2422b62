// Cases where atlas deliberately renders differently from markdown-it + markdown-it-cjk-friendly,
// each with why. The test fails if one of them agrees (then remove it) or if any other case
// differs. docs/robustness.md lists the same.

/**
 * pulldown-cmark lets `~~` open inside a word before any character but white space (GFM
 * strikethrough: "`~~` can be intraword"), also before punctuation, as in `a~~(注)~~`; markdown-it
 * applies the `*` rules to `~~`, which refuse an opener between a letter or digit and
 * punctuation. atlas keeps pulldown-cmark's rules for `~~` and adds what the amendments allow, so
 * an opener pulldown-cmark accepts is never refused (plain pulldown-cmark renders `a~~(注)~~` as
 * atlas does; in `1~~“好”~~以上` the opener is pulldown-cmark's, the closer the amendments').
 */
const TILDE_INTRAWORD =
  "pulldown-cmark opens ~~ after a letter or digit even before punctuation; markdown-it does not";

export const EXPECTED_DIFFERENCES = new Map([
  ["a~~“好”~~", TILDE_INTRAWORD],
  ["a~~(注)~~", TILDE_INTRAWORD],
  ["a~~“好”~~她", TILDE_INTRAWORD],
  ["a~~(注)~~她", TILDE_INTRAWORD],
  ["a~~“好”~~，", TILDE_INTRAWORD],
  ["a~~(注)~~，", TILDE_INTRAWORD],
  ["a~~“好”~~。", TILDE_INTRAWORD],
  ["a~~(注)~~。", TILDE_INTRAWORD],
  ["a~~“好”~~」", TILDE_INTRAWORD],
  ["a~~(注)~~」", TILDE_INTRAWORD],
  ["a~~“好”~~”", TILDE_INTRAWORD],
  ["a~~(注)~~”", TILDE_INTRAWORD],
  ["a~~“好”~~）", TILDE_INTRAWORD],
  ["a~~(注)~~）", TILDE_INTRAWORD],
  ["a~~“好”~~ ", TILDE_INTRAWORD],
  ["a~~(注)~~ ", TILDE_INTRAWORD],
  ["a~~“好”~~)", TILDE_INTRAWORD],
  ["a~~(注)~~)", TILDE_INTRAWORD],
  ["a~~“好”~~\"", TILDE_INTRAWORD],
  ["a~~(注)~~\"", TILDE_INTRAWORD],
  ["a~~“好”~~%", TILDE_INTRAWORD],
  ["a~~(注)~~%", TILDE_INTRAWORD],
  ["a~~“好”~~以上", TILDE_INTRAWORD],
  ["a~~(注)~~以上", TILDE_INTRAWORD],
  ["1~~“好”~~", TILDE_INTRAWORD],
  ["1~~(注)~~", TILDE_INTRAWORD],
  ["1~~“好”~~她", TILDE_INTRAWORD],
  ["1~~(注)~~她", TILDE_INTRAWORD],
  ["1~~“好”~~，", TILDE_INTRAWORD],
  ["1~~(注)~~，", TILDE_INTRAWORD],
  ["1~~“好”~~。", TILDE_INTRAWORD],
  ["1~~(注)~~。", TILDE_INTRAWORD],
  ["1~~“好”~~」", TILDE_INTRAWORD],
  ["1~~(注)~~」", TILDE_INTRAWORD],
  ["1~~“好”~~”", TILDE_INTRAWORD],
  ["1~~(注)~~”", TILDE_INTRAWORD],
  ["1~~“好”~~）", TILDE_INTRAWORD],
  ["1~~(注)~~）", TILDE_INTRAWORD],
  ["1~~“好”~~ ", TILDE_INTRAWORD],
  ["1~~(注)~~ ", TILDE_INTRAWORD],
  ["1~~“好”~~)", TILDE_INTRAWORD],
  ["1~~(注)~~)", TILDE_INTRAWORD],
  ["1~~“好”~~\"", TILDE_INTRAWORD],
  ["1~~(注)~~\"", TILDE_INTRAWORD],
  ["1~~“好”~~%", TILDE_INTRAWORD],
  ["1~~(注)~~%", TILDE_INTRAWORD],
  ["1~~“好”~~以上", TILDE_INTRAWORD],
  ["1~~(注)~~以上", TILDE_INTRAWORD],
]);
