//! The command line: one `*Args` struct per subcommand, each with a `run()`.

use crate::config::{AsOf, Config, Overrides};
use crate::report::BuildReport;
use crate::site::{self, BuildOptions, StrictFailure};
use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "sesh",
    version,
    about = "Build a consent-filtered open-access archive of crowdsourcing contest outputs"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default: public/)
    Build(BuildArgs),
    /// Preview the site: build, serve on http://127.0.0.1:1111/, rebuild and reload on every change
    Serve(ServeArgs),
    /// Create a new archive (settings, an example contest, a GitHub Pages workflow)
    Init(InitArgs),
    /// Build without publishing and check links, alt text, content problems and exclusions
    Check(CheckArgs),
    /// What is published and why, item by item; or scan a built site for leaks (--scan-output)
    Audit(AuditArgs),
    /// Fork or list themes
    #[command(subcommand)]
    Theme(ThemeCommand),
}

impl Cli {
    pub fn run(self) -> Result<()> {
        match self.command {
            Command::Build(args) => args.run(),
            Command::Serve(args) => args.run(),
            Command::Init(args) => args.run(),
            Command::Check(args) => args.run(),
            Command::Audit(args) => args.run(),
            Command::Theme(command) => command.run(),
        }
    }
}

/// Options shared by every command that reads a site.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site folder (holding sesh.toml and content/)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// "Today" for embargo and expiry dates (YYYY-MM-DD); default: SOURCE_DATE_EPOCH, else the clock
    #[arg(long, value_parser = AsOf::parse)]
    pub as_of: Option<AsOf>,
    /// Override base_url from sesh.toml (e.g. the GitHub Pages URL)
    #[arg(long)]
    pub base_url: Option<String>,
}

impl SiteArgs {
    /// What these arguments override in `sesh.toml`, writing into `output` (or the configured
    /// output folder).
    fn overrides(&self, output: Option<PathBuf>) -> Overrides {
        Overrides {
            output,
            base_url: self.base_url.clone(),
            as_of: self.as_of.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Output folder (default: public/ in the site folder)
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Fail, leaving the previous output untouched, if any error is reported
    #[arg(long)]
    pub strict: bool,
    /// Write the build report (published, excluded and why, problems) as JSON to FILE
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Replace an output folder that holds files sesh did not create
    #[arg(long)]
    pub force: bool,
    /// Print errors only, not warnings and the summary
    #[arg(long, short)]
    pub quiet: bool,
    /// Do not scan the output for restricted text, private values and image metadata
    #[arg(long)]
    pub no_scan: bool,
}

impl BuildArgs {
    pub fn run(self) -> Result<()> {
        let overrides = self.site.overrides(self.output.clone());
        let config = Config::load(&self.site.root, &overrides)?;
        if let Some(report) = &self.report {
            let report = std::path::absolute(report)?;
            if report.starts_with(&config.output_dir) {
                bail!(
                    "--report must not point inside the output folder: the report names excluded items and must never be published"
                );
            }
        }
        let started = std::time::Instant::now();
        let options = BuildOptions {
            force: self.force,
            strict: self.strict,
            no_scan: self.no_scan,
        };
        let report = match site::build(&config, &options) {
            Ok(report) => report,
            Err(e) => {
                if let Some(failure) = e.downcast_ref::<StrictFailure>() {
                    print_problems(&failure.report, false);
                }
                return Err(e);
            }
        };
        print_problems(&report, self.quiet);
        if !self.quiet {
            println!("{}", report.summary());
            if let Some(scan) = &report.scan {
                println!("{}", scan.summary());
            }
            println!(
                "Wrote {} files to {} in {:.2}s.",
                report.published.files_written,
                config.output_dir.display(),
                started.elapsed().as_secs_f64()
            );
        }
        if let Some(path) = &self.report {
            let json = serde_json::to_string_pretty(&report)?;
            std::fs::write(path, json)
                .with_context(|| format!("cannot write the report to `{}`", path.display()))?;
        }
        Ok(())
    }
}

fn print_problems(report: &BuildReport, quiet: bool) {
    for problem in &report.problems {
        if !quiet || problem.severity == crate::report::Severity::Error {
            eprintln!("{}", problem.labelled());
        }
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Port to listen on (0 picks a free one)
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; the default keeps the preview private to this computer
    #[arg(long, short, default_value = "127.0.0.1")]
    pub interface: String,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
}

impl ServeArgs {
    pub fn run(self) -> Result<()> {
        let overrides = self.site.overrides(None);
        let options = crate::serve::Options {
            interface: self.interface,
            port: self.port,
            open: self.open,
        };
        crate::serve::run(&self.site.root, overrides, &options)
    }
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the archive in (created if missing)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The archive's title
    #[arg(long, default_value = "Contest archive")]
    pub title: String,
    /// Where the site will be published, e.g. https://your-org.github.io/archive/
    #[arg(long, default_value = "https://example.org/")]
    pub base_url: String,
}

impl InitArgs {
    pub fn run(self) -> Result<()> {
        let written = crate::init::init(&self.dir, &self.title, &self.base_url)?;
        println!("Created a new archive in {}:", self.dir.display());
        for file in &written {
            println!(
                "  {}",
                file.strip_prefix(&self.dir).unwrap_or(file).display()
            );
        }
        println!(
            "\nNext:\n  sesh serve --root {0}     preview it at http://127.0.0.1:1111/\n  sesh check --root {0}     check links, alt text and consent\nThen push the folder to a GitHub repository and set Settings → Pages → Source to \"GitHub Actions\".",
            self.dir.display()
        );
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// How to print the report
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Also write the report as JSON to FILE
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

impl CheckArgs {
    pub fn run(self) -> Result<()> {
        let overrides = self.site.overrides(None);
        let config = Config::load(&self.site.root, &overrides)?;
        let report = crate::check::check(&config)?;
        let json = serde_json::to_string_pretty(&report)?;
        match self.format {
            Format::Table => print!("{}", report.table()),
            Format::Json => println!("{json}"),
        }
        if let Some(path) = &self.report {
            std::fs::write(path, &json)
                .with_context(|| format!("cannot write the report to `{}`", path.display()))?;
        }
        if report.errors > 0 {
            bail!("{} error(s) found", report.errors);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum AuditFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// How to print the audit
    #[arg(long, value_enum, default_value = "table")]
    pub format: AuditFormat,
    /// Instead of the audit: scan this built site (every file, every byte) for restricted text,
    /// private values and image metadata; exits with an error on any finding
    #[arg(long, value_name = "DIR")]
    pub scan_output: Option<PathBuf>,
}

impl AuditArgs {
    pub fn run(self) -> Result<()> {
        let overrides = self.site.overrides(None);
        let config = Config::load(&self.site.root, &overrides)?;
        let raw = crate::content::load(&config)?;
        let gated = crate::consent::gate(&raw, &crate::consent::Settings::from(&config));
        if let Some(dir) = &self.scan_output {
            if !dir.is_dir() {
                bail!("`{}` is not a folder; build the site first", dir.display());
            }
            let restricted = crate::audit::scan::Restricted::collect(&raw, &gated.site);
            let report = restricted.scan(dir)?;
            match self.format {
                AuditFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
                _ => {
                    for f in &report.findings {
                        println!("{}: {}", f.file, f.what);
                    }
                    println!("{}", report.summary());
                }
            }
            if !report.findings.is_empty() {
                bail!("{} finding(s) in {}", report.findings.len(), dir.display());
            }
            return Ok(());
        }
        let audit = crate::audit::audit(&raw, &gated, &config.as_of);
        match self.format {
            AuditFormat::Table => print!("{}", audit.table()),
            AuditFormat::Json => println!("{}", serde_json::to_string_pretty(&audit)?),
            AuditFormat::Csv => print!("{}", audit.csv()),
        }
        Ok(())
    }
}

#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Create themes/<NAME>/ from an existing theme (small: it extends the original)
    Fork(ForkArgs),
    /// List the themes this site can use, with the chain each builds on
    List {
        /// The site folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ForkArgs {
    /// Name of the new theme (lowercase letters, digits, -)
    pub name: String,
    /// The theme to start from
    #[arg(long, default_value = "default")]
    pub from: String,
    /// Copy every file instead of extending the original (the fork stops receiving its fixes)
    #[arg(long)]
    pub full: bool,
    /// Point sesh.toml at the new theme without asking
    #[arg(long)]
    pub set: bool,
    /// The site folder
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

impl ThemeCommand {
    pub fn run(self) -> Result<()> {
        match self {
            ThemeCommand::Fork(args) => args.run(),
            ThemeCommand::List { root } => {
                let active = Config::load(&root, &Overrides::default())
                    .map(|c| c.theme)
                    .ok();
                for (name, chain, description) in crate::render::theme::fork::list(&root) {
                    let mark = if active.as_deref() == Some(name.as_str()) {
                        "*"
                    } else {
                        " "
                    };
                    match chain {
                        Ok(chain) => {
                            println!("{mark} {:<20} {}  {description}", name, chain.join(" → "))
                        }
                        Err(e) => println!("{mark} {:<20} error: {e:#}", name),
                    }
                }
                Ok(())
            }
        }
    }
}

impl ForkArgs {
    pub fn run(self) -> Result<()> {
        use std::io::IsTerminal;
        let forked =
            crate::render::theme::fork::fork(&self.root, &self.name, &self.from, self.full)?;
        println!(
            "Created themes/{}/ ({} files) from `{}`.",
            self.name,
            forked.files.len(),
            self.from
        );
        let set = self.set || {
            let interactive = std::io::stdin().is_terminal();
            if interactive {
                print!(
                    "Use it for this site now (sets theme = \"{}\" in sesh.toml)? [y/N] ",
                    self.name
                );
                std::io::Write::flush(&mut std::io::stdout())?;
                let mut answer = String::new();
                std::io::stdin().read_line(&mut answer)?;
                matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
            } else {
                false
            }
        };
        if set {
            crate::render::theme::fork::set_theme(&self.root, &self.name)?;
            println!("sesh.toml now uses theme = \"{}\".", self.name);
        } else {
            println!(
                "To use it, set theme = \"{}\" in sesh.toml (or run again with --set).",
                self.name
            );
        }
        Ok(())
    }
}
