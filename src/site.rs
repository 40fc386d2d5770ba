//! ORCHESTRATE: one build, stage by stage.

use crate::config::Config;
use crate::consent::{self, Settings};
use crate::content;
use crate::images;
use crate::output::Staging;
use crate::render::{self, theme::Theme};
use crate::report::{BuildReport, Published};
use anyhow::Result;

/// How to build, beyond the configuration.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Replace an output folder that holds files sesh did not write.
    pub force: bool,
    /// Fail (and keep the previous output) if any error was reported.
    pub strict: bool,
}

/// Builds the site into `config.output_dir`, replacing it only if everything succeeded.
pub fn build(config: &Config, options: &BuildOptions) -> Result<BuildReport> {
    let raw = content::load(config)?;
    let gated = consent::gate(&raw, &Settings::from(config));
    let mut report = BuildReport {
        as_of: config.as_of.to_string(),
        output: config.output_dir.clone(),
        excluded: gated.excluded,
        problems: gated.problems,
        ..BuildReport::default()
    };
    fail_if_strict(options, &report)?;
    let mut theme = Theme::load(config)?;
    let staging = Staging::new(
        &config.root,
        &config.output_dir,
        &config.images.cache_dir,
        options.force,
    )?;
    let (images, image_problems) =
        images::publish(&gated.site, &config.images, &config.root, staging.dir());
    report.problems.extend(image_problems);
    report.images = images.stats.clone();
    let rendered = render::render(config, &gated.site, &mut theme, &images)?;
    report.problems.extend(rendered.problems);
    for (path, source) in &theme.statics {
        staging.write(path, &source.read()?)?;
    }
    for file in &rendered.files {
        staging.write(&file.path, &file.bytes)?;
    }
    report.published = Published {
        contests: gated.site.contests.len(),
        entries: gated.site.contests.iter().map(|c| c.entries.len()).sum(),
        media: images.by_source.len(),
        pages: rendered.files.len(),
        files_written: rendered.files.len() + theme.statics.len() + images.files(),
    };
    fail_if_strict(options, &report)?;
    staging.commit()?;
    Ok(report)
}

impl From<&Config> for Settings {
    fn from(config: &Config) -> Settings {
        Settings {
            as_of: config.as_of.clone(),
            license: config.license.clone(),
        }
    }
}

/// A `--strict` build that found errors. Carries the report so the caller can show them.
#[derive(Debug, thiserror::Error)]
#[error("{} error(s) reported and --strict is set; the previous output was left unchanged", .report.errors())]
pub struct StrictFailure {
    pub report: BuildReport,
}

fn fail_if_strict(options: &BuildOptions, report: &BuildReport) -> Result<()> {
    if options.strict && report.errors() > 0 {
        return Err(StrictFailure {
            report: report.clone(),
        }
        .into());
    }
    Ok(())
}
