//! The JSON Schemas of the `--json` records (docs/schemas/) are the record types' own: a
//! changed type shows as a changed schema in the diff. `SCS_WRITE_SCHEMAS=1` rewrites them.

use scs_testkit::schema::schema_dir;

#[test]
fn the_published_schemas_are_those_of_the_record_types() {
    let dir = schema_dir();
    let write = std::env::var_os("SCS_WRITE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for (kind, schema) in scs_cert::output::schemas() {
        let text = format!("{}\n", serde_json::to_string_pretty(&schema).unwrap());
        let path = dir.join(format!("{kind}.json"));
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "out of date (rewrite with SCS_WRITE_SCHEMAS=1 cargo test --test tests output_schemas): {stale:?}"
    );
}

#[test]
fn each_schema_judges_a_record_of_its_kind() {
    // A record that lacks a required key, or has a wrong type tag, is refused.
    let good = serde_json::json!({
        "type": "summary", "schema_version": 1, "valid": true, "commits": 3,
        "ledger_lines": 2, "archive_checked": false, "archive_objects": 0, "findings": 0,
        "first_commit": null, "forum_keys": ["SHA256:l+B95QwIPGYu0w9xdCxvAY3265MPMs5Y6bA/TzQl7DE"],
        "forum_keys_expected": null,
    });
    scs_testkit::schema::check(&good);
    for bad in [
        serde_json::json!({"type": "summary", "schema_version": 2, "valid": true}),
        serde_json::json!({"type": "summary", "schema_version": 1, "valid": "yes", "commits": 3,
            "ledger_lines": 2, "archive_checked": false, "archive_objects": 0, "findings": 0,
            "first_commit": null}),
    ] {
        let refused = std::panic::catch_unwind(|| scs_testkit::schema::check(&bad));
        assert!(refused.is_err(), "accepted: {bad}");
    }
}
