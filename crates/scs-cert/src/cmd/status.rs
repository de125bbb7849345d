//! `scs-cert status`

use std::collections::BTreeMap;

use scs_cert::eval::{self, Evidence, Since, VersionHistory, VersionStatus, Wording};
use scs_cert::output::StatusRecord;
use scs_cert::spec::Validity;
use scs_cert::subject::Subject;
use scs_cert::target::TargetVerdict;
use scs_cert::time::{Instant, format_instant};
use scs_cli::{Outcome, Tone};
use scs_registry::ledger;
use scs_registry::state::{self, AdoptedScope};

use crate::cli::StatusArgs;
use crate::cmd::Ctx;

/// (subject, scope) pairs judged together between two rounds of output.
const PAIRS_PER_BATCH: usize = 16;

pub(crate) fn run(ctx: &Ctx, args: StatusArgs) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let at = args.at.map_or_else(|| ctx.now(), |t| t.instant());
    let subjects: Vec<Subject> = if args.subjects.is_empty() {
        state.subjects.keys().cloned().collect()
    } else {
        let mut v = Vec::new();
        for s in &args.subjects {
            let s: Subject = s.parse()?;
            state.subject(&s)?;
            v.push(s);
        }
        v
    };
    let scopes: Vec<&AdoptedScope> = match &args.scope {
        Some(name) => vec![state.adopted(name)?],
        None => state.scopes.values().collect(),
    };
    let columns = Columns::new(&subjects, &scopes);
    if !args.json {
        ctx.printer.result(&columns.header())?;
    }
    // Ledgers are read in order (the git store is not shared between threads); the engine
    // then judges a batch of (subject, scope) pairs on every core, and the output keeps order.
    let pairs: Vec<(&Subject, &AdoptedScope)> = subjects
        .iter()
        .flat_map(|s| scopes.iter().map(move |p| (s, *p)))
        .collect();
    // (subject, scope) pairs shown, and of them those compliant with some version.
    let (mut shown, mut compliant_pairs) = (0usize, 0usize);
    for batch in pairs.chunks(PAIRS_PER_BATCH) {
        let mut work = Vec::with_capacity(batch.len());
        for (subject, scope) in batch {
            let lines = state::ledger_lines(&registry, subject, scope.spec.uuid())?;
            // Without --scope, show only the scopes the subject has evidence for.
            if lines.is_empty() && args.scope.is_none() {
                continue;
            }
            work.push((*subject, *scope, ledger::evidence(&lines)));
        }
        let printer = &ctx.printer;
        let json = args.json;
        let all_versions = args.all_versions;
        let columns = &columns;
        let outputs = scs_cert::parallel::map(
            &work,
            scs_cert::parallel::workers(),
            |(subject, scope, evidence)| {
                if json {
                    let record = StatusRecord::new(subject, &scope.spec, evidence, at);
                    let line = scs_cert::output::to_json(&record)?.to_string();
                    Ok::<_, serde_json::Error>((vec![line], false))
                } else {
                    let rows = Rows {
                        printer,
                        columns,
                        all_versions,
                    };
                    Ok(rows.lines(subject, scope, evidence, at))
                }
            },
        );
        for output in outputs {
            let (lines, compliant): (Vec<String>, bool) = output?;
            for line in lines {
                printer.result(&line)?;
            }
            shown += 1;
            compliant_pairs += usize::from(compliant);
        }
    }
    if !args.json {
        ctx.printer
            .info(&format!("{compliant_pairs} of {shown} compliant"));
    }
    Ok(Outcome::Success)
}

/// The widths of the table's columns, from every name that can appear in them, so the header
/// is printed before the first row is judged and rows stream out as they are.
#[derive(Debug)]
struct Columns {
    subject: usize,
    scope: usize,
    version: usize,
    validity: usize,
    main: usize,
}

impl Columns {
    fn new(subjects: &[Subject], scopes: &[&AdoptedScope]) -> Columns {
        let widest = |title: &str, names: &mut dyn Iterator<Item = usize>| {
            names.fold(title.chars().count(), usize::max)
        };
        let validities = [
            Validity::Deprecated,
            Validity::Draft,
            Validity::Effective,
            Validity::Warn,
        ];
        let verdicts = [
            TargetVerdict::Abort,
            TargetVerdict::Fail,
            TargetVerdict::Missing,
            TargetVerdict::Pass,
        ];
        Columns {
            subject: widest(
                "SUBJECT",
                &mut subjects.iter().map(|s| s.as_str().chars().count()),
            ),
            scope: widest("SCOPE", &mut scopes.iter().map(|p| p.slug.chars().count())),
            version: widest(
                "VERSION",
                &mut scopes
                    .iter()
                    .flat_map(|p| p.spec.versions())
                    .map(|v| v.name().chars().count()),
            ),
            validity: widest("VALIDITY", &mut validities.iter().map(|v| v.as_str().len())),
            main: widest("MAIN", &mut verdicts.iter().map(|v| v.to_string().len())),
        }
    }

    fn header(&self) -> String {
        let main = format!("{:<w$}", "MAIN", w = self.main);
        self.row(
            "SUBJECT",
            "SCOPE",
            "VERSION",
            "VALIDITY",
            &main,
            "COMPLIANT",
        )
    }

    /// One row; `main` may carry colour codes, so it is padded before it is painted.
    fn row(
        &self,
        subject: &str,
        scope: &str,
        version: &str,
        validity: &str,
        main: &str,
        compliant: &str,
    ) -> String {
        format!(
            "{subject:<sw$}  {scope:<pw$}  {version:<vw$}  {validity:<lw$}  {main}  {compliant}",
            sw = self.subject,
            pw = self.scope,
            vw = self.version,
            lw = self.validity,
        )
    }
}

/// How one (subject, scope) pair becomes rows.
struct Rows<'a> {
    printer: &'a scs_cli::Printer,
    columns: &'a Columns,
    all_versions: bool,
}

impl Rows<'_> {
    /// The pair's rows, and whether some version is compliant.
    fn lines(
        &self,
        subject: &Subject,
        scope: &AdoptedScope,
        evidence: &[Evidence],
        at: Instant,
    ) -> (Vec<String>, bool) {
        let status = eval::status_at(&scope.spec, evidence, at);
        let compliant = status.compliant().next().is_some();
        let Some(best) = status.best() else {
            let row = self.columns.row(
                subject.as_str(),
                &scope.slug,
                "-",
                "-",
                &format!("{:<w$}", "-", w = self.columns.main),
                "no: no version is listed at this instant",
            );
            return (vec![row], false);
        };
        let standing = eval::standing(&scope.spec, evidence, at);
        let shown: Vec<&VersionStatus<'_>> = if self.all_versions {
            status.versions.iter().collect()
        } else {
            vec![best]
        };
        let rows = shown
            .into_iter()
            .map(|v| self.row(subject, scope, v, &standing, evidence, at))
            .collect();
        (rows, compliant)
    }

    fn row(
        &self,
        subject: &Subject,
        scope: &AdoptedScope,
        v: &VersionStatus<'_>,
        standing: &BTreeMap<String, VersionHistory>,
        evidence: &[Evidence],
        at: Instant,
    ) -> String {
        let main = v.main().map_or(TargetVerdict::Missing, |t| t.verdict);
        let tone = match main {
            TargetVerdict::Pass => Tone::Good,
            TargetVerdict::Fail => Tone::Bad,
            _ => Tone::Doubt,
        };
        let compliant = if v.is_compliant() {
            match standing.get(v.version.name()).and_then(|h| h.since) {
                Some(Since::Before(t)) => format!("yes, since before {}", format_instant(t)),
                Some(since) => format!("yes, since {}", format_instant(since.instant())),
                None => "yes".to_owned(),
            }
        } else {
            let mut why = Vec::new();
            if !v.validity.is_certifiable() {
                why.push(format!("{} is not certifiable", v.validity));
            }
            if v.main().is_none_or(|t| t.empty) {
                why.push("empty main target".to_owned());
            }
            // The reasons come from the sweep `standing` already made: one pass per version.
            let findings = standing.get(v.version.name()).map(|h| &h.findings[..]);
            let wording = Wording::for_main(
                subject.as_str(),
                &scope.spec,
                v.version.name(),
                evidence,
                at,
            );
            if let (Some(findings), Ok(wording)) = (findings, wording) {
                why.extend(wording.lines(findings));
            }
            format!("no: {}", why.join(" | "))
        };
        let padded = format!("{main:<w$}", w = self.columns.main);
        self.columns.row(
            subject.as_str(),
            &scope.slug,
            v.version.name(),
            v.validity.as_str(),
            &self.printer.paint(&padded, tone),
            &compliant,
        )
    }
}
