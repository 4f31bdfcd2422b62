//! The `atlas` command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    },
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
        } => atlas::serve::run(atlas::serve::ServeArgs {
            root,
            port,
            bind,
            open,
            base_url,
            drafts,
        }),
        Command::Build {
            root,
            output_dir,
            base_url,
            drafts,
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
