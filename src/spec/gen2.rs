//! Gen 2 resolution, as upstream `_resolve_spec` at HEAD (standards repo `Tests/scs_cert_lib.py`
//! L52–124; reference §1.2), with every problem reported instead of the first raised.

use std::collections::{BTreeMap, BTreeSet};

use super::diagnostic::{Sink, codes};
use super::raw::{RawInclude, RawSpec2, RawVersion2};
use super::timeline::{self, VersionFacts};
use super::{Lifetime, Parts, Testcase, Version, check_variables, lifetime_of};
use crate::yaml::Spanned;

/// Target name → testcase ids, per module id.
type ModuleTargets = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

pub(crate) fn build(sink: &mut Sink<'_>, raw: RawSpec2) -> Parts {
    check_variables(sink, raw.variables.as_ref());

    // Testcases are global in Gen 2: one id, one meaning (scs_cert_lib.py L64–67).
    let mut testcases: BTreeMap<String, Testcase> = BTreeMap::new();
    for script in raw.scripts {
        let manual = script.executable.is_none();
        for tc in script.testcases {
            // Manual checks are repeated every quarter (scs-0004 R3; DESIGN §4): a manual
            // testcase without a lifetime lasts a quarter, not upstream's one-week default.
            let lifetime = match (&tc.lifetime, manual) {
                (None, true) => Lifetime::Quarter,
                _ => lifetime_of(sink, tc.lifetime.as_ref()),
            };
            if testcases.contains_key(&tc.id.value) {
                sink.on(
                    codes::DUPLICATE_TESTCASE,
                    &tc.id,
                    format!("testcase {:?} is defined more than once", tc.id.value),
                );
                continue;
            }
            let id = tc.id.value;
            let testcase = Testcase::new(
                id.clone(),
                lifetime,
                tc.description,
                tc.url,
                tc.section,
                manual,
            );
            testcases.insert(id, testcase);
        }
    }

    let mut modules: ModuleTargets = BTreeMap::new();
    for module in raw.modules {
        let mut targets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (target, ids) in module.targets.0 {
            let set = targets.entry(target.value).or_default();
            for id in ids.into_iter().flatten() {
                if testcases.contains_key(&id.value) {
                    set.insert(id.value);
                } else {
                    sink.on(
                        codes::UNKNOWN_TESTCASE,
                        &id,
                        format!(
                            "module {:?} names testcase {:?}, which no script defines",
                            module.id.value, id.value
                        ),
                    );
                }
            }
        }
        if modules.contains_key(&module.id.value) {
            sink.on(
                codes::DUPLICATE_MODULE,
                &module.id,
                format!("module {:?} is defined more than once", module.id.value),
            );
            continue;
        }
        modules.insert(module.id.value, targets);
    }

    let (versions, facts) = versions(sink, raw.versions, &modules, &testcases);
    let timeline = timeline::build(sink, &raw.timeline, &facts, true);
    Parts {
        uuid: raw.uuid.value,
        name: raw.name.value,
        url: raw.url,
        versions,
        timeline,
    }
}

fn versions(
    sink: &mut Sink<'_>,
    raw: Vec<RawVersion2>,
    modules: &ModuleTargets,
    testcases: &BTreeMap<String, Testcase>,
) -> (Vec<Version>, BTreeMap<String, VersionFacts>) {
    let mut facts = BTreeMap::new();
    let mut versions = Vec::new();
    for version in raw {
        let stabilized_at = version
            .stabilized_at
            .as_ref()
            .and_then(|s| timeline::parse_date(sink, s, "stabilized_at"));
        let includes = resolve_includes(sink, &version.include, |m| modules.contains_key(m));
        // targets[t] = union of module.targets[t] over the included modules (L96–105).
        let mut targets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (module, _) in &includes {
            for (target, ids) in modules.get(module).into_iter().flatten() {
                targets
                    .entry(target.clone())
                    .or_default()
                    .extend(ids.iter().cloned());
            }
        }
        targets.retain(|_, ids| !ids.is_empty());
        let seen: BTreeMap<String, Testcase> = targets
            .values()
            .flatten()
            .filter_map(|id| testcases.get(id).map(|tc| (id.clone(), tc.clone())))
            .collect();
        let stabilized_written = version.stabilized_at.is_some();
        add_version(
            sink,
            &mut facts,
            &mut versions,
            version.version,
            stabilized_at,
            stabilized_written,
            includes,
            targets,
            seen,
        );
    }
    (versions, facts)
}

/// Resolves `include` items against the known modules, reporting `unknown-module`. Unknown ones
/// are dropped (the spec is invalid anyway).
pub(crate) fn resolve_includes(
    sink: &mut Sink<'_>,
    include: &[Spanned<RawInclude>],
    known: impl Fn(&str) -> bool,
) -> Vec<(String, BTreeMap<String, String>)> {
    let mut out = Vec::new();
    for inc in include {
        if known(&inc.value.module) {
            out.push((inc.value.module.clone(), inc.value.parameters.clone()));
        } else {
            sink.on(
                codes::UNKNOWN_MODULE,
                inc,
                format!(
                    "include names module {:?}, which does not exist",
                    inc.value.module
                ),
            );
        }
    }
    out
}

/// Records a version once: a second definition of the same name is a `duplicate-version`
/// diagnostic and is dropped. Shared by both generations.
#[allow(
    clippy::too_many_arguments,
    reason = "the parts of one version, as both loaders build them"
)]
pub(crate) fn add_version(
    sink: &mut Sink<'_>,
    facts: &mut BTreeMap<String, VersionFacts>,
    versions: &mut Vec<Version>,
    name: Spanned<String>,
    stabilized_at: Option<chrono::NaiveDate>,
    stabilized_written: bool,
    includes: Vec<(String, BTreeMap<String, String>)>,
    targets: BTreeMap<String, BTreeSet<String>>,
    seen: BTreeMap<String, Testcase>,
) {
    if facts.contains_key(&name.value) {
        sink.on(
            codes::DUPLICATE_VERSION,
            &name,
            format!("version {:?} is defined more than once", name.value),
        );
        return;
    }
    facts.insert(
        name.value.clone(),
        VersionFacts {
            stabilized_at,
            stabilized_written,
        },
    );
    versions.push(Version::new(
        name.value,
        stabilized_at,
        includes,
        targets,
        seen,
    ));
}
