//! The tools' `--json` output judged by a JSON Schema validator against the schemas the
//! project publishes (docs/schemas/, written from the record types by the suite's
//! `output_schemas` test).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

/// Where the published schemas are (`docs/schemas/<type>.json` of the workspace).
pub fn schema_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/schemas"))
}

fn validators() -> &'static BTreeMap<String, jsonschema::Validator> {
    static VALIDATORS: OnceLock<BTreeMap<String, jsonschema::Validator>> = OnceLock::new();
    VALIDATORS.get_or_init(|| {
        let mut out = BTreeMap::new();
        for entry in std::fs::read_dir(schema_dir()).unwrap() {
            let path = entry.unwrap().path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some(kind) = name.strip_suffix(".json") else {
                continue;
            };
            let schema: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let validator = jsonschema::validator_for(&schema)
                .unwrap_or_else(|e| panic!("{} is not a valid schema: {e}", path.display()));
            out.insert(kind.to_owned(), validator);
        }
        out
    })
}

/// Each line of `stdout` as JSON, after checking it against the schema of its `type`.
///
/// # Panics
///
/// A line that is not JSON, has no `type` with a published schema, or does not match it.
pub fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
            check(&value);
            value
        })
        .collect()
}

/// Checks one record against the schema of its `type`.
///
/// # Panics
///
/// As [`json_lines`].
pub fn check(record: &Value) {
    let kind = record["type"]
        .as_str()
        .unwrap_or_else(|| panic!("a record without a type: {record}"));
    let validator = validators()
        .get(kind)
        .unwrap_or_else(|| panic!("no schema docs/schemas/{kind}.json for: {record}"));
    let errors: Vec<String> = validator
        .iter_errors(record)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "a {kind} record does not match docs/schemas/{kind}.json:\n  {}\n{record}",
        errors.join("\n  ")
    );
}
