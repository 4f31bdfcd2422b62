//! Writes a synthetic bilingual atlas site for benchmarks.
//!
//! ```sh
//! cargo run --release --example gen-site -- N DIR [--seed S] [--untranslated-every K]
//! ```
//!
//! N logical pages, each in Chinese (`zh`, the default language) and English (`en`): even
//! numbers are regions (`content/regions/r00000.<lang>.md`), odd ones drugs
//! (`content/drugs/d00001.<lang>.md`). The content model is the one of
//! `shared/bench/gen_site.py` (the Zola and Hugo baseline), so build figures compare:
//! - a body of about 620 English words (the Chinese page: the same sentences in Chinese,
//!   hard-wrapped one sentence a line), 4 `##` headings and 1 `###`, 6 paragraphs, a 5-item
//!   list, a 4x6 table, 2 cross-links to other pages (`@/drugs/d00011.md`, the second with an
//!   anchor to a heading that exists), plus what atlas adds: 2 citations `[@src-07]`, one
//!   footnote and one bold phrase next to full-width punctuation;
//! - a date (one day apart), and 1 to 3 of 12 indications as the taxonomy terms: a drug's
//!   `[drug] indications`, a region's `tags`, in the page's language;
//! - front matter that passes atlas's schemas: `[region]` (kind, parent, names, regulators,
//!   sources, one event; every 10th region also has comparison values for every dimension)
//!   and `[drug]` (names, developer, cell type, tissue source, indications, status,
//!   regulator, a related region, sources, one event).
//!
//! Also written: atlas.toml, data/sources.toml (every source is cited), data/bodies.toml (the
//! regulators region pages name), data/dimensions.toml
//! and themes/atlas (a copy of this repository's theme). With `--untranslated-every K`
//! (default 100; 0 = none) every K-th logical page has no English file, so atlas builds a
//! fallback page for it (and warns once, listing them).
//!
//! The same N, seed and K always give byte-identical files. This file is also included as a
//! module by `tests/bench_harness.rs` and the benchmarks in `benches/`.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// Languages: the first one is the default.
pub const LANGS: [&str; 2] = ["zh", "en"];

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Seed of the pseudo-random choices.
    pub seed: u64,
    /// Every K-th logical page has no English file (0: all pages are translated).
    pub untranslated_every: usize,
    /// The theme folder to copy into `themes/atlas`.
    pub theme: PathBuf,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 42,
            untranslated_every: 100,
            theme: Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/atlas"),
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Markdown files under content/ (pages and `_index` files).
    pub content_files: usize,
    /// Logical pages without an English file.
    pub untranslated: usize,
    /// Bytes of Markdown written.
    pub content_bytes: usize,
}

// --------------------------------------------------------------------------
// Vocabulary: (English, Chinese), index-aligned; the same as gen_site.py.
// --------------------------------------------------------------------------
const INDICATIONS: [(&str, &str); 12] = [
    ("Parkinson's disease", "帕金森病"),
    ("ALS", "肌萎缩侧索硬化症"),
    ("spinal cord injury", "脊髓损伤"),
    ("macular degeneration", "黄斑变性"),
    ("type 1 diabetes", "1型糖尿病"),
    ("heart failure", "心力衰竭"),
    ("leukaemia", "白血病"),
    ("knee osteoarthritis", "膝骨关节炎"),
    ("multiple sclerosis", "多发性硬化症"),
    ("stroke", "脑卒中"),
    ("Crohn's disease", "克罗恩病"),
    ("graft-versus-host disease", "移植物抗宿主病"),
];
const PLACES: [(&str, &str); 15] = [
    ("Japan", "日本"),
    ("South Korea", "韩国"),
    ("Mainland China", "中国大陆"),
    ("Taiwan", "台湾"),
    ("Hong Kong", "香港"),
    ("Singapore", "新加坡"),
    ("European Union", "欧盟"),
    ("United Kingdom", "英国"),
    ("United States", "美国"),
    ("Canada", "加拿大"),
    ("Australia", "澳大利亚"),
    ("India", "印度"),
    ("Brazil", "巴西"),
    ("Switzerland", "瑞士"),
    ("Israel", "以色列"),
];
const AGENCIES: [(&str, &str); 6] = [
    ("the national regulator", "国家监管机构"),
    ("the health ministry", "卫生部门"),
    ("the ethics committee", "伦理委员会"),
    ("the drug evaluation centre", "药品审评中心"),
    ("the biosafety board", "生物安全委员会"),
    ("the reimbursement authority", "医保支付部门"),
];
const THERAPIES: [(&str, &str); 6] = [
    ("autologous mesenchymal stem cells", "自体间充质干细胞"),
    (
        "induced pluripotent stem cell derivatives",
        "诱导多能干细胞衍生产品",
    ),
    ("embryonic stem cell lines", "胚胎干细胞系"),
    ("haematopoietic stem cell grafts", "造血干细胞移植物"),
    ("allogeneic cell therapies", "同种异体细胞治疗产品"),
    ("gene-modified cell products", "基因修饰细胞产品"),
];
const REQUIREMENTS: [(&str, &str); 6] = [
    ("a full manufacturing dossier", "完整的生产工艺资料"),
    (
        "long-term follow-up of every patient",
        "对每位患者的长期随访",
    ),
    ("independent potency assays", "独立的效力检测"),
    (
        "a documented donor consent process",
        "有记录的供者知情同意程序",
    ),
    ("tumourigenicity studies in animals", "动物致瘤性研究"),
    (
        "registration in a public trial database",
        "在公开临床试验数据库中登记",
    ),
];
const PHASES: [(&str, &str); 5] = [
    ("a first-in-human study", "首次人体试验"),
    ("a phase II trial", "二期临床试验"),
    ("conditional approval", "附条件批准"),
    ("hospital exemption use", "医院豁免使用"),
    ("full marketing authorisation", "正式上市许可"),
];
const OUTCOMES: [(&str, &str); 6] = [
    ("shortened review times", "缩短了审评时间"),
    ("raised the evidentiary bar", "提高了证据要求"),
    ("encouraged academic sponsors", "鼓励了学术机构申办"),
    ("curbed unproven clinics", "遏制了未经证实的诊所"),
    ("attracted foreign investment", "吸引了外国投资"),
    ("prompted public consultation", "促成了公开征求意见"),
];
const PRODUCTS: [&str; 12] = [
    "Cellvira",
    "Neurostem",
    "Cardiogen",
    "Osteocel",
    "Retinova",
    "Hemacure",
    "Myelix",
    "Pancrea-T",
    "Chondrix",
    "Immunocell",
    "Stemirac",
    "Temcell",
];
const TISSUES: [(&str, &str); 4] = [
    ("bone marrow", "骨髓"),
    ("umbilical cord", "脐带"),
    ("adipose tissue", "脂肪组织"),
    ("peripheral blood", "外周血"),
];
const STATUSES: [&str; 9] = [
    "approved",
    "conditionally_approved",
    "application_accepted",
    "phase_1",
    "phase_1_2",
    "phase_2",
    "phase_2_3",
    "phase_3",
    "ind_approved",
];
const REGION_KINDS: [&str; 5] = [
    "province",
    "municipality",
    "pilot_zone",
    "region",
    "foreign",
];
const EVENT_KINDS: [&str; 7] = [
    "policy",
    "regulation",
    "ind",
    "application",
    "approval",
    "trial",
    "other",
];
const EN_SENTENCES: [&str; 10] = [
    "In {place}, {agency} requires {req} before {ther} may enter {phase}.",
    "Since {year}, {agency} has reviewed {ther} under a separate pathway that {outcome}.",
    "Sponsors developing {ther} must submit {req} and justify the choice of {phase}.",
    "Critics argue that the rules for {ther} in {place} {outcome} but left patients uncertain.",
    "The {year} amendment clarified how {agency} treats {ther} that are minimally manipulated.",
    "Observers note that {req} is the most expensive step for small companies in {place}.",
    "Patients with {ind} were among the first to receive {ther} through {phase}.",
    "A registry maintained by {agency} now lists every approved product for {ind}.",
    "Data from {phase} suggest that {ther} are safe, although efficacy remains debated.",
    "The policy {outcome}, according to a review published by {agency} in {year}.",
];
const ZH_SENTENCES: [&str; 10] = [
    "在{place}，{agency}要求{ther}在进入{phase}之前提交{req}。",
    "自{year}年起，{agency}通过单独的路径审查{ther}，这一做法{outcome}。",
    "开发{ther}的申办方必须提交{req}，并说明选择{phase}的理由。",
    "批评者认为，{place}针对{ther}的规定{outcome}，但也让患者感到不确定。",
    "{year}年的修订明确了{agency}如何对待经过最小程度操作的{ther}。",
    "观察人士指出，在{place}，{req}是小型企业成本最高的环节。",
    "{ind}患者是最早通过{phase}接受{ther}的人群之一。",
    "由{agency}维护的登记系统现已列出所有获批用于{ind}的产品。",
    "来自{phase}的数据表明{ther}是安全的，但其疗效仍有争议。",
    "根据{agency}于{year}年发布的评估报告，该政策{outcome}。",
];
/// Heading texts; the ids atlas gives them are their slugs (`regulatory-pathway`, `监管路径`).
const HEADINGS: [(&str, &str); 5] = [
    ("Overview", "概述"),
    ("Regulatory pathway", "监管路径"),
    ("Approved and investigational products", "已批准与在研产品"),
    ("Key dates", "关键日期"),
    ("Notes", "备注"),
];
const PATHWAY_ANCHOR: (&str, &str) = ("regulatory-pathway", "监管路径");
const TABLE_HEAD: [[&str; 4]; 2] = [
    ["Product", "Indication", "Stage", "Year"],
    ["产品", "适应症", "阶段", "年份"],
];

/// Dimensions of the comparison table: (id, type, en label, zh label).
const DIMENSIONS: [(&str, &str, &str, &str); 8] = [
    (
        "local_legislation",
        "yes_no_partial",
        "Local legislation",
        "地方立法",
    ),
    ("pilot_zone", "yes_no_partial", "Pilot zone", "先行先试"),
    (
        "special_funding",
        "yes_no_partial",
        "Dedicated funding",
        "专项经费",
    ),
    (
        "hospital_exemption",
        "yes_no_partial",
        "Hospital exemption",
        "医院豁免",
    ),
    ("first_rule", "date", "First rule", "首个规定"),
    ("latest_rule", "date", "Latest rule", "最新规定"),
    (
        "filed_institutions",
        "number",
        "Filed institutions",
        "备案机构数",
    ),
    (
        "policy_vehicle",
        "text",
        "Main policy vehicle",
        "主要政策载体",
    ),
];

// --------------------------------------------------------------------------
// Content model
// --------------------------------------------------------------------------

/// Index of a language in the (English, Chinese) pairs.
fn li(lang: &str) -> usize {
    usize::from(lang != "en")
}

fn pick<T: Copy>(rng: &mut fastrand::Rng, xs: &[T]) -> T {
    xs[rng.usize(..xs.len())]
}

/// One logical page, rendered once per language.
struct Page {
    idx: usize,
    region: bool,
    slug: String,
    /// 2025-12-31 minus `idx` days.
    date: chrono::NaiveDate,
    /// Indices into INDICATIONS, sorted.
    indications: Vec<usize>,
    /// English, Chinese (the index of [`li`]).
    title: [String; 2],
    link_targets: [usize; 2],
    body_seed: u64,
    translated: bool,
}

impl Page {
    fn section(&self) -> &'static str {
        if self.region { "regions" } else { "drugs" }
    }
    fn key(&self) -> String {
        format!("{}/{}", self.section(), self.slug)
    }
}

fn make_pages(n: usize, opts: &Options) -> Vec<Page> {
    let mut rng = fastrand::Rng::with_seed(opts.seed);
    let last = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).expect("valid date");
    (0..n)
        .map(|idx| {
            let date = last - chrono::Days::new(idx as u64);
            let region = idx % 2 == 0;
            let slug = format!("{}{idx:05}", if region { 'r' } else { 'd' });
            let k = rng.usize(1..=3);
            let mut all: Vec<usize> = (0..INDICATIONS.len()).collect();
            rng.shuffle(&mut all);
            let mut indications = all[..k].to_vec();
            indications.sort();
            let place = PLACES[idx % PLACES.len()];
            let title = if region {
                [
                    format!("Region {idx:05}: stem-cell policy in {}", place.0),
                    format!("地区 {idx:05}：{}干细胞政策", place.1),
                ]
            } else {
                let prod = PRODUCTS[idx % PRODUCTS.len()];
                [
                    format!("Drug {idx:05}: {prod} regulatory status"),
                    format!("药物 {idx:05}：{prod}监管状态"),
                ]
            };
            let mut link_targets = [0; 2];
            for (j, (mul, add)) in [(7, 3), (31, 11)].into_iter().enumerate() {
                let mut t = (idx * mul + add) % n;
                if t == idx {
                    t = (t + 1) % n;
                }
                link_targets[j] = t;
            }
            let k = opts.untranslated_every;
            Page {
                idx,
                region,
                slug,
                date,
                indications,
                title,
                link_targets,
                body_seed: rng.u64(..),
                // Never page 0, the parent of many regions.
                translated: !(k > 0 && idx % k == k - 1),
            }
        })
        .collect()
}

fn n_sources(n: usize) -> usize {
    n.clamp(2, 40)
}

fn source_id(i: usize) -> String {
    format!("src-{i:02}")
}

/// The sources a page cites in its body, then those of its front matter.
fn page_sources(p: &Page, n: usize) -> [usize; 3] {
    let s = n_sources(n);
    [p.idx % s, (p.idx * 7 + 3) % s, (p.idx * 13 + 5) % s]
}

fn sentence(rng: &mut fastrand::Rng, lang: &str, page: &Page) -> String {
    let l = li(lang);
    let tmpl = if l == 0 {
        pick(rng, &EN_SENTENCES)
    } else {
        pick(rng, &ZH_SENTENCES)
    };
    let ind = INDICATIONS[pick(rng, &page.indications)];
    let ind = if l == 0 { ind.0 } else { ind.1 };
    let t = |x: (&'static str, &'static str)| if l == 0 { x.0 } else { x.1 };
    let place = t(pick(rng, &PLACES));
    let agency = t(pick(rng, &AGENCIES));
    let req = t(pick(rng, &REQUIREMENTS));
    let ther = t(pick(rng, &THERAPIES));
    let phase = t(pick(rng, &PHASES));
    let outcome = t(pick(rng, &OUTCOMES));
    let year = rng.u32(2006..=2025).to_string();
    tmpl.replace("{place}", place)
        .replace("{agency}", agency)
        .replace("{req}", req)
        .replace("{ther}", ther)
        .replace("{phase}", phase)
        .replace("{outcome}", outcome)
        .replace("{year}", &year)
        .replace("{ind}", ind)
}

/// A paragraph of `k` sentences. Chinese paragraphs are hard-wrapped one sentence a line,
/// as editors do (atlas drops the line break between two Chinese characters).
fn para(rng: &mut fastrand::Rng, lang: &str, page: &Page, k: usize) -> String {
    let sents: Vec<String> = (0..k).map(|_| sentence(rng, lang, page)).collect();
    if lang == "en" {
        let s = sents.join(" ");
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => s,
        }
    } else {
        sents.join("\n")
    }
}

/// The Markdown body of a page in one language; the Chinese page translates the English one.
fn render_body(page: &Page, lang: &str, pages: &[Page], n: usize) -> String {
    let l = li(lang);
    let en = l == 0;
    let mut rng = fastrand::Rng::with_seed(page.body_seed);
    let srcs = page_sources(page, n);
    let mut out: Vec<String> = Vec::new();
    let link_md = |t: usize, anchor: bool| {
        let tp = &pages[t];
        // An untranslated target shows its Chinese text, so its anchors are Chinese.
        let shown = if tp.translated { l } else { 1 };
        let a = if !anchor {
            String::new()
        } else if shown == 0 {
            format!("#{}", PATHWAY_ANCHOR.0)
        } else {
            format!("#{}", PATHWAY_ANCHOR.1)
        };
        format!("[{}](@/{}.md{a})", tp.title[l], tp.key())
    };
    let (sep, see_also, colon, stop) = if en {
        (" ", "See also", ": ", ".")
    } else {
        ("", "参见", "：", "。")
    };
    let heading = |h: usize, level: &str| {
        format!("{level} {}", if en { HEADINGS[h].0 } else { HEADINGS[h].1 })
    };
    out.push(heading(0, "##"));
    out.push(format!(
        "{}{sep}[@{}]",
        para(&mut rng, lang, page, 5),
        source_id(srcs[0])
    ));
    out.push(format!(
        "{}{sep}{see_also}{colon}{}{stop}",
        para(&mut rng, lang, page, 4),
        link_md(page.link_targets[0], false)
    ));
    out.push(heading(1, "##"));
    out.push(para(&mut rng, lang, page, 4));
    out.push(
        (0..5)
            .map(|_| format!("- {}", sentence(&mut rng, lang, page)))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    out.push(heading(2, "##"));
    let mut rows = vec![
        format!("| {} |", TABLE_HEAD[l].join(" | ")),
        "|---|---|---|---|".to_string(),
    ];
    for r in 0..6 {
        let prod = PRODUCTS[(page.idx + r) % PRODUCTS.len()];
        let ind = INDICATIONS[page.indications[r % page.indications.len()]];
        let stage = PHASES[(page.idx + r) % PHASES.len()];
        let year = 2008 + (page.idx * 3 + r) % 18;
        let (ind, stage) = if en {
            (ind.0, stage.0)
        } else {
            (ind.1, stage.1)
        };
        rows.push(format!("| {prod} | {ind} | {stage} | {year} |"));
    }
    out.push(rows.join("\n"));
    out.push(format!(
        "{}{sep}{see_also}{colon}{}{stop}",
        para(&mut rng, lang, page, 4),
        link_md(page.link_targets[1], true)
    ));
    out.push(heading(3, "##"));
    out.push(format!(
        "{}{sep}[@{}]",
        para(&mut rng, lang, page, 4),
        source_id(srcs[1])
    ));
    out.push(heading(4, "###"));
    let (bold, note) = if en {
        ("**Note:**", "Figures are as reported by the sources.")
    } else {
        ("**注意：**", "数字以来源报道为准。")
    };
    out.push(format!("{bold}{sep}{}[^1]", para(&mut rng, lang, page, 2)));
    out.push(format!("[^1]: {note}"));
    out.join("\n\n") + "\n"
}

fn toml_str(s: &str) -> String {
    // Basic string: escape backslash and quote (the vocabulary has no control characters).
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn toml_list<S: AsRef<str>>(xs: &[S]) -> String {
    let v: Vec<String> = xs.iter().map(|x| toml_str(x.as_ref())).collect();
    format!("[{}]", v.join(", "))
}

fn front_matter(page: &Page, lang: &str, n: usize) -> String {
    let l = li(lang);
    let en = l == 0;
    let t = |x: (&'static str, &'static str)| if en { x.0 } else { x.1 };
    let mut rng = fastrand::Rng::with_seed(page.body_seed ^ 0x5eed);
    let srcs = page_sources(page, n);
    let src_ids: Vec<String> = srcs.iter().map(|&s| source_id(s)).collect();
    let mut unique = src_ids.clone();
    unique.sort();
    unique.dedup();
    let terms: Vec<&str> = page
        .indications
        .iter()
        .map(|&i| t(INDICATIONS[i]))
        .collect();
    let mut f = String::new();
    let _ = writeln!(f, "+++");
    let _ = writeln!(f, "title = {}", toml_str(&page.title[l]));
    let _ = writeln!(f, "date = {}", page.date.format("%Y-%m-%d"));
    if page.region {
        let _ = writeln!(f, "tags = {}", toml_list(&terms));
    }
    let event_year = 2006 + (page.idx * 5) % 20;
    let event_month = 1 + page.idx % 12;
    let event_kind = EVENT_KINDS[page.idx % EVENT_KINDS.len()];
    let event_title = sentence(&mut rng, lang, page);
    let event = |table: &str, f: &mut String| {
        let _ = writeln!(f, "\n[[{table}.events]]");
        let _ = writeln!(f, "date = \"{event_year:04}-{event_month:02}\"");
        let _ = writeln!(f, "kind = \"{event_kind}\"");
        let _ = writeln!(f, "title = {}", toml_str(&event_title));
        let _ = writeln!(f, "source = {}", toml_str(&src_ids[2]));
    };
    if page.region {
        let place = PLACES[page.idx % PLACES.len()];
        let _ = writeln!(f, "\n[region]");
        let _ = writeln!(
            f,
            "kind = \"{}\"",
            REGION_KINDS[(page.idx / 2) % REGION_KINDS.len()]
        );
        // Regions are grouped in tens: the first of each group is the parent of the others.
        let parent = (page.idx / 20) * 20;
        if parent != page.idx {
            let _ = writeln!(f, "parent = \"r{parent:05}\"");
        }
        let _ = writeln!(
            f,
            "names = {}",
            toml_list(&[format!("{} {:05}", place.1, page.idx), place.0.to_string()])
        );
        let _ = writeln!(
            f,
            "regulators = {}",
            toml_list(&[format!("agency-{}", page.idx % AGENCIES.len())])
        );
        let _ = writeln!(f, "sources = {}", toml_list(&unique));
        event("region", &mut f);
        if page.idx % 20 == 0 {
            for (k, (id, kind, _, _)) in DIMENSIONS.iter().enumerate() {
                let _ = writeln!(f, "\n[region.compare.{id}]");
                let v = page.idx / 20 + k;
                let value = match *kind {
                    "yes_no_partial" => format!("\"{}\"", ["yes", "no", "partial"][v % 3]),
                    "date" => format!("\"{:04}-{:02}\"", 2006 + v % 20, 1 + v % 12),
                    "number" => format!("{}", 3 + v % 97),
                    _ => toml_str(t(OUTCOMES[v % OUTCOMES.len()])),
                };
                let _ = writeln!(f, "value = {value}");
                let _ = writeln!(f, "source = {}", toml_str(&src_ids[k % 3]));
                if v % 4 == 0 {
                    let _ = writeln!(
                        f,
                        "note = {}",
                        toml_str(t(("As reported at the time.", "以当时报道为准。")))
                    );
                }
            }
        }
    } else {
        let prod = PRODUCTS[page.idx % PRODUCTS.len()];
        let ther = THERAPIES[page.idx % THERAPIES.len()];
        let _ = writeln!(f, "\n[drug]");
        let _ = writeln!(
            f,
            "inn = \"{}cel-{:05}\"",
            &prod[..3].to_lowercase(),
            page.idx
        );
        let _ = writeln!(f, "brand = {}", toml_str(prod));
        let _ = writeln!(f, "name_zh = \"{prod}注射液\"");
        let _ = writeln!(
            f,
            "developer = {}",
            toml_str(&format!("{prod} {}", t(("Biotech", "生物科技"))))
        );
        let _ = writeln!(f, "cell_type = {}", toml_str(t(ther)));
        let _ = writeln!(
            f,
            "tissue_source = {}",
            toml_str(t(TISSUES[page.idx % TISSUES.len()]))
        );
        let _ = writeln!(f, "indications = {}", toml_list(&terms));
        let _ = writeln!(
            f,
            "status = \"{}\"",
            STATUSES[(page.idx / 2) % STATUSES.len()]
        );
        let _ = writeln!(
            f,
            "regulator = {}",
            toml_str(t(AGENCIES[page.idx % AGENCIES.len()]))
        );
        // The region just before it (drugs are odd, regions even).
        let _ = writeln!(f, "regions = [\"r{:05}\"]", page.idx - 1);
        let _ = writeln!(f, "sources = {}", toml_list(&unique));
        event("drug", &mut f);
    }
    let _ = writeln!(f, "+++\n");
    f
}

fn config() -> String {
    "# Synthetic benchmark site written by examples/gen-site.rs.\n\
base_url = \"https://atlas.example.org/\"\n\
theme = \"atlas\"\n\
default_language = \"zh\"\n\n\
[[languages]]\ncode = \"zh\"\ntag = \"zh-Hans\"\nname = \"中文\"\ntitle = \"干细胞政策图谱\"\n\
description = \"合成的基准测试站点。\"\n\n\
[[languages]]\ncode = \"en\"\ntag = \"en\"\nname = \"English\"\ntitle = \"Stem-Cell Policy Atlas\"\n\
description = \"A synthetic benchmark site.\"\n"
        .to_string()
}

fn sources_toml(n: usize) -> String {
    let mut s = String::from("# Synthetic source registry.\n");
    for i in 0..n_sources(n) {
        let _ = write!(
            s,
            "\n[[source]]\nid = \"{}\"\ntitle = \"{}\"\nlang = \"{}\"\npublisher = \"{}\"\ndate = \"{:04}-{:02}\"\nurl = \"https://example.org/sources/{i}\"\n",
            source_id(i),
            if i % 2 == 0 {
                format!("干细胞政策报告 {i}")
            } else {
                format!("Stem-cell policy report {i}")
            },
            if i % 2 == 0 { "zh" } else { "en" },
            PLACES[i % PLACES.len()].0,
            2010 + i % 16,
            1 + i % 12
        );
    }
    s
}

/// `data/bodies.toml`: the agencies, as the regulators that region pages name by id.
fn bodies_toml() -> String {
    let mut s = String::new();
    for (i, (en, zh)) in AGENCIES.iter().enumerate() {
        let _ = writeln!(
            s,
            "[[body]]\nid = \"agency-{i}\"\nkind = \"regulator\"\nname = {{ zh = \"{zh}\", en = \"{en}\" }}\n"
        );
    }
    s
}

fn dimensions_toml() -> String {
    let mut s = String::from("# Synthetic comparison dimensions.\n");
    for (id, kind, en, zh) in DIMENSIONS {
        let _ = write!(
            s,
            "\n[[dimension]]\nid = \"{id}\"\ntype = \"{kind}\"\nlabel = {{ zh = \"{zh}\", en = \"{en}\" }}\ndescription = {{ zh = \"{zh}的说明。\", en = \"What {en} means.\" }}\n"
        );
    }
    s
}

fn index_file(title: &str, body: &str) -> String {
    format!("+++\ntitle = {}\n+++\n{body}", toml_str(title))
}

fn write(root: &Path, rel: &str, text: &str) -> io::Result<()> {
    let p = root.join(rel);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d)?;
    }
    std::fs::write(p, text)
}

fn copy_dir(src: &Path, dst: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dst)?;
    let mut entries: Vec<_> = std::fs::read_dir(src)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let to = dst.join(e.file_name());
        // Follow links (the fixture sites link to the theme).
        if std::fs::metadata(e.path())?.is_dir() {
            copy_dir(&e.path(), &to)?;
        } else {
            std::fs::copy(e.path(), &to)?;
        }
    }
    Ok(())
}

/// Writes the site into `dir`, which must not exist or be empty.
pub fn generate(n: usize, dir: &Path, opts: &Options) -> io::Result<Summary> {
    if n < 2 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "N must be at least 2",
        ));
    }
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not empty", dir.display()),
        ));
    }
    let pages = make_pages(n, opts);
    let mut sum = Summary::default();
    write(dir, "atlas.toml", &config())?;
    write(dir, "data/sources.toml", &sources_toml(n))?;
    write(dir, "data/dimensions.toml", &dimensions_toml())?;
    write(dir, "data/bodies.toml", &bodies_toml())?;
    copy_dir(&opts.theme, &dir.join("themes/atlas"))?;
    let mut put = |rel: String, text: String| -> io::Result<()> {
        sum.content_files += 1;
        sum.content_bytes += text.len();
        write(dir, &rel, &text)
    };
    put(
        "content/_index.zh.md".into(),
        index_file("干细胞政策图谱", "合成的双语基准站点：地区与药物页面。\n"),
    )?;
    put(
        "content/_index.en.md".into(),
        index_file(
            "Stem-Cell Policy Atlas",
            "A synthetic bilingual benchmark site: region and drug pages.\n",
        ),
    )?;
    for (sec, zh, en) in [("regions", "地区", "Regions"), ("drugs", "药物", "Drugs")] {
        put(format!("content/{sec}/_index.zh.md"), index_file(zh, ""))?;
        put(format!("content/{sec}/_index.en.md"), index_file(en, ""))?;
    }
    for p in &pages {
        for lang in LANGS {
            if lang == "en" && !p.translated {
                continue;
            }
            let text = front_matter(p, lang, n) + &render_body(p, lang, &pages, n);
            put(
                format!("content/{}/{}.{lang}.md", p.section(), p.slug),
                text,
            )?;
        }
    }
    sum.untranslated = pages.iter().filter(|p| !p.translated).count();
    Ok(sum)
}

#[allow(dead_code)]
fn main() -> std::process::ExitCode {
    let usage = "usage: gen-site N DIR [--seed S] [--untranslated-every K]";
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut pos = Vec::new();
    let mut opts = Options::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let val = |i: usize| -> Option<u64> { args.get(i + 1).and_then(|v| v.parse().ok()) };
        match a {
            "--seed" | "--untranslated-every" => {
                let Some(v) = val(i) else {
                    eprintln!("{a} needs a whole number\n{usage}");
                    return std::process::ExitCode::from(2);
                };
                if a == "--seed" {
                    opts.seed = v;
                } else {
                    opts.untranslated_every = v as usize;
                }
                i += 2;
            }
            "-h" | "--help" => {
                println!("{usage}");
                return std::process::ExitCode::SUCCESS;
            }
            _ => {
                pos.push(a.to_string());
                i += 1;
            }
        }
    }
    let (Some(n), Some(dir), 2) = (
        pos.first().and_then(|n| n.parse::<usize>().ok()),
        pos.get(1),
        pos.len(),
    ) else {
        eprintln!("{usage}");
        return std::process::ExitCode::from(2);
    };
    match generate(n, Path::new(dir), &opts) {
        Ok(s) => {
            println!(
                "wrote {dir}: {n} logical pages, {} content files ({} KiB of Markdown), {} untranslated (shown as fallbacks)",
                s.content_files,
                s.content_bytes / 1024,
                s.untranslated
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen-site: {dir}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
