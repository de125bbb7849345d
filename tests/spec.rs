//! Scope spec loading: the real upstream specs (read from `../shared/fixtures/scs/` when
//! present), this project's own fixtures under `tests/fixtures/specs/`, and the expiry table.

// clippy.toml allows unwrap inside #[test] fns only; the helpers below are test code too.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use scs_cert::spec::{Error, Generation, Lifetime, Spec, Validity, codes};
use scs_cert::yaml::Position;

const UPSTREAM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/scs");
const OURS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/specs");

/// The upstream file's text, or `None` (with a visible note) when the fixture folder is absent
/// outside CI. In CI a missing folder fails the test.
fn upstream(file: &str) -> Option<String> {
    let dir = Path::new(UPSTREAM);
    if !dir.is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "upstream fixtures missing at {UPSTREAM} (CI is set)"
        );
        eprintln!("SKIP: upstream fixtures not found at {UPSTREAM}");
        return None;
    }
    Some(std::fs::read_to_string(dir.join(file)).unwrap())
}

fn load_upstream(file: &str) -> Option<Spec> {
    let text = upstream(file)?;
    Some(Spec::load(&text, file).unwrap_or_else(|e| panic!("{e}\n{e:?}")))
}

fn ours(file: &str) -> String {
    std::fs::read_to_string(Path::new(OURS).join(file)).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn main_size(spec: &Spec, version: &str) -> usize {
    spec.version(version).unwrap().main().len()
}

fn target_size(spec: &Spec, version: &str, target: &str) -> Option<usize> {
    spec.version(version)
        .unwrap()
        .targets()
        .get(target)
        .map(BTreeSet::len)
}

#[test]
fn every_upstream_spec_loads_except_gen0() {
    let cases = [
        ("scs-compatible-iaas.yaml", Generation::Gen2),
        ("scs-compatible-kaas.yaml", Generation::Gen2),
        ("scs-compatible-iaas@89f70aae.yaml", Generation::Gen1),
        ("scs-compatible-iaas@cf3a2613.yaml", Generation::Gen1),
        ("scs-compatible-iaas@9dadf5a6.yaml", Generation::Gen1),
        ("scs-compatible-iaas@817d960b.yaml", Generation::Gen2),
        ("scs-compatible-iaas@af4968ca.yaml", Generation::Gen2),
    ];
    for (file, generation) in cases {
        let Some(spec) = load_upstream(file) else {
            return;
        };
        assert_eq!(spec.generation(), generation, "{file}");
    }
    let text = upstream("scs-compatible-test.yaml").unwrap();
    assert_eq!(
        Spec::load(&text, "scs-compatible-test.yaml"),
        Err(Error::Gen0 {
            origin: "scs-compatible-test.yaml".into()
        })
    );
}

/// Reference §7, "main-target sizes as computed by the loader of the matching generation".
#[test]
fn history_target_sizes() {
    let Some(s) = load_upstream("scs-compatible-iaas@89f70aae.yaml") else {
        return;
    };
    for (v, n) in [
        ("v5", 5),
        ("v4", 5),
        ("v3", 2),
        ("v3-orig", 2),
        ("v2", 2),
        ("v1", 2),
    ] {
        assert_eq!(main_size(&s, v), n, "89f70aae {v}");
        assert_eq!(s.version(v).unwrap().targets().len(), 1, "89f70aae {v}");
    }

    let s = load_upstream("scs-compatible-iaas@cf3a2613.yaml").unwrap();
    for (v, n) in [("v5.1", 10), ("v5", 9), ("v4", 5)] {
        assert_eq!(main_size(&s, v), n, "cf3a2613 {v}");
    }
    assert_eq!(target_size(&s, "v5.1", "preview"), Some(3));
    assert_eq!(target_size(&s, "v5", "preview"), Some(2));
    assert_eq!(target_size(&s, "v4", "preview"), None);

    let s = load_upstream("scs-compatible-iaas@9dadf5a6.yaml").unwrap();
    for (v, n) in [("v5.1", 9), ("v4", 5), ("v3", 2)] {
        assert_eq!(main_size(&s, v), n, "9dadf5a6 {v}");
    }
    assert_eq!(target_size(&s, "v5.1", "preview"), Some(3));
    // `volume-types-check` is tagged non-mandatory here.
    assert!(
        !s.version("v5.1")
            .unwrap()
            .main()
            .contains("volume-types-check")
    );

    let s = load_upstream("scs-compatible-iaas@817d960b.yaml").unwrap();
    for (v, main, rec) in [
        ("next", 55, 28),
        ("v5.1", 55, 28),
        ("v4", 40, 24),
        ("v3", 16, 5),
    ] {
        assert_eq!(main_size(&s, v), main, "817d960b {v}");
        assert_eq!(target_size(&s, v, "recommended"), Some(rec), "817d960b {v}");
    }
    assert_eq!(target_size(&s, "next", "preview"), Some(3));
    assert_eq!(target_size(&s, "v5.1", "preview"), Some(3));

    for file in [
        "scs-compatible-iaas@af4968ca.yaml",
        "scs-compatible-iaas.yaml",
    ] {
        let s = load_upstream(file).unwrap();
        for (v, n) in [("next", 55), ("v5.1", 54), ("v4", 39), ("v3", 16)] {
            assert_eq!(main_size(&s, v), n, "{file} {v}");
            assert_eq!(
                s.version(v).unwrap().targets().keys().collect::<Vec<_>>(),
                ["main"],
                "{file} {v}"
            );
        }
    }
}

/// Reference §1.3, the timeline examples with the HEAD IaaS spec. `None` = not listed.
#[test]
fn head_timeline_examples() {
    let Some(s) = load_upstream("scs-compatible-iaas.yaml") else {
        return;
    };
    use Validity::{Deprecated as Dep, Draft, Effective as Eff, Warn};
    let table = [
        ("2025-01-01", [None, Some(Eff), Some(Eff), Some(Dep)]),
        ("2025-03-01", [None, Some(Eff), Some(Warn), Some(Dep)]),
        ("2025-08-01", [None, Some(Eff), Some(Dep), Some(Dep)]),
        ("2026-01-01", [Some(Draft), Some(Eff), Some(Dep), Some(Dep)]),
        ("2026-08-21", [Some(Draft), Some(Eff), None, None]),
    ];
    for (day, row) in table {
        for (v, want) in ["next", "v5.1", "v4", "v3"].into_iter().zip(row) {
            assert_eq!(s.validity_at(v, date(day)), want, "{v} at {day}");
        }
    }
    // Before the first entry nothing is listed.
    assert_eq!(s.timeline_entry_at(date("2024-12-18")), None);
    assert_eq!(s.validity_at("v5.1", date("2024-12-18")), None);
    assert!(s.listed_versions_at(date("2024-12-18")).is_empty());
    // Entries are in force from their date, inclusive.
    assert_eq!(
        s.timeline_entry_at(date("2026-06-11")).unwrap().date(),
        date("2026-06-11")
    );
    assert_eq!(
        s.timeline_entry_at(date("2026-06-10")).unwrap().date(),
        date("2025-09-09")
    );
    let dates: Vec<_> = s.timeline().iter().map(|e| e.date()).collect();
    assert!(dates.is_sorted() && dates.len() == 5, "{dates:?}");

    let listed: Vec<_> = s
        .listed_versions_at(date("2025-09-09"))
        .into_iter()
        .map(|(v, val)| (v.name(), val))
        .collect();
    assert_eq!(
        listed,
        [("v5.1", Eff), ("next", Draft), ("v4", Dep), ("v3", Dep)]
    );

    let v51 = s.version("v5.1").unwrap();
    assert_eq!(v51.stabilized_at(), Some(date("2024-12-19")));
    assert!(v51.is_stable());
    assert!(!s.version("next").unwrap().is_stable());
    assert_eq!(s.uuid(), "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f");
    assert_eq!(s.name(), "SCS-compatible IaaS");
    assert!(
        s.url()
            .unwrap()
            .ends_with("/Tests/scs-compatible-iaas.yaml")
    );
    // No IaaS testcase sets a lifetime or section at HEAD (reference §1.7).
    for v in s.versions() {
        for id in v.main() {
            let tc = v.testcase(id).unwrap();
            assert_eq!(tc.lifetime(), Lifetime::Week, "{id}");
            assert_eq!(tc.section(), None, "{id}");
            assert!(tc.url().is_some(), "{id}");
            assert!(!tc.is_manual(), "{id}");
        }
    }
    assert_eq!(
        v51.includes()
            .iter()
            .find(|i| i.module() == "scs-0104-v1-2")
            .unwrap()
            .parameters()
            .keys()
            .collect::<Vec<_>>(),
        ["image_spec"]
    );
}

/// Reference §1.7, KaaS.
#[test]
fn kaas_facts() {
    let Some(s) = load_upstream("scs-compatible-kaas.yaml") else {
        return;
    };
    assert_eq!(s.uuid(), "1fffebe6-fd4b-44d3-a36c-fc58b4bb0180");
    let v1 = s.version("v1").unwrap();
    assert_eq!(
        v1.main().iter().map(String::as_str).collect::<Vec<_>>(),
        [
            "cncf-k8s-conformance",
            "kaas-networking-check",
            "version-policy-check"
        ]
    );
    let tc = |id| v1.testcase(id).unwrap();
    assert_eq!(tc("cncf-k8s-conformance").lifetime(), Lifetime::Year);
    assert_eq!(tc("cncf-k8s-conformance").section(), Some("heavy"));
    assert_eq!(tc("kaas-networking-check").lifetime(), Lifetime::Month);
    assert_eq!(tc("kaas-networking-check").section(), Some("heavy"));
    assert_eq!(tc("version-policy-check").lifetime(), Lifetime::Week);
    assert_eq!(tc("version-policy-check").section(), Some("light"));
    // The manual check sits only in a module that no version includes.
    assert!(v1.testcase("node-distribution-check").is_none());
    assert_eq!(v1.targets().keys().collect::<Vec<_>>(), ["main"]);

    assert_eq!(s.validity_at("v1", date("2024-02-27")), None);
    assert_eq!(
        s.validity_at("v1", date("2024-02-28")),
        Some(Validity::Draft)
    );
    assert_eq!(
        s.validity_at("v1", date("2024-11-25")),
        Some(Validity::Draft)
    );
    assert_eq!(
        s.validity_at("v1", date("2024-11-26")),
        Some(Validity::Effective)
    );
    assert_eq!(
        s.validity_at("v1", date("2026-08-21")),
        Some(Validity::Effective)
    );
}

/// Gen 1: the same id means different things in different versions; manual testcases are those
/// of modules without `run`; the stability rule is not applied to the historical timeline.
#[test]
fn gen1_history_details() {
    let Some(s) = load_upstream("scs-compatible-iaas@89f70aae.yaml") else {
        return;
    };
    let describe = |v: &str| {
        s.version(v)
            .unwrap()
            .testcase("flavor-name-check")
            .unwrap()
            .description()
            .unwrap()
            .to_owned()
    };
    assert!(describe("v1").contains("scs-0100-v1-flavor-naming"));
    assert!(describe("v2").contains("scs-0100-v2-flavor-naming"));
    assert!(describe("v3-orig").contains("-- plus the list"));
    assert!(!describe("v4").contains("-- plus the list"));
    assert_eq!(s.timeline().len(), 9);
    // v3 (stabilized 2024-02-28) is effective from 2023-06-15 in this historical file.
    assert_eq!(
        s.validity_at("v3", date("2023-07-01")),
        Some(Validity::Effective)
    );
    assert_eq!(
        s.validity_at("v1", date("2021-01-01")),
        Some(Validity::Effective)
    );
    assert_eq!(s.validity_at("v1", date("2020-12-31")), None);
    let v5 = s.version("v5").unwrap();
    assert!(!v5.is_stable());
    assert_eq!(
        v5.includes()[5]
            .parameters()
            .get("image_spec")
            .map(String::as_str),
        Some(
            "https://raw.githubusercontent.com/SovereignCloudStack/standards/main/Tests/iaas/scs-0104-v1-images-v5.yaml"
        )
    );

    let s = load_upstream("scs-compatible-iaas@cf3a2613.yaml").unwrap();
    let v51 = s.version("v5.1").unwrap();
    let preview: Vec<_> = v51.targets()["preview"]
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(
        preview,
        [
            "availability-zones-check",
            "domain-manager-check",
            "service-apis-docs-check"
        ]
    );
    assert!(
        v51.testcase("availability-zones-check")
            .unwrap()
            .is_manual()
    );
    assert!(v51.testcase("domain-manager-check").unwrap().is_manual());
    assert!(!v51.testcase("service-apis-check").unwrap().is_manual());
    // Untagged testcases are listed but selected by no target.
    assert!(v51.testcase("entropy-check-rngd").is_none());
    assert_eq!(
        s.validity_at("v4", date("2025-02-01")),
        Some(Validity::Warn)
    );
}

/// Reference §1.4, every cell of the worked table of upstream's `add_period`.
#[test]
fn expiry_worked_table() {
    let at = |s: &str| scs_cert::time::parse_naive_timestamp(s).unwrap();
    let midnight = |s: &str| -> NaiveDateTime { date(s).and_hms_opt(0, 0, 0).unwrap() };
    let table = [
        (
            "2026-08-17 10:00",
            [
                "2026-08-19",
                "2026-08-31",
                "2026-10-01",
                "2027-01-01",
                "2027-10-01",
            ],
        ),
        (
            "2026-08-23 23:59",
            [
                "2026-08-25",
                "2026-08-31",
                "2026-10-01",
                "2027-01-01",
                "2027-10-01",
            ],
        ),
        (
            "2026-11-05",
            [
                "2026-11-07",
                "2026-11-16",
                "2027-01-01",
                "2027-04-01",
                "2028-01-01",
            ],
        ),
        (
            "2026-12-31",
            [
                "2027-01-02",
                "2027-01-11",
                "2027-02-01",
                "2027-04-01",
                "2028-02-01",
            ],
        ),
        (
            "2026-03-31",
            [
                "2026-04-02",
                "2026-04-13",
                "2026-05-01",
                "2026-07-01",
                "2027-05-01",
            ],
        ),
        (
            "2026-04-01",
            [
                "2026-04-03",
                "2026-04-13",
                "2026-06-01",
                "2026-10-01",
                "2027-06-01",
            ],
        ),
    ];
    let lifetimes = [
        Lifetime::Day,
        Lifetime::Week,
        Lifetime::Month,
        Lifetime::Quarter,
        Lifetime::Year,
    ];
    for (dt, row) in table {
        for (lifetime, want) in lifetimes.into_iter().zip(row) {
            assert_eq!(
                lifetime.expiry(at(dt)),
                midnight(want),
                "{lifetime} from {dt}"
            );
        }
    }
    assert_eq!(
        Lifetime::default().expiry(at("2026-11-05")),
        midnight("2026-11-16")
    );
}

#[test]
fn own_gen2_spec() {
    let s = Spec::load(&ours("valid-gen2.yaml"), "valid-gen2.yaml").unwrap();
    assert_eq!(s.generation(), Generation::Gen2);
    assert_eq!(s.uuid(), "0b6f4c1e-7d1a-4e53-9c55-2f1e7e0a9d10");
    assert_eq!(s.name(), "Example Widget Hosting");
    assert_eq!(
        s.versions().iter().map(|v| v.name()).collect::<Vec<_>>(),
        ["next", "v2", "v1"]
    );
    let next = s.version("next").unwrap();
    assert_eq!(next.main().len(), 3);
    assert_eq!(next.targets()["preview"].len(), 1);
    let manual = next.testcase("widget-handbook-published").unwrap();
    assert!(manual.is_manual());
    assert_eq!(manual.lifetime(), Lifetime::Year);
    let api = next.testcase("widget-api-reachable").unwrap();
    assert!(!api.is_manual());
    assert_eq!(api.lifetime(), Lifetime::Day);
    assert_eq!(api.section(), Some("light"));
    assert_eq!(api.url(), Some("https://example.org/docs/widgets#api"));
    assert_eq!(api.description(), Some("The widget API answers."));
    assert_eq!(
        next.testcase("widget-count-sane").unwrap().lifetime(),
        Lifetime::Week
    );
    let v1 = s.version("v1").unwrap();
    assert_eq!(v1.main().len(), 2);
    assert!(v1.testcase("widget-colour-named").is_none());
    assert_eq!(
        s.version("v2").unwrap().includes()[0].module(),
        "widgets-v2"
    );
    assert!(s.version("v3").is_none());

    let names = |d: &str| -> Vec<(String, Validity)> {
        s.listed_versions_at(date(d))
            .into_iter()
            .map(|(v, val)| (v.name().to_owned(), val))
            .collect()
    };
    assert_eq!(
        names("2025-07-01"),
        [
            ("v2".into(), Validity::Effective),
            ("v1".into(), Validity::Warn)
        ]
    );
    assert_eq!(
        names("2026-03-01"),
        [
            ("v2".into(), Validity::Effective),
            ("next".into(), Validity::Draft)
        ]
    );
    assert_eq!(s.validity_at("v1", date("2026-03-01")), None);
}

#[test]
fn own_gen1_spec() {
    let s = Spec::load(&ours("valid-gen1.yaml"), "valid-gen1.yaml").unwrap();
    assert_eq!(s.generation(), Generation::Gen1);
    let v2 = s.version("v2").unwrap();
    // `mandatory !colour, colour`: (mandatory and not colour) or colour.
    assert_eq!(
        v2.main().iter().map(String::as_str).collect::<Vec<_>>(),
        ["widget-check", "widget-colours"]
    );
    assert_eq!(v2.targets()["recommended"].len(), 1);
    assert_eq!(v2.targets()["preview"].len(), 2);
    assert!(v2.testcase("widget-handbook").unwrap().is_manual());
    assert_eq!(
        v2.testcase("widget-handbook").unwrap().lifetime(),
        Lifetime::Quarter
    );
    // One id, two meanings.
    let check = v2.testcase("widget-check").unwrap();
    assert_eq!(check.description(), Some("Widgets as of v2."));
    assert_eq!(check.lifetime(), Lifetime::Month);
    let old = s.version("v1").unwrap().testcase("widget-check").unwrap();
    assert_eq!(old.description(), Some("Widgets as of v1."));
    assert_eq!(old.lifetime(), Lifetime::Week);
    assert!(!old.is_manual());
    assert_eq!(
        v2.includes()[0].parameters()["palette"],
        "https://example.org/palettes/basic.yaml"
    );
}

/// Each `invalid-*.yaml` states the diagnostics it must produce in `# expect: <code> <l>:<c>`
/// header lines; exactly those must come out, in file order.
#[test]
fn own_invalid_specs() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(OURS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("invalid-") && n.ends_with(".yaml"))
        })
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    let mut covered = BTreeSet::new();
    for path in files {
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let expected: Vec<(String, Position)> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .map(|l| {
                let (code, pos) = l.split_once(' ').unwrap();
                let (line, column) = pos.split_once(':').unwrap();
                let position = Position {
                    line: line.parse().unwrap(),
                    column: column.parse().unwrap(),
                };
                (code.to_owned(), position)
            })
            .collect();
        assert!(!expected.is_empty(), "{name} has no expect line");
        let Err(Error::Invalid {
            origin,
            diagnostics,
        }) = Spec::load(&text, &name)
        else {
            panic!("{name} did not fail with Error::Invalid");
        };
        assert_eq!(origin, name);
        let got: Vec<(String, Position)> = diagnostics
            .iter()
            .map(|d| {
                assert_eq!(d.origin(), name);
                assert!(codes::ALL.contains(&d.code()), "{}", d.code());
                assert!(!d.message().is_empty());
                (d.code().to_owned(), d.position())
            })
            .collect();
        assert_eq!(got, expected, "{name}");
        covered.extend(got.into_iter().map(|(c, _)| c));
    }
    // Every diagnostic code has a fixture of its own.
    for code in codes::ALL {
        assert!(covered.contains(*code), "no fixture for {code}");
    }
}

#[test]
fn diagnostic_codes_are_unique() {
    let set: BTreeSet<_> = codes::ALL.iter().collect();
    assert_eq!(set.len(), codes::ALL.len());
}

#[test]
fn gen2_version_targets_are_refused() {
    let text = ours("valid-gen2.yaml").replace(
        "  - version: v1\n",
        "  - version: v1\n    targets:\n      main: mandatory\n",
    );
    let Err(Error::Invalid { diagnostics, .. }) = Spec::load(&text, "x.yaml") else {
        panic!("accepted");
    };
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].code(), codes::UNKNOWN_KEY);
}

#[test]
fn shape_and_size_errors() {
    let err = Spec::load("name: [unclosed\n", "x.yaml").unwrap_err();
    assert!(
        matches!(&err, Error::Yaml { origin, error } if origin == "x.yaml" && error.position.line >= 1),
        "{err:?}"
    );
    // A Gen 2 spec missing `versions`.
    let err = Spec::load(
        "uuid: u\nname: n\nscripts: []\nmodules: []\ntimeline: []\n",
        "x.yaml",
    )
    .unwrap_err();
    assert!(matches!(err, Error::Yaml { .. }), "{err:?}");

    let big = format!("# {}\n", "x".repeat(scs_cert::spec::MAX_SPEC_BYTES));
    assert_eq!(
        Spec::load(&big, "big.yaml"),
        Err(Error::TooLarge {
            origin: "big.yaml".into(),
            size: big.len(),
            limit: scs_cert::spec::MAX_SPEC_BYTES,
        })
    );
}

/// DESIGN §4: manual checks last a quarter unless the spec says otherwise.
#[test]
fn manual_testcases_default_to_a_quarter() {
    let spec = Spec::load(scs_cert::seed::IAAS_SPEC, "seed").unwrap();
    let manual: Vec<&str> = spec
        .versions()
        .iter()
        .flat_map(|v| {
            v.targets()
                .values()
                .flatten()
                .filter_map(|id| v.testcase(id))
        })
        .filter(|t| t.is_manual())
        .map(|t| t.id())
        .collect();
    let example = "widget-handbook-published";
    let own = Spec::load(
        include_str!("fixtures/specs/valid-gen2.yaml"),
        "valid-gen2.yaml",
    )
    .unwrap();
    let with_lifetime = own.versions().iter().find_map(|v| v.testcase(example));
    assert_eq!(
        with_lifetime.map(|t| t.lifetime()),
        Some(Lifetime::Year),
        "an explicit lifetime stays"
    );
    let text = "uuid: u\nname: n\nurl: https://x\nscripts:\n- testcases:\n  - id: m1\nmodules:\n- id: m\n  name: m\n  targets:\n    main: [m1]\ntimeline: []\nversions:\n- version: v1\n  include: [m]\n";
    let spec2 = Spec::load(text, "inline").unwrap();
    assert_eq!(
        spec2
            .version("v1")
            .unwrap()
            .testcase("m1")
            .unwrap()
            .lifetime(),
        Lifetime::Quarter
    );
    // The seed scope includes no manual testcase in any version (as upstream at HEAD).
    assert!(manual.is_empty(), "{manual:?}");
}
