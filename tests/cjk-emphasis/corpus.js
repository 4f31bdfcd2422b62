// The corpus of Chinese emphasis cases: every marker between every kind of neighbour,
// around content that starts or ends with every kind of punctuation, in the block contexts
// where inline text appears.

/** Characters just outside the opening marker ('' is the start of the line). */
export const BEFORE = ["", "她", "，", "。", "「", "“", "（", "a", "1", " ", "(", "\"", "%"];
/** Characters just outside the closing marker ('' is the end of the line). */
export const AFTER = ["", "她", "，", "。", "」", "”", "）", "a", "2", " ", ")", "\"", "%", "以上"];
/** What the markers enclose. */
export const INNER = [
  "重要",
  "真，",
  "，真",
  "“好”",
  "「注」",
  "（注）",
  "增长20%",
  "100%",
  "(注)",
  "a，b",
  "Mesoblast",
  "第一。第二。",
];
export const MARKERS = ["*", "**", "***", "_", "__", "~~"];

/** Block contexts: each wraps one line of inline text. */
export const CONTEXTS = {
  paragraph: (s) => s,
  heading: (s) => `## ${s}`,
  list: (s) => `- ${s}`,
  quote: (s) => `> ${s}`,
  table: (s) => `| 列 |\n|---|\n| ${s} |`,
  link: (s) => `[${s}](/u)`,
};

/** Every case, each once. */
export function corpus() {
  const out = new Set();
  for (const m of MARKERS) {
    for (const b of BEFORE) {
      for (const a of AFTER) {
        for (const i of INNER) {
          out.add(`${b}${m}${i}${m}${a}`);
        }
      }
    }
  }
  // The other contexts with a neighbour of each kind on both sides (the inline rules are
  // the same; these check that atlas finds the text of each container).
  for (const [name, wrap] of Object.entries(CONTEXTS)) {
    if (name === "paragraph") continue;
    for (const m of MARKERS) {
      for (const [b, a] of [["她", "她"], ["，", "她"], ["她", "。"], ["", ""], ["a", "a"]]) {
        for (const i of INNER) {
          out.add(wrap(`${b}${m}${i}${m}${a}`));
        }
      }
    }
  }
  // Several runs in one line, where pairing depends on which runs can close.
  for (const s of [
    "**真，**她**好**",
    "**真，**她**好，**他",
    "*真，*她*好*",
    "她**“好”**和**“坏”**说",
    "**第一，**二**三，**四**五**",
    "***真，***她",
    "***真，**她*",
    "**真，*她*，**他",
    "~~删，~~她~~改~~",
    "__真，__她__好__",
    "她**1**、**2**和**3**",
    "「**重要**」她",
    "**[链接](/u)，**她",
    "**`代码`，**她",
    "**真，<span>x</span>**她",
  ]) {
    out.add(s);
  }
  return [...out];
}
