//! The page of a contest (its gallery) and the page listing all contests.

use super::super::{BodyOut, OutputFile, Renderer, Spec};
use super::*;

impl<'a> Renderer<'a> {
    pub(in crate::render) fn contest_card(&self, contest: &'a Contest) -> ContestCard<'a> {
        ContestCard {
            slug: &contest.slug,
            url: self.routes.contest(&contest.slug),
            title: &contest.title,
            summary: contest.summary.as_deref(),
            start: contest.start.map(|d| d.to_string()),
            end: contest.end.map(|d| d.to_string()),
            facts: &contest.facts,
            entry_count: contest.entries.len(),
            cover: self.contest_cover(contest),
            lang: self.other(&contest.lang),
        }
    }

    /// The first published image of the contest's entries, in gallery order.
    pub(in crate::render) fn contest_cover(&self, contest: &Contest) -> Option<ImageView> {
        contest.entries.iter().find_map(|e| self.card_thumb(e))
    }

    pub(in crate::render) fn contest_page(
        &self,
        contest: &'a Contest,
        cards: &[EntryCard<'a>],
        body: &BodyOut,
    ) -> Result<Vec<(OutputFile, bool)>> {
        let mut groups: Vec<AwardGroup> = Vec::new();
        let mut order: Vec<Option<Award>> = contest.entries.iter().map(|e| e.award).collect();
        order.sort_by_key(|a| (a.is_none(), *a));
        order.dedup();
        for award in order {
            let entries = contest
                .entries
                .iter()
                .zip(cards)
                .filter(|(e, _)| e.award == award)
                .map(|(_, card)| card)
                .collect();
            groups.push(AwardGroup {
                award: award.map(|a| a.id()),
                entries,
            });
        }
        let url = self.routes.contest(&contest.slug);
        let citation = self.contest_citation(contest)?;
        let stem = crate::render::citation::stem(&[&contest.slug]);
        let view = ContestView {
            slug: &contest.slug,
            url: url.clone(),
            title: &contest.title,
            summary: contest.summary.as_deref(),
            start: contest.start.map(|d| d.to_string()),
            end: contest.end.map(|d| d.to_string()),
            facts: &contest.facts,
            license: contest.license.as_deref().map(licenses::describe),
            doi: crate::render::citation::doi_view(contest.doi.as_deref()),
            outputs: contest
                .outputs
                .iter()
                .map(crate::render::citation::output_view)
                .collect(),
            cite: self.cite_view(&citation, &stem),
            share: self.share_view(&contest.slug),
            sensitive: contest.sensitive,
            stats: &contest.stats,
            body_html: body.html.clone(),
            cover: self.contest_cover(contest),
            sections: &contest.sections,
            words_min: contest.words.map(|w| w[0]),
            words_max: contest.words.map(|w| w[1]),
            entry_count: contest.entries.len(),
            groups,
            extra: &contest.extra,
            lang: self.other(&contest.lang),
            body_lang: self.other(&contest.body.lang),
        };
        let meta = self.meta(
            &contest.title,
            contest.summary.as_deref(),
            view.cover.as_ref(),
            false,
        );
        let ld = self.contest_ld(contest, &citation)?;
        let spec = Spec {
            template: "contest.html",
            path: format!("contests/{}/index.html", contest.slug),
            kind: "contest",
            url: view.url.clone(),
            name: "contest",
            meta: Self::scholarly(meta, &ld, &citation),
        };
        let mut files = vec![self.page(spec, &view)?];
        // The contest's downloads hold its entries' citations too (this page is rendered again
        // whenever anything in the contest changes: its key covers the contest's revision).
        let mut citations = vec![citation];
        for entry in &contest.entries {
            citations.push(self.entry_citation(contest, entry)?);
        }
        files.extend(self.cite_files(&stem, &citations)?);
        Ok(files)
    }

    /// Where the contest's deposit metadata is published (written once, at the root).
    fn share_view(&self, slug: &str) -> ShareView {
        use crate::share::{CITATION_FILE, DEPOSIT_FILES, deposit_dir};
        let file = |name: &str| self.routes.file(&format!("{}{name}", deposit_dir(slug)));
        ShareView {
            slug: slug.to_string(),
            datacite_xml: file(DEPOSIT_FILES[0]),
            datacite_json: file(DEPOSIT_FILES[1]),
            zenodo: file(DEPOSIT_FILES[2]),
            citation_cff: self.routes.file(CITATION_FILE),
        }
    }

    pub(in crate::render) fn contests_page(&self) -> Result<(OutputFile, bool)> {
        let cards: Vec<ContestCard> = self
            .site
            .contests
            .iter()
            .map(|c| self.contest_card(c))
            .collect();
        let title = self.text("contests.title")?;
        let intro = self.text("contests.intro")?;
        let spec = Spec {
            template: "contests.html",
            path: "contests/index.html".into(),
            kind: "contests",
            url: self.routes.contests(),
            name: "contests",
            meta: self.meta(&title, Some(&intro), None, false),
        };
        self.page(spec, &cards)
    }
}
