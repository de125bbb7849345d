//! Built-in demo data: report documents in the current upstream form, made from a scope spec.

use std::fmt::Write as _;

use chrono::NaiveDateTime;

use crate::spec::{Spec, Version};

/// One report document (invocation form, as upstream's checker writes it) for `subject`,
/// with a result for each testcase of `version`'s main target that `verdict` gives a value
/// (`None`: the testcase is left out, so it is MISSING). `n` makes the run uuids unique.
pub fn report_document(
    spec: &Spec,
    version: &Version,
    subject: &str,
    n: u64,
    checked_at: NaiveDateTime,
    verdict: impl Fn(usize, &str) -> Option<i8>,
) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "---\nspec:\n  uuid: {uuid}\n  name: {name}\n  url: {url}\nchecked_at: {checked}\nreference_date: {date}\nsubject: {subject}\nrun:\n  uuid: {run}\n  argv: [scs-compliance-check.py, -s, {subject}]\n  assignment: {{os_cloud: {subject}}}\n  sections: null\n  forced_version: null\n  forced_tests: null\n  invocations:\n    {inv}:\n      id: {inv}\n      cmd: ./checks.py -c {subject}\n      results:\n",
        uuid = spec.uuid(),
        name = spec.name(),
        url = spec.url().unwrap_or("https://example.org/scope.yaml"),
        checked = checked_at.format("%Y-%m-%d %H:%M:%S%.6f"),
        date = checked_at.date(),
        run = uuid(0x8000, n),
        inv = uuid(0x9000, n),
    );
    let mut stdout = String::new();
    for (i, id) in version.main().iter().enumerate() {
        if let Some(v) = verdict(i, id) {
            let _ = writeln!(out, "        {id}: {v}");
            let word = match v {
                1 => "PASS",
                0 => "ABORT",
                _ => "FAIL",
            };
            let _ = writeln!(stdout, "      - '{id}: {word}'");
        }
    }
    let _ = write!(
        out,
        "      rc: 0\n      stdout:\n{stdout}      stderr: []\n      info: 0\n      warning: 0\n      error: 0\n      critical: 0\n"
    );
    out
}

/// A version-4 shaped uuid from a tag and a number (demo data only).
fn uuid(tag: u16, n: u64) -> String {
    format!("0000d3e0-0000-4000-{tag:04x}-{:012x}", n & 0xffff_ffff_ffff)
}

/// The first version of `spec` certifiable on `date`, if any.
pub fn certifiable_version(spec: &Spec, date: chrono::NaiveDate) -> Option<&Version> {
    spec.listed_versions_at(date)
        .into_iter()
        .find(|(_, validity)| validity.is_certifiable())
        .map(|(v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_documents_parse_back() {
        let spec = Spec::load(crate::seed::IAAS_SPEC, "seed").unwrap();
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 1)
            .unwrap()
            .and_hms_opt(6, 0, 0)
            .unwrap();
        let v = certifiable_version(&spec, at.date()).unwrap();
        let text = report_document(&spec, v, "demo-a", 7, at, |i, _| (i > 0).then_some(1));
        let reports = crate::report::parse(text.as_bytes()).unwrap();
        assert_eq!(reports[0].subject().as_str(), "demo-a");
        assert_eq!(reports[0].results().len(), v.main().len() - 1);
    }
}
