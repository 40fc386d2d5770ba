//! The command line: one `*Args` struct per subcommand, each with a `run()`.

use crate::audit::exposure::Visibility;
use crate::config::{AsOf, Config, Overrides};
use crate::report::Log;
use crate::site::BuildReport;
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
    /// Build, then push the built site (and nothing else) to a git repository as one commit
    Publish(PublishArgs),
    /// Preview the site: build, serve on http://127.0.0.1:1111/, rebuild and reload on every change
    Serve(ServeArgs),
    /// Create a new archive (settings, an example contest, a GitHub Pages workflow)
    Init(InitArgs),
    /// Create a contest or an entry folder to fill in (an entry stays unpublished until its
    /// consent is recorded)
    #[command(subcommand)]
    New(NewCommand),
    /// Turn a submission form's export (CSV, XLSX) into entry folders, consent by explicit answers
    Import(ImportArgs),
    /// Build without publishing and check links, alt text, content problems and exclusions
    Check(CheckArgs),
    /// What is published and why, item by item; or scan a built site for leaks (--scan-output)
    Audit(AuditArgs),
    /// Write an offline copy of the archive, or of one contest, that opens from a folder with
    /// no server and no network (a USB stick, a shared drive)
    Bundle(BundleArgs),
    /// Write a contest's repository deposit (DataCite and Zenodo metadata, CITATION.cff and a
    /// zip of its offline copy) into a folder; nothing is uploaded
    Deposit(DepositArgs),
    /// Fork or list themes
    #[command(subcommand)]
    Theme(ThemeCommand),
}

impl Cli {
    pub fn run(self) -> Result<()> {
        match self.command {
            Command::Build(args) => args.run(),
            Command::Publish(args) => args.run(),
            Command::Serve(args) => args.run(),
            Command::Init(args) => args.run(),
            Command::New(command) => command.run(),
            Command::Import(args) => args.run(),
            Command::Check(args) => args.run(),
            Command::Audit(args) => args.run(),
            Command::Bundle(args) => args.run(),
            Command::Deposit(args) => args.run(),
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
    /// Print errors only, not warnings, progress and the summary
    #[arg(long, short)]
    pub quiet: bool,
    /// Do not scan the output for restricted text, private values and image metadata
    #[arg(long)]
    pub no_scan: bool,
    /// List every excluded item and show problems as they are, even when not writing to a
    /// terminal (a CI log others may read otherwise gets counts and [withheld] texts)
    #[arg(long, short)]
    pub verbose: bool,
    #[command(flatten)]
    pub sources: SourcesArgs,
}

/// Who can read the sources: given, or found in a GitHub Actions event.
#[derive(Debug, Args)]
pub struct SourcesArgs {
    /// Who can read the repository that holds the sources: public, private, internal or unknown.
    /// Unless private, the build fails if the sources hold anything the site withholds. In
    /// GitHub Actions it defaults to what the event says (unknown counts as public)
    #[arg(long, env = "SESH_SOURCE_VISIBILITY", value_parser = Visibility::parse, value_name = "VISIBILITY")]
    pub source_visibility: Option<Visibility>,
}

impl SourcesArgs {
    /// The visibility to guard against: as given, else from GitHub Actions, else none (a build
    /// on a computer, whose sources no one else reads).
    fn visibility(&self) -> Option<Visibility> {
        self.source_visibility
            .or_else(Visibility::from_github_actions)
    }
}

impl BuildArgs {
    pub fn run(self) -> Result<()> {
        self.build().map(|_| ())
    }

    /// Builds as `sesh build` does, printing problems and the summary; returns the
    /// configuration used.
    fn build(&self) -> Result<Config> {
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
        let log = Log::detect(self.verbose);
        let options = BuildOptions {
            force: self.force,
            strict: self.strict,
            no_scan: self.no_scan,
            source_visibility: self.sources.visibility(),
            log,
            progress: crate::progress::Progress::detect(self.quiet),
        };
        let report = match site::build(&config, &options) {
            Ok(report) => report,
            Err(e) => return Err(failure(e, log)),
        };
        print_problems(&report, self.quiet, log);
        if !self.quiet {
            println!("{}", report.summary(log));
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
        Ok(config)
    }
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The repository to push the built site to: a URL (https://…, git@github.com:ORG/SITE.git)
    /// or a local folder. Never the repository of the sources
    #[arg(long, value_name = "GIT_URL")]
    pub to: String,
    /// The branch to replace with the built site
    #[arg(long, default_value = "gh-pages")]
    pub branch: String,
    /// Build and commit, show what would be pushed, push nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub build: BuildArgs,
}

impl PublishArgs {
    pub fn run(self) -> Result<()> {
        crate::publish::check_branch(&self.branch)?;
        let target = crate::publish::resolve_target(&self.to);
        crate::publish::check_target(&self.build.site.root, &target)?;
        let config = self.build.build()?;
        let git_dir = config.images.cache_dir.join("publish.git");
        let message = format!("Publish the archive (sesh, as of {})", config.as_of);
        let push = crate::publish::Push {
            target: &target,
            branch: &self.branch,
            message: &message,
            dry_run: self.dry_run,
        };
        let published = crate::publish::publish(&config.output_dir, &git_dir, &push)?;
        let size = published.bytes as f64 / 1_000_000.0;
        let commit = &published.commit[..published.commit.len().min(12)];
        if self.dry_run {
            println!(
                "Dry run: would replace branch {} of {} with one commit ({commit}) of {} files ({size:.1} MB); nothing was pushed.",
                self.branch, self.to, published.files
            );
        } else {
            println!(
                "Published {} files ({size:.1} MB) to {}, branch {}, as one commit ({commit}); the branch holds no earlier commit.",
                published.files, self.to, self.branch
            );
        }
        Ok(())
    }
}

fn print_problems(report: &BuildReport, quiet: bool, log: Log) {
    for problem in &report.problems {
        if !quiet || problem.severity == crate::report::Severity::Error {
            eprintln!("{}", report.shown(problem, log));
        }
    }
}

/// A failed build's error as `log` may show it: a strict build's problems are printed first;
/// in a public log, the list of what the sources expose becomes counts and a leak's item
/// names are withheld.
fn failure(error: anyhow::Error, log: Log) -> anyhow::Error {
    if let Some(failure) = error.downcast_ref::<StrictFailure>() {
        print_problems(&failure.report, false, log);
    }
    let leak = error.downcast_ref::<crate::site::LeakFound>();
    if let Some(leak) = leak {
        print_problems(&leak.1, false, log);
    }
    if log == Log::Public {
        if let Some(refused) = error.downcast_ref::<crate::audit::exposure::Refused>() {
            return anyhow::anyhow!("{}", refused.summary());
        }
        if let Some(leak) = leak {
            return anyhow::anyhow!(
                "{}",
                crate::report::redact(&leak.to_string(), &leak.1.withheld)
            );
        }
    }
    error
}

#[derive(Debug, Args)]
pub struct BundleArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The contest to copy (its folder name under content/contests/); without it, the whole
    /// archive
    pub contest: Option<String>,
    /// The folder to write the copy into (replaced as a whole on the next run)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace a folder that holds files sesh did not create
    #[arg(long)]
    pub force: bool,
}

impl BundleArgs {
    pub fn run(self) -> Result<()> {
        let config = Config::load(&self.site.root, &self.site.overrides(None))?;
        let scratch = build_for_sharing(&config, site::ScratchFor::Bundle)?;
        let scope = match &self.contest {
            Some(slug) => crate::share::bundle::Scope::Contest(slug),
            None => crate::share::bundle::Scope::Archive,
        };
        let made =
            crate::share::write_bundle(&config, scratch.dir(), scope, &self.out, self.force)?;
        let what = match &self.contest {
            Some(slug) => format!("contest `{slug}`"),
            None => "the archive".to_string(),
        };
        println!(
            "Wrote an offline copy of {what} to {} ({} files, {:.1} MB). Open {} in a browser: it needs no server and no network.",
            self.out.display(),
            made.files,
            made.bytes as f64 / 1_000_000.0,
            self.out.join("index.html").display()
        );
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct DepositArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The contest to deposit (its folder name under content/contests/)
    #[arg(long, value_name = "SLUG")]
    pub contest: String,
    /// The folder to write the deposit into (replaced as a whole on the next run)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace a folder that holds files sesh did not create
    #[arg(long)]
    pub force: bool,
}

impl DepositArgs {
    pub fn run(self) -> Result<()> {
        let config = Config::load(&self.site.root, &self.site.overrides(None))?;
        let scratch = build_for_sharing(&config, site::ScratchFor::Deposit)?;
        let made = crate::share::write_deposit(
            &config,
            scratch.dir(),
            &self.contest,
            &self.out,
            self.force,
        )?;
        let prefix = format!("{}/", self.contest);
        let left_out: Vec<&String> = (scratch.report.not_permanent.iter())
            .filter(|e| e.starts_with(&prefix))
            .collect();
        if !left_out.is_empty() {
            println!(
                "Left out of the deposit, as a deposit is permanent and their consent has an end date (expires):"
            );
            for entry in left_out {
                println!("  {entry}");
            }
        }
        let files = crate::share::DEPOSIT_FILES.join(", ");
        println!(
            "Wrote the deposit of contest `{}` to {} ({} files, {:.1} MB): {files}, {}, {}.zip. Nothing was uploaded.",
            self.contest,
            self.out.display(),
            made.files,
            made.bytes as f64 / 1_000_000.0,
            crate::share::CITATION_FILE,
            self.contest,
        );
        Ok(())
    }
}

/// The site built into a folder of its own for a bundle or a deposit (scanned like a
/// publish build); its errors printed, its warnings left to `sesh build` and `sesh check`.
fn build_for_sharing(config: &Config, purpose: site::ScratchFor) -> Result<site::Scratch> {
    let log = Log::detect(false);
    let scratch = site::build_scratch(config, purpose).map_err(|e| failure(e, log))?;
    print_problems(&scratch.report, true, log);
    Ok(scratch)
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
    /// Where the site will be published, e.g. https://your-org.github.io/archive-site/
    /// (default: the GitHub Pages address of --site-repo)
    #[arg(long)]
    pub base_url: Option<String>,
    /// How the GitHub Pages workflow publishes: site-repo keeps these sources in a private
    /// repository and pushes only the built site to a public one (works on GitHub's Free plan);
    /// same-repo serves Pages from this repository (private needs Pro, Team or Enterprise)
    #[arg(long, value_enum, default_value = "site-repo")]
    pub deploy: crate::init::Deploy,
    /// The public repository (owner/name) that will hold the built site, with --deploy site-repo
    #[arg(long, value_name = "OWNER/NAME")]
    pub site_repo: Option<String>,
}

impl InitArgs {
    pub fn run(self) -> Result<()> {
        use crate::init::{Deploy, Options, SITE_REPO_PLACEHOLDER};
        let options = Options {
            title: self.title.clone(),
            base_url: self.base_url.clone(),
            deploy: self.deploy,
            site_repo: self.site_repo.clone(),
        };
        let written = crate::init::init(&self.dir, &options)?;
        println!("Created a new archive in {}:", self.dir.display());
        for file in &written {
            println!(
                "  {}",
                file.strip_prefix(&self.dir).unwrap_or(file).display()
            );
        }
        let base_path = url::Url::parse(&options.base_url())
            .map(|u| u.path().to_string())
            .unwrap_or_else(|_| "/".into());
        println!(
            "\nNext:\n  sesh serve --root {0}     preview it at http://127.0.0.1:1111{base_path}\n  sesh check --root {0}     check links, alt text and consent\n\nEntries submitted through a form (Google Forms, Qualtrics, KoboToolbox, REDCap, 问卷星):\n  sesh import EXPORT.csv --init-map --map map.toml     list the export's columns in a mapping\n  sesh import EXPORT.csv --contest example-contest --map map.toml --root {0} --dry-run\n  (README: \"From a form export to a published archive\")",
            self.dir.display()
        );
        let site = self.site_repo.as_deref().unwrap_or(SITE_REPO_PLACEHOLDER);
        match self.deploy {
            Deploy::SiteRepo => println!(
                "\nTo publish on GitHub Pages (the first lines of .github/workflows/pages.yml say the same):\n  1. Push this folder to a PRIVATE repository: it holds consent records and [private] data.\n  2. Create the site repository {site}: public and empty.{}\n  3. Make a deploy key: ssh-keygen -t ed25519 -N \"\" -C \"archive deploy\" -f archive-deploy\n     Add archive-deploy.pub to {site} (Settings → Deploy keys, tick \"Allow write access\").\n     Add the contents of archive-deploy as the secret SITE_DEPLOY_KEY of the private repository\n     (Settings → Secrets and variables → Actions). Then delete both files.\n  4. After the workflow's first run, in {site}: Settings → Pages → Deploy from a branch, gh-pages, / (root).",
                if self.site_repo.is_none() {
                    " Put its name in SITE_REPOSITORY in the workflow,\n     and its address in base_url in sesh.toml (or run sesh init with --site-repo)."
                } else {
                    ""
                }
            ),
            Deploy::SameRepo => println!(
                "\nTo publish on GitHub Pages: push this folder to a PRIVATE repository (Pages from a private\nrepository needs GitHub Pro, Team or Enterprise; on a Free plan use --deploy site-repo), then\nSettings → Pages → Source: \"GitHub Actions\". Never make it public: it holds consent records and\n[private] data, and the build refuses to run from a public repository that holds them."
            ),
        }
        Ok(())
    }
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Create content/contests/<NAME>/_index.md
    Contest(NewContestArgs),
    /// Create content/contests/<CONTEST>/<NAME>/index.md, with publish = false until the
    /// creator's consent is recorded
    Entry(NewEntryArgs),
}

#[derive(Debug, Args)]
pub struct NewContestArgs {
    /// The contest's folder, which is also its address: lowercase letters, digits and -
    pub name: String,
    /// The contest's title (default: from NAME)
    #[arg(long)]
    pub title: Option<String>,
    /// The site folder
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

#[derive(Debug, Args)]
pub struct NewEntryArgs {
    /// The contest's folder (created with `sesh new contest`)
    pub contest: String,
    /// The entry's folder, which is also its address: lowercase letters, digits and -
    pub name: String,
    /// The entry's title (default: from NAME)
    #[arg(long)]
    pub title: Option<String>,
    /// The site folder
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

impl NewCommand {
    pub fn run(self) -> Result<()> {
        match self {
            NewCommand::Contest(args) => args.run(),
            NewCommand::Entry(args) => args.run(),
        }
    }
}

impl NewContestArgs {
    pub fn run(self) -> Result<()> {
        let file = crate::init::new::contest(&self.root, &self.name, self.title.as_deref())?;
        println!(
            "Created {}.\nEdit it: the title, dates, organisers and what the contest asked for. Then add entries:\n  sesh new entry {} ENTRY-NAME --title \"…\"",
            file.display(),
            self.name
        );
        Ok(())
    }
}

impl NewEntryArgs {
    pub fn run(self) -> Result<()> {
        let file =
            crate::init::new::entry(&self.root, &self.contest, &self.name, self.title.as_deref())?;
        let folder = file.parent().unwrap_or(&self.root).display();
        println!(
            "Created {}.\nEdit it: the summary, the authors and the text; put the entry's media in {folder}.\nIt is NOT published until its creator has consented and you set publish = true in its\n[consent] table (each consent field there says what it means). Preview it with: sesh serve",
            file.display()
        );
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The form's export: CSV or TSV (UTF-8, UTF-16 or GB18030/GBK) or a workbook (.xlsx, .xls, .ods)
    pub export: PathBuf,
    /// The contest to write the entries into: its folder name under content/contests/
    #[arg(long, value_name = "SLUG", required_unless_present = "init_map")]
    pub contest: Option<String>,
    /// The mapping from columns to entry fields (TOML); with --init-map, the file to create
    #[arg(
        long,
        value_name = "MAPPING.toml",
        required_unless_present = "init_map"
    )]
    pub map: Option<PathBuf>,
    /// The files the form tool exported (uploads): a folder or a .zip
    #[arg(long, value_name = "DIR|ZIP")]
    pub attachments: Option<PathBuf>,
    /// Say what would be written, row by row; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// How to print the report
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// The encoding of a CSV export (auto: detected; text that looks wrongly decoded stops the import)
    #[arg(long, value_enum, default_value = "auto")]
    pub encoding: crate::import::Encoding,
    /// The workbook sheet to read (default: the first)
    #[arg(long)]
    pub sheet: Option<String>,
    /// Write a starting mapping that lists every column of the export, commented out (to --map
    /// FILE, which must not exist yet, or to standard output)
    #[arg(long)]
    pub init_map: bool,
    /// The site folder (holding sesh.toml and content/)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// "Today" for saying whether an embargoed or expiring entry would be published (YYYY-MM-DD)
    #[arg(long, value_parser = AsOf::parse)]
    pub as_of: Option<AsOf>,
}

impl ImportArgs {
    pub fn run(self) -> Result<()> {
        if self.init_map {
            return self.write_map();
        }
        let (Some(contest), Some(map)) = (self.contest.clone(), self.map.clone()) else {
            bail!("sesh import needs --contest SLUG and --map MAPPING.toml (or --init-map)");
        };
        let overrides = Overrides {
            as_of: self.as_of.clone(),
            ..Overrides::default()
        };
        let config = Config::load(&self.root, &overrides)?;
        let options = crate::import::Options {
            export: self.export,
            contest,
            map,
            attachments: self.attachments,
            encoding: self.encoding,
            sheet: self.sheet,
            dry_run: self.dry_run,
        };
        let report = crate::import::run(&config.content_dir, &options, &config.as_of)?;
        match self.format {
            Format::Table => print!("{}", report.table()),
            Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        }
        Ok(())
    }

    fn write_map(&self) -> Result<()> {
        let text = crate::import::init_map(&self.export, self.encoding, self.sheet.as_deref())?;
        let Some(path) = &self.map else {
            print!("{text}");
            return Ok(());
        };
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path);
        let mut file = match file {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
                "`{}` already exists; nothing was written\n  hint: give --map a new file name, or leave --map out to print the mapping",
                path.display()
            ),
            other => other.with_context(|| format!("cannot create `{}`", path.display()))?,
        };
        std::io::Write::write_all(&mut file, text.as_bytes())
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        eprintln!(
            "Wrote {}: every column of the export is listed, commented out. Uncomment and fill in the fields you need, then run sesh import with --contest and --map.",
            path.display()
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
    /// List what the sources would expose if the repository holding them were public (or
    /// internal, or unknown); never fails because of it
    #[arg(long, env = "SESH_SOURCE_VISIBILITY", value_parser = Visibility::parse, value_name = "VISIBILITY")]
    pub source_visibility: Option<Visibility>,
    /// List every excluded item and show problems as they are, even when not writing to a
    /// terminal (a CI log others may read otherwise gets counts and [withheld] texts)
    #[arg(long, short)]
    pub verbose: bool,
}

impl CheckArgs {
    pub fn run(self) -> Result<()> {
        let overrides = self.site.overrides(None);
        let config = Config::load(&self.site.root, &overrides)?;
        let log = Log::detect(self.verbose);
        let report = crate::check::check(&config, self.source_visibility, log)?;
        let json = serde_json::to_string_pretty(&report)?;
        match self.format {
            Format::Table => print!("{}", report.table(log)),
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
            let restricted =
                crate::audit::scan::Restricted::collect(&raw, &gated.site, &config.scan_allow);
            for problem in &restricted.problems {
                eprintln!("{}", problem.labelled());
            }
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
