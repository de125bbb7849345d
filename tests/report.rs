//! Reading compliance run reports: both upstream forms, YAML streams and JSON, and hostile input.
//! Fixtures are our own (tests/fixtures/reports; the well-formed ones are written by PyYAML in
//! upstream's dump style through generate.py).

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use scs_cert::report::{
    Error, Form, Format, MAX_REPORT_BYTES, NodeKind, Report, Verdict, detect_format, parse,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reports/");
    std::fs::read(format!("{path}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn one(name: &str) -> Report {
    let mut reports = parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(reports.len(), 1, "{name}");
    reports.remove(0)
}

fn err(name: &str) -> Error {
    match parse(&fixture(name)) {
        Ok(r) => panic!("{name}: parsed {} documents", r.len()),
        Err(e) => e,
    }
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").expect("test timestamp")
}

fn verdicts(pairs: &[(&str, Verdict)]) -> BTreeMap<String, Verdict> {
    pairs.iter().map(|&(k, v)| (k.to_owned(), v)).collect()
}

use Verdict::{Abort, Fail, Pass};

#[test]
fn invocation_form_merges_invocations_worst_first() {
    let r = one("invocations.yaml");
    assert_eq!(r.form(), Form::Invocations);
    assert_eq!(r.scope_uuid(), "5e2c1d3a-0f4b-4c7e-9a61-2b8d7f0e4c11");
    assert_eq!(r.scope_name(), Some("Example IaaS"));
    assert_eq!(r.subject().as_str(), "example-cloud-a");
    assert_eq!(
        r.run_uuid().to_string(),
        "6f1c2e9d-4b7a-4e3c-8d21-0a9b8c7d6e5f"
    );
    assert_eq!(r.checked_at(), at("2026-08-21 15:04:05.123456"));
    assert_eq!(r.reference_date(), NaiveDate::from_ymd_opt(2026, 8, 21));
    assert_eq!(r.version_results(), None);
    // ex-volume-types: PASS in the first invocation, ABORT in the second.
    assert_eq!(
        *r.results(),
        verdicts(&[
            ("ex-dns-check", Pass),
            ("ex-flavor-names", Pass),
            ("ex-image-metadata", Fail),
            ("ex-volume-types", Abort),
        ])
    );
    let invs = r.invocations();
    assert_eq!(invs.len(), 2);
    assert_eq!(invs[0].id(), "0b6f4f0e-5d0e-4f4a-8a55-1d2c3b4a5f60");
    assert_eq!(invs[0].cmd(), Some("./check.py -c {}"));
    assert_eq!(
        (invs[0].rc(), invs[0].error(), invs[0].critical()),
        (Some(0), Some(1), Some(0))
    );
    assert_eq!((invs[1].rc(), invs[1].critical()), (Some(1), Some(1)));
    assert_eq!(
        *invs[1].results(),
        verdicts(&[("ex-dns-check", Pass), ("ex-volume-types", Abort)])
    );
}

#[test]
fn per_version_form_worst_wins_across_versions() {
    let r = one("per-version.yaml");
    assert_eq!(r.form(), Form::PerVersion);
    assert_eq!(
        *r.results(),
        verdicts(&[
            ("ex-entropy", Pass),
            ("ex-flavor-names", Fail),
            ("ex-image-metadata", Abort),
        ])
    );
    let by_version = r.version_results().unwrap();
    assert_eq!(by_version.keys().collect::<Vec<_>>(), ["v1", "v2"]);
    assert_eq!(by_version["v2"]["ex-flavor-names"], Pass);
    assert_eq!(by_version["v1"]["ex-flavor-names"], Fail);
    assert_eq!(r.invocations().len(), 1);
}

#[test]
fn multi_document_yaml_keeps_file_order() {
    let reports = parse(&fixture("multi-document.yaml")).unwrap();
    let subjects: Vec<&str> = reports.iter().map(|r| r.subject().as_str()).collect();
    assert_eq!(
        subjects,
        ["example-cloud-a", "example-cloud-b", "example-k8s-1.35"]
    );
    assert_eq!(reports[1].results()["ex-dns-check"], Fail);
    assert_eq!(reports[2].scope_name(), Some("Example KaaS"));
}

#[test]
fn json_report_with_unknown_fields() {
    let bytes = fixture("report.json");
    assert_eq!(detect_format(&bytes), Format::Json);
    let r = one("report.json");
    assert_eq!(r.subject().as_str(), "example-cloud-c");
    assert_eq!(r.checked_at(), at("2026-08-21 15:04:05.123456"));
    assert_eq!(r.results()["ex-image-metadata"], Fail);
}

#[test]
fn json_is_exactly_one_object() {
    assert!(matches!(err("two-objects.json"), Error::Json { position, .. } if position.line == 3));
}

#[test]
fn json_duplicate_result_keys_are_refused() {
    let e = err("duplicate-result.json");
    assert!(
        matches!(&e, Error::DuplicateKey { document: 0, field, key }
            if field == "run.invocations.inv-1.results" && key == "ex-dns-check"),
        "{e:?}"
    );
}

#[test]
fn crlf_and_bom_files_are_read() {
    let crlf = one("crlf.yaml");
    assert_eq!(crlf.checked_at(), at("2026-08-21 15:04:05.123456"));
    assert_eq!(crlf.subject().as_str(), "example-cloud-a");
    assert_eq!(crlf.results()["ex-volume-types"], Abort);
    let bom = one("bom.yaml");
    assert_eq!(
        bom.run_uuid().as_str(),
        "00000000-0000-4000-8000-0000000000b0"
    );
    assert_eq!(bom.invocations()[0].cmd(), crlf.invocations()[0].cmd());
    // A BOM before a JSON object: still JSON.
    let mut json = b"\xef\xbb\xbf".to_vec();
    json.extend(fixture("report.json"));
    assert_eq!(detect_format(&json), Format::Json);
    assert_eq!(
        parse(&json).unwrap()[0].subject().as_str(),
        "example-cloud-c"
    );
}

#[test]
fn rfc3339_checked_at_is_converted_to_utc() {
    assert_eq!(
        one("checked-at-rfc3339.yaml").checked_at(),
        at("2026-08-21 15:04:05")
    );
}

#[test]
fn missing_fields_are_named() {
    for (name, field) in [
        ("missing-spec-uuid.yaml", "spec.uuid"),
        ("missing-run-uuid.yaml", "run.uuid"),
        ("missing-subject.yaml", "subject"),
        ("missing-checked-at.yaml", "checked_at"),
    ] {
        match err(name) {
            Error::MissingField {
                document: 0,
                field: f,
            } => assert_eq!(f, field, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn wrong_types_are_named_with_expected_and_found() {
    let e = err("results-value-string.yaml");
    assert!(
        matches!(&e, Error::WrongType { document: 0, expected: NodeKind::Integer, found: NodeKind::String, field }
            if field == "run.invocations.inv-1.results.ex-dns-check"),
        "{e:?}"
    );
    let e = err("checked-at-list.yaml");
    assert!(
        matches!(&e, Error::WrongType { document: 0, expected: NodeKind::String, found: NodeKind::Sequence, field }
            if field == "checked_at"),
        "{e:?}"
    );
}

#[test]
fn verdicts_outside_minus_one_to_one_are_refused() {
    let e = err("verdict-out-of-range.yaml");
    assert!(
        matches!(&e, Error::InvalidVerdict { document: 0, value: 2, field }
            if field == "run.invocations.inv-1.results.ex-volume-types"),
        "{e:?}"
    );
}

#[test]
fn invalid_values_are_refused() {
    assert!(matches!(
        err("bad-subject.yaml"),
        Error::InvalidSubject { document: 0, .. }
    ));
    assert_eq!(
        err("bad-checked-at.yaml"),
        Error::InvalidCheckedAt {
            document: 0,
            found: "last tuesday".into()
        }
    );
    assert_eq!(
        err("bad-run-uuid.yaml"),
        Error::InvalidRunUuid {
            document: 0,
            found: "not-a-uuid".into()
        }
    );
}

#[test]
fn empty_files_hold_no_document() {
    assert_eq!(err("empty.yaml"), Error::NoDocuments);
    assert_eq!(err("comments-only.yaml"), Error::NoDocuments);
    assert_eq!(
        parse(b"\xef\xbb\xbf  \r\n").unwrap_err(),
        Error::NoDocuments
    );
}

#[test]
fn documents_that_are_not_mappings_are_named() {
    assert_eq!(
        err("second-document-not-mapping.yaml"),
        Error::NotAMapping {
            document: 1,
            found: NodeKind::Sequence
        }
    );
    assert_eq!(
        err("empty-middle-document.yaml"),
        Error::NotAMapping {
            document: 1,
            found: NodeKind::Null
        }
    );
    assert_eq!(
        parse(b"--- 42\n").unwrap_err(),
        Error::NotAMapping {
            document: 0,
            found: NodeKind::Integer
        }
    );
}

#[test]
fn alias_bomb_is_refused() {
    let e = err("alias-bomb.yaml");
    assert!(matches!(e, Error::Yaml { document: 0, .. }), "{e:?}");
}

#[test]
fn deep_nesting_is_refused_in_both_formats() {
    let deep = 100_000;
    let yaml = format!(
        "---\nsubject: x\nextra: {}{}\n",
        "[".repeat(deep),
        "]".repeat(deep)
    );
    assert!(matches!(
        parse(yaml.as_bytes()),
        Err(Error::Yaml { document: 0, .. })
    ));
    let json = format!(r#"{{"extra": {}{}}}"#, "[".repeat(deep), "]".repeat(deep));
    assert_eq!(
        parse(json.as_bytes()).unwrap_err(),
        Error::TooDeep {
            limit: scs_cert::yaml::MAX_DEPTH
        }
    );
    let json = format!(
        r#"{{"extra": {}{}}}"#,
        "{\"a\":".repeat(deep),
        "}".repeat(deep)
    );
    assert_eq!(
        parse(json.as_bytes()).unwrap_err(),
        Error::TooDeep {
            limit: scs_cert::yaml::MAX_DEPTH
        }
    );
}

#[test]
fn oversize_input_is_refused_before_parsing() {
    let big = vec![b' '; MAX_REPORT_BYTES + 1];
    assert_eq!(
        parse(&big).unwrap_err(),
        Error::TooLarge {
            size: MAX_REPORT_BYTES + 1,
            limit: MAX_REPORT_BYTES
        }
    );
}

#[test]
fn non_utf8_is_refused() {
    let mut bytes = fixture("invocations.yaml");
    bytes[40] = 0xff;
    assert_eq!(parse(&bytes).unwrap_err(), Error::NotUtf8 { offset: 40 });
}

#[test]
fn yaml_errors_count_lines_from_the_file_start() {
    let mut text = String::from_utf8(fixture("multi-document.yaml")).unwrap();
    text.push_str("---\nsubject: [unclosed\n");
    let doc_line = text.lines().count() as u64;
    match parse(text.as_bytes()).unwrap_err() {
        Error::Yaml {
            document: 3,
            source,
        } => {
            assert!(source.position.line >= doc_line - 1, "{source}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn realistic_report_reads() {
    let r = one("realistic.yaml");
    assert_eq!(r.results().len(), 55);
    assert_eq!(r.invocations()[0].results(), r.results());
}

/// Upstream data, if the shared fixtures are present: every scope spec is a mapping without
/// `run`, so reading one as a report must fail cleanly, not panic.
#[test]
fn upstream_spec_files_are_not_reports() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/scs");
    let Ok(entries) = std::fs::read_dir(dir) else {
        assert!(std::env::var_os("CI").is_none(), "missing {dir}");
        eprintln!("skip: {dir} not found");
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            assert!(
                parse(&std::fs::read(&path).unwrap()).is_err(),
                "{}",
                path.display()
            );
        }
    }
}
