//! The `atlas` command line: a thin layer over the library.

/// jemalloc: about 30% less CPU time than glibc's malloc on a large build, for a few percent
/// more memory (measured in docs/performance.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use atlas::build::BuildArgs;
use atlas::diagnostics::{Diagnostic, Severity};

/// atlas: a static site generator for a bilingual, cross-linked, cited policy atlas.
#[derive(Parser, Debug)]
#[command(name = "atlas", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the site into the output folder (default: public/).
    Build {
        /// Site root: the folder that holds atlas.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder (default: <root>/public). Replaced as a whole on success.
        #[arg(long, short = 'o')]
        output_dir: Option<PathBuf>,
        /// Override base_url from atlas.toml, e.g. https://example.org/atlas/ or /atlas/.
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked draft = true.
        #[arg(long)]
        drafts: bool,
        /// Print the time each stage of the build took.
        #[arg(long)]
        timings: bool,
    },
    /// Check the site without writing anything: everything the build validates, translation
    /// parity, stale facts, raw HTML, and (with --external) external links.
    /// Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage error.
    Check {
        /// Site root: the folder that holds atlas.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output format: human-readable lines, or one JSON document.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Also check external http(s) links of the output (needs the network).
        #[arg(long)]
        external: bool,
        /// Seconds allowed for each external link (with --external).
        #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
        external_timeout: u64,
        /// Report pages whose `updated` date is older than N days
        /// (default: [check] stale_after_days in atlas.toml, or 365).
        #[arg(long, value_name = "N")]
        stale_days: Option<u32>,
        /// Check pages marked draft = true too.
        #[arg(long)]
        drafts: bool,
    },
    /// Create a new page, in every language of the site, from a commented template.
    New {
        /// Site root: the folder that holds atlas.toml.
        #[arg(long, default_value = ".", global = true)]
        root: PathBuf,
        #[command(subcommand)]
        what: NewWhat,
    },
    /// Create a new site in DIR (a new or empty folder) that builds at once.
    Init {
        /// The folder of the new site.
        dir: PathBuf,
    },
    /// Build the site in memory, serve it, rebuild on every change and reload open pages.
    Serve {
        /// Site root: the folder that holds atlas.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port (if it is taken, the next free one is used; 0: any free port).
        #[arg(long, short = 'p', default_value_t = atlas::serve::DEFAULT_PORT)]
        port: u16,
        /// Address to listen on (0.0.0.0 to be reachable from other machines).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Override base_url from atlas.toml; the preview is served under its path.
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked draft = true.
        #[arg(long)]
        drafts: bool,
        /// Also answer requests for this Host name (repeatable). Bound to a loopback address,
        /// only that address, localhost and *.localhost are answered otherwise.
        #[arg(long = "allowed-host", value_name = "NAME", value_parser = allowed_host)]
        allowed_hosts: Vec<String>,
    },
    /// Write JSON Schemas of atlas.toml, the data files (sources, bodies, dimensions) and the front
    /// matter of each kind of page, for editors that validate and complete without atlas.
    Schema {
        /// The folder to write them into (made if missing; files of the same name are replaced).
        #[arg(long, value_name = "DIR", default_value = atlas::schema_json::DEFAULT_DIR)]
        out: PathBuf,
    },
    /// Run the language server (LSP over standard input and output) for editors: the site's
    /// diagnostics as you type, completion, hover, definitions, references, rename.
    Lsp {
        /// Site root (default: the editor's workspace folder, or the first folder above it
        /// that holds atlas.toml).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Accepted for editors that pass it; standard input and output are always used.
        #[arg(long, hide = true)]
        stdio: bool,
    },
}

#[derive(Subcommand, Debug)]
enum NewWhat {
    /// content/regions/<SLUG>.<lang>.md for every language.
    Region {
        /// Lowercase ASCII letters and digits joined by hyphens, e.g. hainan-boao.
        slug: String,
    },
    /// content/drugs/<SLUG>.<lang>.md for every language.
    Drug {
        /// Lowercase ASCII letters and digits joined by hyphens, e.g. remestemcel.
        slug: String,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// `file:line:col: severity[category]: message` lines and a summary.
    Human,
    /// One JSON document on standard output.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            root,
            port,
            bind,
            open,
            base_url,
            drafts,
            allowed_hosts,
        } => atlas::serve::run(atlas::serve::ServeArgs {
            root,
            port,
            bind,
            open,
            base_url,
            drafts,
            allowed_hosts,
        }),
        Command::Build {
            root,
            output_dir,
            base_url,
            drafts,
            timings,
        } => {
            let args = BuildArgs {
                root,
                output_dir,
                base_url,
                drafts,
            };
            match atlas::build(&args) {
                Ok(report) => {
                    print_diagnostics(&report.warnings);
                    if timings {
                        for (stage, d) in &report.timings.0 {
                            eprintln!("{:>9.1} ms  {stage}", d.as_secs_f64() * 1000.0);
                        }
                    }
                    let per_lang: Vec<String> = report
                        .stats
                        .pages
                        .iter()
                        .map(|(l, n)| format!("{n} {l}"))
                        .collect();
                    println!(
                        "Built {} pages ({}), {} static files, {} other files into {} in {:.0?}",
                        report.stats.pages.values().sum::<usize>(),
                        per_lang.join(", "),
                        report.stats.static_files,
                        report.stats.other_files,
                        report.output.display(),
                        report.elapsed
                    );
                    println!(
                        "{}",
                        atlas::build::summary::summary_line(
                            &report.counts,
                            report.warnings.len(),
                            report.elapsed
                        )
                    );
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    print_diagnostics(&diags.0);
                    eprintln!(
                        "Build failed: {} error(s), {} warning(s). The previous output, if any, is unchanged.",
                        diags.error_count(),
                        diags.warning_count()
                    );
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check {
            root,
            format,
            external,
            external_timeout,
            stale_days,
            drafts,
        } => {
            let mut args = atlas::check::CheckArgs::new(root);
            args.drafts = drafts;
            args.stale_days = stale_days;
            if external {
                args.external = Some(atlas::check::ExternalOptions {
                    timeout: std::time::Duration::from_secs(external_timeout),
                    ..Default::default()
                });
            }
            check(&args, format)
        }
        Command::New { root, what } => match what {
            NewWhat::Region { slug } => new_page(&root, atlas::scaffold::NewKind::Region, &slug),
            NewWhat::Drug { slug } => new_page(&root, atlas::scaffold::NewKind::Drug, &slug),
        },
        Command::Init { dir } => init(&dir),
        Command::Schema { out } => match atlas::schema_json::write(&out) {
            Ok(files) => {
                for f in files {
                    println!("Wrote {}", f.display());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}\n  hint: choose a writable folder with --out DIR");
                ExitCode::FAILURE
            }
        },
        Command::Lsp { root, stdio: _ } => match atlas::lsp::run(root) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

fn check(args: &atlas::check::CheckArgs, format: Format) -> ExitCode {
    let report = atlas::check::check(args);
    match format {
        Format::Json => print!("{}", report.to_json()),
        Format::Human => print!("{}", report.to_human()),
    }
    if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn new_page(root: &std::path::Path, kind: atlas::scaffold::NewKind, slug: &str) -> ExitCode {
    let today = chrono::Local::now().date_naive();
    match atlas::scaffold::new_page(root, kind, slug, today) {
        Ok(files) => {
            for f in files {
                println!("Created {}", f.display());
            }
            println!(
                "The new pages are drafts: fill in the facts, then delete `draft = true` (preview with `atlas build --drafts`)."
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            print_diagnostics(&diags);
            ExitCode::FAILURE
        }
    }
}

fn init(dir: &std::path::Path) -> ExitCode {
    match atlas::scaffold::init(dir) {
        Ok(report) => {
            println!(
                "Created a new atlas site in {} ({} files).",
                dir.display(),
                report.files.len()
            );
            println!(
                "Next: cd {} && atlas new region <slug> && atlas build --drafts",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(d) => {
            print_diagnostics(&[d]);
            ExitCode::FAILURE
        }
    }
}

fn print_diagnostics(diags: &[Diagnostic]) {
    use std::io::IsTerminal;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in diags {
        let text = d.to_string();
        if color {
            let code = match d.severity {
                Severity::Error => "\x1b[1;31m",
                Severity::Warning => "\x1b[1;33m",
            };
            let label = match d.severity {
                Severity::Error => "error:",
                Severity::Warning => "warning:",
            };
            eprintln!(
                "{}",
                text.replacen(label, &format!("{code}{label}\x1b[0m"), 1)
            );
        } else {
            eprintln!("{text}");
        }
    }
}

/// Checks an `--allowed-host` value.
fn allowed_host(value: &str) -> Result<String, String> {
    atlas::serve::host::parse_allowed_host(value).map_err(|e| e.to_string())
}
