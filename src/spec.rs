//! Scope specs (scs-0003): which versions a certificate scope has, which testcases each version's
//! targets hold, and the timeline saying which versions count when.
//!
//! Two formats load (reference §1): Gen 2, the current one (top-level `scripts`, explicit target
//! lists), and Gen 1 (module `run`/`testcases` with `tags`, versions selecting testcases by tag
//! selector strings), which the historical IaaS files use. The dead Gen 0 format is recognised
//! and refused with [`Error::Gen0`].
//!
//! [`Spec::load`] reads the YAML into `Raw*` structs and validates them into a [`Spec`]; problems
//! are collected as [`Diagnostic`]s with file positions. A [`Spec`] is immutable and consistent:
//! every timeline version exists, every target id resolves to a [`Testcase`], and code using it
//! need not check again.
//!
//! Loading a spec establishes nothing about where it came from: callers decide which spec files
//! they trust (the registry keeps adopted specs byte-exact).

mod diagnostic;
mod gen1;
mod gen2;
mod lifetime;
mod raw;
mod timeline;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use self::diagnostic::Sink;
pub use self::diagnostic::{Diagnostic, codes};
pub use self::lifetime::{Lifetime, ParseLifetimeError};
use self::raw::Detected;
pub use self::timeline::{ParseValidityError, TimelineEntry, Validity};
use crate::yaml::{self, Position};

/// The largest spec accepted, in bytes. The HEAD IaaS spec is about 30 KiB.
pub const MAX_SPEC_BYTES: usize = 4 * 1024 * 1024;

/// A scope spec that could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file is in the Gen 0 format (no `uuid`, `modules` or `timeline`;
    /// `versions[].standards[].check_tools`), which no upstream tool reads any more.
    #[error(
        "{origin}: scope spec is in the gen 0 format (versions[].standards[].check_tools, no uuid/modules/timeline), which is not supported"
    )]
    Gen0 {
        /// The file, as the caller named it.
        origin: String,
    },
    /// The YAML has the right shape but breaks the format's rules.
    #[error("{origin}: invalid scope spec: {} problem(s), first: {}", diagnostics.len(), first(diagnostics))]
    Invalid {
        /// The file, as the caller named it.
        origin: String,
        /// Every problem found, in file order; never empty.
        diagnostics: Vec<Diagnostic>,
    },
    /// The file is larger than [`MAX_SPEC_BYTES`].
    #[error("{origin}: scope spec is {size} bytes, more than the limit of {limit}")]
    TooLarge {
        /// The file, as the caller named it.
        origin: String,
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The YAML could not be read into the format's shape (syntax, types, missing keys, limits).
    #[error("{origin}:{}: {}", error.position, error.message)]
    Yaml {
        /// The file, as the caller named it.
        origin: String,
        /// What the YAML layer reported.
        error: yaml::Error,
    },
}

fn first(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .first()
        .map(|d| format!("{}: {} [{}]", d.position(), d.message(), d.code()))
        .unwrap_or_default()
}

/// The format generation a spec was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Generation {
    /// Module `run`/`testcases` with tags; versions select testcases by tag selectors
    /// (2024-03 … 2026-01-22).
    Gen1,
    /// Top-level `scripts`, explicit target lists (since 2026-01-23, `817d960b`).
    Gen2,
}

/// A testcase as a version sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Testcase {
    id: String,
    lifetime: Lifetime,
    description: Option<String>,
    url: Option<String>,
    section: Option<String>,
    manual: bool,
}

impl Testcase {
    /// The id results are reported under.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// How long a result stays valid ([`Lifetime::Week`] when the spec says nothing).
    pub fn lifetime(&self) -> Lifetime {
        self.lifetime
    }

    /// Human description, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Documentation link, if any (Gen 2 only).
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// Section label (`light`, `medium`, `heavy`), if any. Gen 1 kept sections on the checks, not
    /// the testcases, so Gen 1 testcases have none.
    pub fn section(&self) -> Option<&str> {
        self.section.as_deref()
    }

    /// Whether nothing runs this testcase automatically: Gen 2, its script has no `executable`;
    /// Gen 1, its module has no `run` checks (e.g. scs-0121-v1 and scs-0302-v1 in `cf3a2613`).
    pub fn is_manual(&self) -> bool {
        self.manual
    }
}

/// A module included into a version, with the parameters the version gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Include {
    module: String,
    parameters: BTreeMap<String, String>,
}

impl Include {
    /// The module id.
    pub fn module(&self) -> &str {
        &self.module
    }

    /// Parameter values (documentation only in Gen 2; used in check arguments in Gen 1).
    pub fn parameters(&self) -> &BTreeMap<String, String> {
        &self.parameters
    }
}

/// One version of a scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    name: String,
    stabilized_at: Option<NaiveDate>,
    includes: Vec<Include>,
    targets: BTreeMap<String, BTreeSet<String>>,
    testcases: BTreeMap<String, Testcase>,
}

/// The empty target, for versions without `main`.
static NO_TESTCASES: BTreeSet<String> = BTreeSet::new();

impl Version {
    /// The version name, e.g. `v5.1` or `next`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The date the version became stable, if it did.
    pub fn stabilized_at(&self) -> Option<NaiveDate> {
        self.stabilized_at
    }

    /// Whether the version is stable (has `stabilized_at`) and so must never change.
    pub fn is_stable(&self) -> bool {
        self.stabilized_at.is_some()
    }

    /// The included modules, in YAML order.
    pub fn includes(&self) -> &[Include] {
        &self.includes
    }

    /// Target name → testcase ids. A target that selects nothing is absent.
    pub fn targets(&self) -> &BTreeMap<String, BTreeSet<String>> {
        &self.targets
    }

    /// The `main` target, which alone decides certification; empty if the version has none.
    pub fn main(&self) -> &BTreeSet<String> {
        self.targets.get("main").unwrap_or(&NO_TESTCASES)
    }

    /// The testcase `id` as this version defines it, if one of its targets holds it. Per version
    /// because Gen 1 ids repeat across modules with different meanings.
    pub fn testcase(&self, id: &str) -> Option<&Testcase> {
        self.testcases.get(id)
    }

    /// Every testcase of the version, by id.
    pub fn testcases(&self) -> impl Iterator<Item = (&str, &Testcase)> {
        self.testcases.iter().map(|(id, t)| (id.as_str(), t))
    }
}

/// A validated scope spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    uuid: String,
    name: String,
    url: Option<String>,
    generation: Generation,
    versions: Vec<Version>,
    timeline: Vec<TimelineEntry>,
}

/// What a generation's builder hands back.
#[derive(Debug)]
pub(crate) struct Parts {
    pub(crate) uuid: String,
    pub(crate) name: String,
    pub(crate) url: Option<String>,
    pub(crate) versions: Vec<Version>,
    pub(crate) timeline: Vec<TimelineEntry>,
}

impl Spec {
    /// Reads and validates a scope spec. `origin` names the file in errors.
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`] above [`MAX_SPEC_BYTES`]; [`Error::Gen0`] for the Gen 0 format;
    /// [`Error::Yaml`] when the YAML cannot be read into the format's shape; [`Error::Invalid`]
    /// with every rule broken (unknown keys, duplicate or dangling ids, bad dates, lifetimes,
    /// validity codes, selectors, and certifiable versions that are not yet stable). Unknown keys
    /// are found while reading the YAML, so the first one stops the reading and is then the only
    /// diagnostic; every other rule is checked in full.
    pub fn load(text: &str, origin: &str) -> Result<Spec, Error> {
        if text.len() > MAX_SPEC_BYTES {
            return Err(Error::TooLarge {
                origin: origin.to_owned(),
                size: text.len(),
                limit: MAX_SPEC_BYTES,
            });
        }
        let shape_error = |error: yaml::Error| shape_error(origin, error);
        let probe: serde_json::Value = yaml::from_str(text).map_err(shape_error)?;
        let mut sink = Sink::new(origin);
        let (generation, parts) = match raw::detect(&probe) {
            Detected::Gen0 => {
                return Err(Error::Gen0 {
                    origin: origin.to_owned(),
                });
            }
            Detected::Gen1 => {
                let raw = yaml::from_str(text).map_err(shape_error)?;
                (Generation::Gen1, gen1::build(&mut sink, raw))
            }
            Detected::Gen2 => {
                let raw = yaml::from_str(text).map_err(shape_error)?;
                (Generation::Gen2, gen2::build(&mut sink, raw))
            }
        };
        let diagnostics = sink.finish();
        if !diagnostics.is_empty() {
            return Err(Error::Invalid {
                origin: origin.to_owned(),
                diagnostics,
            });
        }
        Ok(Spec {
            uuid: parts.uuid,
            name: parts.name,
            url: parts.url,
            generation,
            versions: parts.versions,
            timeline: parts.timeline,
        })
    }

    /// The scope's UUID, by which reports name it.
    pub fn uuid(&self) -> &str {
        &self.uuid
    }

    /// Display name, e.g. `SCS-compatible IaaS`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the latest copy of the spec lives, if given.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// The format the spec was written in.
    pub fn generation(&self) -> Generation {
        self.generation
    }

    /// Every version, in YAML order.
    pub fn versions(&self) -> &[Version] {
        &self.versions
    }

    /// The version named `name`.
    pub fn version(&self, name: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.name == name)
    }

    /// The timeline, sorted by date ascending.
    pub fn timeline(&self) -> &[TimelineEntry] {
        &self.timeline
    }

    /// The entry in force on `date`: the one with the greatest date on or before it. `None`
    /// before the first entry (every version then implicitly deprecated).
    pub fn timeline_entry_at(&self, date: NaiveDate) -> Option<&TimelineEntry> {
        let after = self.timeline.partition_point(|e| e.date() <= date);
        after.checked_sub(1).and_then(|i| self.timeline.get(i))
    }

    /// The validity of `version` on `date` as the entry in force lists it. `None` when the entry
    /// does not list it (or no entry is in force): implicitly deprecated, and like upstream
    /// neither tested nor evaluated (reference §1.3).
    pub fn validity_at(&self, version: &str, date: NaiveDate) -> Option<Validity> {
        self.timeline_entry_at(date)?
            .versions()
            .get(version)
            .copied()
    }

    /// The versions the entry in force on `date` lists, with their validity.
    ///
    /// Order (deterministic, independent of YAML order where it matters): by validity
    /// `effective`, `warn`, `draft`, `deprecated`; within one validity, versions without
    /// `stabilized_at` first (they are the work in progress, newer than any stable one), then
    /// newest `stabilized_at` first; ties keep YAML order.
    pub fn listed_versions_at(&self, date: NaiveDate) -> Vec<(&Version, Validity)> {
        let Some(entry) = self.timeline_entry_at(date) else {
            return Vec::new();
        };
        let mut listed: Vec<(usize, &Version, Validity)> = self
            .versions
            .iter()
            .enumerate()
            .filter_map(|(i, v)| entry.versions().get(&v.name).map(|&val| (i, v, val)))
            .collect();
        listed.sort_by_key(|&(i, v, val)| {
            (
                val.rank(),
                Reverse(v.stabilized_at.unwrap_or(NaiveDate::MAX)),
                i,
            )
        });
        listed.into_iter().map(|(_, v, val)| (v, val)).collect()
    }
}

/// Sorts a YAML-layer error: an unknown key is a diagnostic like the others; anything else means
/// the document does not have the format's shape at all.
fn shape_error(origin: &str, error: yaml::Error) -> Error {
    // serde's `de::Error::unknown_field` message: "unknown field `name`, expected ...".
    if let Some(rest) = error.message.strip_prefix("unknown field `")
        && let Some(key) = rest.split('`').next()
    {
        return Error::Invalid {
            origin: origin.to_owned(),
            diagnostics: vec![Diagnostic::new(
                codes::UNKNOWN_KEY,
                format!("unknown key {key:?}"),
                origin,
                error.position,
            )],
        };
    }
    Error::Yaml {
        origin: origin.to_owned(),
        error,
    }
}

impl Version {
    pub(crate) fn new(
        name: String,
        stabilized_at: Option<NaiveDate>,
        includes: Vec<(String, BTreeMap<String, String>)>,
        targets: BTreeMap<String, BTreeSet<String>>,
        testcases: BTreeMap<String, Testcase>,
    ) -> Version {
        Version {
            name,
            stabilized_at,
            includes: includes
                .into_iter()
                .map(|(module, parameters)| Include { module, parameters })
                .collect(),
            targets,
            testcases,
        }
    }
}

impl Testcase {
    pub(crate) fn new(
        id: String,
        lifetime: Lifetime,
        description: Option<String>,
        url: Option<String>,
        section: Option<String>,
        manual: bool,
    ) -> Testcase {
        Testcase {
            id,
            lifetime,
            description,
            url,
            section,
            manual,
        }
    }
}

/// Reads an optional `lifetime`, reporting `unknown-lifetime`; absent means the default.
pub(crate) fn lifetime_of(sink: &mut Sink<'_>, raw: Option<&yaml::Spanned<String>>) -> Lifetime {
    let Some(raw) = raw else {
        return Lifetime::default();
    };
    raw.value.parse().unwrap_or_else(|e: ParseLifetimeError| {
        sink.on(codes::UNKNOWN_LIFETIME, raw, e.to_string());
        Lifetime::default()
    })
}

/// Checks `variables` items: a name, or a map with exactly one `{name: default}` entry.
pub(crate) fn check_variables(
    sink: &mut Sink<'_>,
    variables: Option<&Vec<yaml::Spanned<raw::RawVariable>>>,
) {
    for var in variables.into_iter().flatten() {
        if let raw::RawVariable::WithDefault(map) = &var.value
            && map.len() != 1
        {
            sink.at(
                codes::BAD_VARIABLE,
                Position::of(var),
                format!(
                    "a variable with a default is a map of one entry, not {}",
                    map.len()
                ),
            );
        }
    }
}
