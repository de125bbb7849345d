//! Redacted run logs (`scs_cert::report::logs`), judged by PyYAML: Python writes report
//! streams in upstream's dump style (`yaml.safe_dump(..., default_flow_style=False,
//! sort_keys=False, explicit_start=True)`, long scalars folded at 80 columns, non-ASCII
//! escaped) and says which lines each invocation holds; what we read must be exactly that.
//! This holds the fast scan (and its fallback to the full parser) to the emitter upstream
//! itself uses.

use std::process::Command;

use scs_cert::report::logs::{keeps_stderr, keeps_stdout, redacted};
use serde::Deserialize;

/// Writes `docs.yaml` (a stream of reports) and `expected.json` (per document, per
/// invocation in key order: id, cmd, rc, stdout, stderr as Python holds them).
const GENERATOR: &str = r##"
import json, random, sys, uuid, yaml
def uid():
    return str(uuid.UUID(int=random.getrandbits(128), version=4))
random.seed(int(sys.argv[1]))
alpha = "abcdefghij XYZ:'\"#-\u00e9\u20ac\\|>!&*%@`{}[],? \u00a0"
def text():
    k = random.random()
    if k < 0.3:
        return "scs-%04d-check: %s" % (random.randint(0, 999), random.choice(["PASS", "FAIL", "ABORT"]))
    if k < 0.55:
        words = ("".join(random.choice(alpha) for _ in range(random.randint(1, 12)))
                 for _ in range(random.randint(0, 15)))
        return random.choice(["WARNING", "ERROR", "INFO", "DEBUG", "CRITICAL"]) + ": " + " ".join(words)
    if k < 0.65:
        return random.choice(["null", "12", "yes", "~", "-1", "0x1f", "", " lead", "trail ",
                              "a\tb", "a\nb", "a\n\nb", "a: b", "'q'", '"d"', "# not a comment"])
    return "".join(random.choice(alpha) for _ in range(random.randint(0, 160)))
docs, expected = [], []
for d in range(int(sys.argv[2])):
    invs = {}
    for i in range(random.randint(0, 5)):
        u = uid()
        invs[u] = {"id": u, "cmd": "OS_CLOUD=c ./check.py " + " ".join(text() for _ in range(random.randint(0, 6))),
                   "results": {"scs-0100": 1}, "rc": random.choice([0, 1, 3, 127]),
                   "stdout": [text() for _ in range(random.randint(0, 12))],
                   "stderr": [text() for _ in range(random.randint(0, 5))],
                   "info": 0, "warning": 0, "error": 0, "critical": 0}
    docs.append({"spec": {"uuid": uid(), "name": "SCS-compatible IaaS"}, "checked_at": "2025-01-01 00:00:00",
                 "reference_date": "2025-01-01", "subject": "cloud-%d" % d,
                 "run": {"uuid": uid(), "argv": ["./scs-compliance-check.py", "-a", "os_cloud=c"],
                         "assignment": {"os_cloud": "c"}, "sections": None, "invocations": invs}})
    expected.append([{"id": k, "cmd": v["cmd"], "rc": v["rc"], "stdout": v["stdout"], "stderr": v["stderr"]}
                     for k, v in sorted(invs.items())])
with open("docs.yaml", "w") as f:
    f.write("".join(yaml.safe_dump(d, default_flow_style=False, sort_keys=False, explicit_start=True) for d in docs))
with open("expected.json", "w") as f:
    json.dump(expected, f)
"##;

#[derive(Deserialize)]
struct Expected {
    id: String,
    cmd: String,
    rc: i64,
    stdout: Vec<String>,
    stderr: Vec<String>,
}

#[test]
fn logs_read_as_pyyaml_wrote_them() {
    let Some(python) = scs_testkit::tools::require("python3") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for seed in 1..=4 {
        let out = Command::new(&python)
            .args(["-c", GENERATOR, &seed.to_string(), "150"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "the generator needs PyYAML (python3-yaml): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stream = std::fs::read(dir.path().join("docs.yaml")).unwrap();
        let expected: Vec<Vec<Expected>> =
            serde_json::from_slice(&std::fs::read(dir.path().join("expected.json")).unwrap())
                .unwrap();
        // Every document's subject and results read as before: the stream is a valid report.
        assert_eq!(
            scs_cert::report::parse(&stream).unwrap().len(),
            expected.len()
        );
        for (document, want) in expected.iter().enumerate() {
            let got = redacted(&stream, document).unwrap();
            assert_eq!(got.len(), want.len(), "seed {seed}, document {document}");
            for (g, w) in got.iter().zip(want) {
                let context = format!("seed {seed}, document {document}, invocation {}", w.id);
                assert_eq!(g.id, w.id, "{context}");
                assert_eq!(g.cmd.as_deref(), Some(w.cmd.as_str()), "{context}");
                assert_eq!(g.rc, Some(w.rc), "{context}");
                let stdout: Vec<&String> = w.stdout.iter().filter(|l| keeps_stdout(l)).collect();
                let stderr: Vec<&String> = w.stderr.iter().filter(|l| keeps_stderr(l)).collect();
                assert_eq!(g.stdout.iter().collect::<Vec<_>>(), stdout, "{context}");
                assert_eq!(g.stderr.iter().collect::<Vec<_>>(), stderr, "{context}");
                assert_eq!(
                    g.removed,
                    w.stdout.len() + w.stderr.len() - stdout.len() - stderr.len(),
                    "{context}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "only {checked} invocations checked");
}
