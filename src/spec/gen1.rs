//! Gen 1 resolution (standards repo `Tests/scs_cert_lib.py` at `817d960b^`; reference §1.5):
//! testcases live in modules and carry tags, and each version's targets select among the
//! testcases of its included modules by tag selector strings.
//!
//! Testcase ids need only be unique within a version; the same id (e.g. `flavor-name-check` in
//! scs-0100-v1/v2/v3.0/v3.1 of `89f70aae`) can mean different things in different versions.

use std::collections::{BTreeMap, BTreeSet};

use super::diagnostic::{Sink, codes};
use super::gen2::{add_version, resolve_includes};
use super::raw::{RawModule1, RawSpec1};
use super::timeline;
use super::{Parts, Testcase, check_variables, lifetime_of};

/// A parsed selector list: any selector; a selector is all of its terms; a term is any of its
/// atoms; an atom is `(tag, wanted)`, `!tag` being `(tag, false)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Selectors(Vec<Vec<Vec<(String, bool)>>>);

/// Why a selector string cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SelectorProblem {
    /// An empty selector (e.g. `""` or `a,,b`): upstream would select every testcase.
    EmptySelector,
    /// An empty atom (e.g. `a//b`, `a/`, `!`).
    EmptyAtom,
}

impl Selectors {
    /// Reads a selector list as upstream's `parse_selector` over `str.split(',')` does: commas
    /// separate selectors, whitespace separates terms, `/` separates atoms.
    pub(crate) fn parse(s: &str) -> Result<Selectors, SelectorProblem> {
        let mut selectors = Vec::new();
        for selector in s.split(',') {
            let mut terms = Vec::new();
            for term in selector.split_whitespace() {
                let mut atoms = Vec::new();
                for atom in term.split('/') {
                    let (tag, wanted) = match atom.strip_prefix('!') {
                        Some(tag) => (tag, false),
                        None => (atom, true),
                    };
                    if tag.is_empty() {
                        return Err(SelectorProblem::EmptyAtom);
                    }
                    atoms.push((tag.to_owned(), wanted));
                }
                terms.push(atoms);
            }
            if terms.is_empty() {
                return Err(SelectorProblem::EmptySelector);
            }
            selectors.push(terms);
        }
        Ok(Selectors(selectors))
    }

    /// Whether a testcase with `tags` is selected (`test_selectors`, L151–169).
    pub(crate) fn matches(&self, tags: &[String]) -> bool {
        self.0.iter().any(|selector| {
            selector.iter().all(|term| {
                term.iter()
                    .any(|(tag, wanted)| tags.contains(tag) == *wanted)
            })
        })
    }
}

/// A Gen 1 testcase with its tags, before selection.
#[derive(Debug)]
struct Tagged {
    testcase: Testcase,
    tags: Vec<String>,
}

pub(crate) fn build(sink: &mut Sink<'_>, raw: RawSpec1) -> Parts {
    check_variables(sink, raw.variables.as_ref());

    let mut modules: BTreeMap<String, Vec<Tagged>> = BTreeMap::new();
    for module in raw.modules {
        let id = module.id.clone();
        let testcases = module_testcases(sink, module);
        if modules.contains_key(&id.value) {
            sink.on(
                codes::DUPLICATE_MODULE,
                &id,
                format!("module {:?} is defined more than once", id.value),
            );
            continue;
        }
        modules.insert(id.value, testcases);
    }

    let mut facts = BTreeMap::new();
    let mut versions = Vec::new();
    for version in raw.versions {
        let stabilized_at = version
            .stabilized_at
            .as_ref()
            .and_then(|s| timeline::parse_date(sink, s, "stabilized_at"));
        let includes = resolve_includes(sink, &version.include, |m| modules.contains_key(m));

        // The version's suite: every testcase of every included module (`compile_suite`).
        // Ids must not repeat within it: results are keyed by id alone.
        let mut suite: BTreeMap<&str, (&Tagged, &str)> = BTreeMap::new();
        for (module, _) in &includes {
            for tagged in modules.get(module).into_iter().flatten() {
                let id = tagged.testcase.id();
                if let Some((_, other)) = suite.get(id) {
                    sink.on(
                        codes::DUPLICATE_TESTCASE,
                        &version.version,
                        format!(
                            "version {:?} gets testcase {id:?} from both module {other:?} and module {module:?}",
                            version.version.value
                        ),
                    );
                } else {
                    suite.insert(id, (tagged, module));
                }
            }
        }

        let mut targets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut seen: BTreeMap<String, Testcase> = BTreeMap::new();
        for (target, selector) in &version.targets.0 {
            let selectors = match Selectors::parse(&selector.value) {
                Ok(s) => s,
                Err(problem) => {
                    let why = match problem {
                        SelectorProblem::EmptySelector => "has an empty selector",
                        SelectorProblem::EmptyAtom => "has an empty tag",
                    };
                    sink.on(
                        codes::BAD_SELECTOR,
                        selector,
                        format!(
                            "target {:?} selector {:?} {why}",
                            target.value, selector.value
                        ),
                    );
                    continue;
                }
            };
            let selected: BTreeSet<String> = suite
                .values()
                .filter(|(t, _)| selectors.matches(&t.tags))
                .map(|(t, _)| {
                    seen.entry(t.testcase.id().to_owned())
                        .or_insert_with(|| t.testcase.clone());
                    t.testcase.id().to_owned()
                })
                .collect();
            if !selected.is_empty() {
                targets.insert(target.value.clone(), selected);
            }
        }

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

    // The stability rule is not applied to Gen 1 files: they are historical records, and the
    // real ones break it (`89f70aae`, `cf3a2613`: `v3` is effective from 2023-06-15 but has
    // `stabilized_at: 2024-02-28`, because the old `v3` was renamed `v3-orig` after the fact,
    // as the file's own comment says). Refusing them would make that history unreadable.
    let timeline = timeline::build(sink, &raw.timeline, &facts, false);
    Parts {
        uuid: raw.uuid.value,
        name: raw.name.value,
        url: raw.url,
        versions,
        timeline,
    }
}

/// A module's testcases with their tags; ids must be unique within the module.
fn module_testcases(sink: &mut Sink<'_>, module: RawModule1) -> Vec<Tagged> {
    // Nothing runs a module without checks: its testcases are manual (scs-0121-v1, scs-0302-v1).
    let manual = module.run.as_ref().is_none_or(Vec::is_empty);
    let mut ids = BTreeSet::new();
    let mut out = Vec::new();
    for tc in module.testcases {
        let lifetime = lifetime_of(sink, tc.lifetime.as_ref());
        if !ids.insert(tc.id.value.clone()) {
            sink.on(
                codes::DUPLICATE_TESTCASE,
                &tc.id,
                format!(
                    "module {:?} defines testcase {:?} more than once",
                    module.id.value, tc.id.value
                ),
            );
            continue;
        }
        out.push(Tagged {
            testcase: Testcase::new(tc.id.value, lifetime, tc.description, None, None, manual),
            tags: tc.tags,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn selector_semantics() {
        let s = Selectors::parse("mandatory").unwrap();
        assert!(s.matches(&tags(&["mandatory"])));
        assert!(!s.matches(&tags(&["recommended"])));
        assert!(!s.matches(&[]));

        // `/` is OR within a term.
        let s = Selectors::parse("domain-manager/availability-zones/service-apis-docs").unwrap();
        assert!(s.matches(&tags(&["availability-zones"])));
        assert!(!s.matches(&tags(&["mandatory"])));

        // Space is AND of terms; `!` negates.
        let s = Selectors::parse("iaas !manual").unwrap();
        assert!(s.matches(&tags(&["iaas"])));
        assert!(!s.matches(&tags(&["iaas", "manual"])));
        assert!(!s.matches(&tags(&["manual"])));

        // `,` is OR of selectors.
        let s = Selectors::parse("a b, c").unwrap();
        assert!(s.matches(&tags(&["a", "b"])));
        assert!(s.matches(&tags(&["c"])));
        assert!(!s.matches(&tags(&["a"])));

        let s = Selectors::parse("!x/y").unwrap();
        assert!(s.matches(&[]));
        assert!(s.matches(&tags(&["x", "y"])));
        assert!(!s.matches(&tags(&["x"])));
    }

    #[test]
    fn selector_problems() {
        assert_eq!(Selectors::parse(""), Err(SelectorProblem::EmptySelector));
        assert_eq!(
            Selectors::parse("a,,b"),
            Err(SelectorProblem::EmptySelector)
        );
        assert_eq!(Selectors::parse("a,"), Err(SelectorProblem::EmptySelector));
        assert_eq!(Selectors::parse("a//b"), Err(SelectorProblem::EmptyAtom));
        assert_eq!(Selectors::parse("!"), Err(SelectorProblem::EmptyAtom));
        assert_eq!(Selectors::parse("a/"), Err(SelectorProblem::EmptyAtom));
    }
}
