//! Interop with the real `openssl` (3.0 on the project machines): the forum CA certificate,
//! end-entity certificates and CRLs we build are read and judged by openssl, and our own
//! `verify_certificate` / `crl_status` agree with openssl on every case.
//!
//! A missing openssl fails these tests when `CI` is set and skips them visibly otherwise.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use scs_testkit::tools;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use scs_cert::sig::SigningKey;
use scs_cert::time::Instant;
use scs_cert::x509::{
    self, Artifact, CrlReason, EndEntity, Error, RevocationState, SCOPE_EXTENSION_OID,
};

const FORUM_KEY: &str = include_str!("fixtures/x509/forum-test-key");
const IAAS: &str = "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f";

fn t(s: &str) -> Instant {
    s.parse().unwrap()
}

fn key() -> SigningKey {
    SigningKey::from_openssh(FORUM_KEY, None).unwrap()
}

struct Out {
    ok: bool,
    text: String,
}

/// Runs openssl in `dir`; stdout and stderr together (verify reports on both).
fn openssl(tool: &Path, dir: &Path, args: &[&str]) -> Out {
    let out = Command::new(tool)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let mut text = String::from_utf8(out.stdout).unwrap();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Out {
        ok: out.status.success(),
        text,
    }
}

fn ee<'a>(id: &'a str, url: &'a str, not_before: &str, not_after: &str) -> EndEntity<'a> {
    EndEntity {
        id,
        subject_name: "Wolke Süd – Größenwahn",
        holder: "Müller & Söhne GmbH, \"Cloud\"",
        scope_uuid: IAAS,
        scope_name: "SCS-compatible IaaS",
        version: "v5.1",
        status_url: url,
        not_before: t(not_before),
        not_after: t(not_after),
    }
}

fn url(id: &str) -> String {
    format!("https://registry.example.org/certificates/{id}")
}

/// The fixed world of these tests: a CA valid 2024..2046 and certificates issued under it.
struct World {
    tool: PathBuf,
    dir: tempfile::TempDir,
    key: SigningKey,
    ca: String,
}

impl World {
    fn new() -> Option<World> {
        let tool = tools::require("openssl")?;
        let key = key();
        let ca = x509::ca_certificate(
            &key,
            "Forum SCS-Standards",
            t("2024-01-01T00:00:00Z"),
            t("2046-01-01T00:00:00Z"),
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("ca.pem"), &ca).unwrap();
        Some(World { tool, dir, key, ca })
    }

    fn write(&self, name: &str, text: &str) {
        fs::write(self.dir.path().join(name), text).unwrap();
    }

    fn run(&self, args: &[&str]) -> Out {
        openssl(&self.tool, self.dir.path(), args)
    }

    fn issue(&self, file: &str, id: &str, from: &str, to: &str) -> String {
        let url = url(id);
        let pem =
            x509::end_entity_certificate(&self.key, &self.ca, &ee(id, &url, from, to)).unwrap();
        self.write(file, &pem);
        pem
    }

    /// `openssl verify -attime` at `at` (with `-crl_check` when a CRL file is given).
    fn verify(&self, cert: &str, crl: Option<&str>, at: Instant) -> Out {
        let attime = at.timestamp().to_string();
        let mut args = vec!["verify", "-attime", &attime, "-CAfile", "ca.pem"];
        if let Some(crl) = crl {
            args.extend(["-crl_check", "-CRLfile", crl]);
        }
        args.push(cert);
        self.run(&args)
    }
}

#[test]
fn ca_certificate_as_openssl_reads_it() {
    let Some(w) = World::new() else { return };
    let out = w.run(&[
        "x509", "-in", "ca.pem", "-noout", "-text", "-nameopt", "utf8",
    ]);
    assert!(out.ok, "{}", out.text);
    for needle in [
        "Version: 3",
        "Signature Algorithm: ED25519",
        "Public Key Algorithm: ED25519",
        "X509v3 Basic Constraints: critical",
        "CA:TRUE, pathlen:0",
        "X509v3 Key Usage: critical",
        "Certificate Sign, CRL Sign",
        "X509v3 Subject Key Identifier",
        "X509v3 Authority Key Identifier",
        "CN=Forum SCS-Standards Certificate Authority",
        "O=Open Source Business Alliance e.V.",
        "C=DE",
        "Not Before: Jan  1 00:00:00 2024 GMT",
        "Not After : Jan  1 00:00:00 2046 GMT",
    ] {
        assert!(
            out.text.contains(needle),
            "{needle:?} missing in:\n{}",
            out.text
        );
    }
    // AKI = SKI on the root.
    let ski = out.text.split("Subject Key Identifier:").nth(1).unwrap();
    let ski = ski.split_whitespace().next().unwrap();
    let aki = out.text.split("Authority Key Identifier:").nth(1).unwrap();
    assert!(
        aki.split_whitespace().next().unwrap().contains(ski),
        "{}",
        out.text
    );
    // The self-signed root verifies against itself.
    let out = w.run(&["verify", "-CAfile", "ca.pem", "ca.pem"]);
    assert!(out.text.contains("ca.pem: OK"), "{}", out.text);
    // The forum's SSH key and the CA key are the same key.
    let pubkey = w.run(&["x509", "-in", "ca.pem", "-noout", "-pubkey"]);
    let ours = x509::parse_certificate(&w.ca).unwrap();
    assert!(ours.is_ca());
    assert!(pubkey.ok && pubkey.text.contains("BEGIN PUBLIC KEY"));
}

#[test]
fn end_entity_certificate_as_openssl_reads_it() {
    let Some(w) = World::new() else { return };
    let id = "SCS-IAAS-2026-0001";
    let pem = w.issue("ee.pem", id, "2026-03-01T00:00:00Z", "2027-03-01T00:00:00Z");
    let out = w.run(&[
        "x509", "-in", "ee.pem", "-noout", "-text", "-nameopt", "utf8",
    ]);
    assert!(out.ok, "{}", out.text);
    for needle in [
        "Version: 3",
        "Signature Algorithm: ED25519",
        "CN=Wolke Süd – Größenwahn",
        "Müller & Söhne GmbH",
        "Issuer: C=DE, O=Open Source Business Alliance e.V., CN=Forum SCS-Standards Certificate Authority",
        "Not Before: Mar  1 00:00:00 2026 GMT",
        "Not After : Mar  1 00:00:00 2027 GMT",
        "X509v3 Basic Constraints: critical",
        "CA:FALSE",
        "X509v3 Key Usage: critical",
        "Digital Signature",
        "X509v3 Subject Alternative Name",
        "URI:https://registry.example.org/certificates/SCS-IAAS-2026-0001",
        &SCOPE_EXTENSION_OID.to_string(),
    ] {
        assert!(
            out.text.contains(needle),
            "{needle:?} missing in:\n{}",
            out.text
        );
    }
    let private = out
        .text
        .split(&SCOPE_EXTENSION_OID.to_string())
        .nth(1)
        .unwrap();
    assert!(!private.starts_with(": critical"), "{}", out.text);

    // The serial openssl reads is the one derived from the id.
    let serial = w.run(&["x509", "-in", "ee.pem", "-noout", "-serial"]);
    assert_eq!(
        serial.text.trim(),
        format!("serial={}", x509::serial_from_id(id))
    );

    // The extension's value as openssl parses it: SEQUENCE { scopeUuid, scopeVersion,
    // statusUrl (IA5String), certificateId, scopeName }.
    let parsed = w.run(&["asn1parse", "-in", "ee.pem"]);
    let value_line = parsed
        .text
        .lines()
        .skip_while(|l| !l.contains(&SCOPE_EXTENSION_OID.to_string()))
        .nth(1)
        .unwrap();
    let offset = value_line.split(':').next().unwrap().trim();
    let inner = w.run(&["asn1parse", "-in", "ee.pem", "-strparse", offset]);
    let fields: Vec<&str> = inner.text.lines().skip(1).collect();
    assert_eq!(fields.len(), 5, "{}", inner.text);
    assert!(
        fields[0].contains(&format!("UTF8STRING        :{IAAS}")),
        "{}",
        inner.text
    );
    assert!(
        fields[1].contains("UTF8STRING        :v5.1"),
        "{}",
        inner.text
    );
    assert!(
        fields[2].contains(&format!("IA5STRING         :{}", url(id))),
        "{}",
        inner.text
    );
    assert!(
        fields[3].contains(&format!("UTF8STRING        :{id}")),
        "{}",
        inner.text
    );
    assert!(
        fields[4].contains("UTF8STRING        :SCS-compatible IaaS"),
        "{}",
        inner.text
    );

    // Our reading of the same certificate.
    let info = x509::parse_certificate(&pem).unwrap();
    assert_eq!(info.serial(), &x509::serial_from_id(id));
    assert_eq!(info.common_name(), Some("Wolke Süd – Größenwahn"));
    assert_eq!(info.organization(), Some("Müller & Söhne GmbH, \"Cloud\""));
    assert_eq!(info.not_before(), t("2026-03-01T00:00:00Z"));
    assert_eq!(info.not_after(), t("2027-03-01T00:00:00Z"));
    let scope = info.scope().unwrap();
    assert_eq!(scope.certificate_id(), id);
    assert_eq!(scope.scope_uuid(), IAAS);
    assert_eq!(scope.scope_name(), "SCS-compatible IaaS");
    assert_eq!(scope.scope_version(), "v5.1");
    assert_eq!(scope.status_url(), url(id));
}

#[test]
fn issuing_is_reproducible() {
    let Some(w) = World::new() else { return };
    let again = x509::ca_certificate(
        &w.key,
        "Forum SCS-Standards",
        t("2024-01-01T00:00:00Z"),
        t("2046-01-01T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(again, w.ca);
    let a = w.issue(
        "a.pem",
        "SCS-IAAS-2026-0001",
        "2026-03-01T00:00:00Z",
        "2027-03-01T00:00:00Z",
    );
    let b = w.issue(
        "b.pem",
        "SCS-IAAS-2026-0001",
        "2026-03-01T00:00:00Z",
        "2027-03-01T00:00:00Z",
    );
    assert_eq!(a, b);
    let c = w.issue(
        "c.pem",
        "SCS-IAAS-2026-0002",
        "2026-03-01T00:00:00Z",
        "2027-03-01T00:00:00Z",
    );
    assert_ne!(a, c);
    let crl = |revoked: &[(&str, RevocationState)]| {
        x509::crl(
            &w.key,
            &w.ca,
            3,
            t("2026-05-01T00:00:00Z"),
            t("2026-06-30T00:00:00Z"),
            revoked,
        )
        .unwrap()
    };
    let held = RevocationState::Suspended {
        since: t("2026-04-01T00:00:00Z"),
    };
    let gone = RevocationState::Withdrawn {
        reason: CrlReason::Superseded,
        since: t("2026-04-02T00:00:00Z"),
    };
    assert_eq!(
        crl(&[("A", held), ("B", gone)]),
        crl(&[("B", gone), ("A", held)])
    );
}

#[test]
fn verify_and_crl_check_agree_with_openssl() {
    let Some(w) = World::new() else { return };
    let at = t("2026-06-01T12:00:00Z");
    let good = "SCS-IAAS-2026-0001";
    let withdrawn = "SCS-IAAS-2026-0002";
    let suspended = "SCS-KAAS-2026-0003";
    let mut pems = Vec::new();
    for (file, id) in [
        ("good.pem", good),
        ("withdrawn.pem", withdrawn),
        ("suspended.pem", suspended),
    ] {
        pems.push(w.issue(file, id, "2026-03-01T00:00:00Z", "2027-03-01T00:00:00Z"));
    }

    // Without a CRL every one verifies, for openssl and for us.
    for (file, pem) in ["good.pem", "withdrawn.pem", "suspended.pem"]
        .iter()
        .zip(&pems)
    {
        let out = w.verify(file, None, at);
        assert!(out.text.contains(&format!("{file}: OK")), "{}", out.text);
        x509::verify_certificate(&w.ca, pem, at).unwrap();
    }

    let crl1 = x509::crl(
        &w.key,
        &w.ca,
        1,
        t("2026-05-01T00:00:00Z"),
        t("2026-06-30T00:00:00Z"),
        &[
            (
                withdrawn,
                RevocationState::Withdrawn {
                    reason: CrlReason::PrivilegeWithdrawn,
                    since: t("2026-04-15T08:00:00Z"),
                },
            ),
            (
                suspended,
                RevocationState::Suspended {
                    since: t("2026-04-20T09:30:00Z"),
                },
            ),
        ],
    )
    .unwrap();
    w.write("crl1.pem", &crl1);

    let out = w.run(&[
        "crl", "-in", "crl1.pem", "-CAfile", "ca.pem", "-noout", "-verify",
    ]);
    assert!(out.text.contains("verify OK"), "{}", out.text);
    let out = w.run(&["crl", "-in", "crl1.pem", "-noout", "-text"]);
    for needle in [
        "Version 2 (0x1)",
        "Signature Algorithm: ED25519",
        "Last Update: May  1 00:00:00 2026 GMT",
        "Next Update: Jun 30 00:00:00 2026 GMT",
        "X509v3 CRL Number",
        "X509v3 Authority Key Identifier",
        "Privilege Withdrawn",
        "Certificate Hold",
        "Revocation Date: Apr 15 08:00:00 2026 GMT",
        &format!("Serial Number: {}", x509::serial_from_id(withdrawn)),
        &format!("Serial Number: {}", x509::serial_from_id(suspended)),
    ] {
        assert!(
            out.text.contains(needle),
            "{needle:?} missing in:\n{}",
            out.text
        );
    }
    let number = out.text.split("X509v3 CRL Number:").nth(1).unwrap();
    assert_eq!(number.split_whitespace().next(), Some("1"), "{}", out.text);

    // openssl verify -crl_check: good OK, withdrawn and suspended revoked (error 23).
    let out = w.verify("good.pem", Some("crl1.pem"), at);
    assert!(out.text.contains("good.pem: OK"), "{}", out.text);
    for file in ["withdrawn.pem", "suspended.pem"] {
        let out = w.verify(file, Some("crl1.pem"), at);
        assert!(!out.ok, "{}", out.text);
        assert!(out.text.contains("error 23"), "{}", out.text);
        assert!(out.text.contains("certificate revoked"), "{}", out.text);
    }
    // Ours agrees.
    let status = |pem: &str, crl: &str| {
        let info = x509::verify_certificate(&w.ca, pem, at).unwrap();
        x509::crl_status(&w.ca, crl, info.serial(), at).unwrap()
    };
    assert_eq!(status(&pems[0], &crl1), None);
    assert_eq!(
        status(&pems[1], &crl1),
        Some(RevocationState::Withdrawn {
            reason: CrlReason::PrivilegeWithdrawn,
            since: t("2026-04-15T08:00:00Z"),
        })
    );
    assert_eq!(
        status(&pems[2], &crl1),
        Some(RevocationState::Suspended {
            since: t("2026-04-20T09:30:00Z"),
        })
    );

    // Reinstated: the hold leaves the list in the next CRL, and the certificate is good again.
    let crl2 = x509::crl(
        &w.key,
        &w.ca,
        2,
        t("2026-05-20T00:00:00Z"),
        t("2026-06-30T00:00:00Z"),
        &[(
            withdrawn,
            RevocationState::Withdrawn {
                reason: CrlReason::PrivilegeWithdrawn,
                since: t("2026-04-15T08:00:00Z"),
            },
        )],
    )
    .unwrap();
    w.write("crl2.pem", &crl2);
    let out = w.run(&["crl", "-in", "crl2.pem", "-noout", "-text"]);
    let number = out.text.split("X509v3 CRL Number:").nth(1).unwrap();
    assert_eq!(number.split_whitespace().next(), Some("2"), "{}", out.text);
    assert!(!out.text.contains("Certificate Hold"), "{}", out.text);
    let out = w.verify("suspended.pem", Some("crl2.pem"), at);
    assert!(out.text.contains("suspended.pem: OK"), "{}", out.text);
    assert_eq!(status(&pems[2], &crl2), None);
    let out = w.verify("withdrawn.pem", Some("crl2.pem"), at);
    assert!(out.text.contains("error 23"), "{}", out.text);
    assert!(status(&pems[1], &crl2).is_some());

    // A CRL whose nextUpdate has passed: openssl rejects (error 12), and so do we.
    let late = t("2026-07-15T00:00:00Z");
    let out = w.verify("good.pem", Some("crl2.pem"), late);
    assert!(out.text.contains("error 12"), "{}", out.text);
    let serial = x509::serial_from_id(good);
    assert!(matches!(
        x509::crl_status(&w.ca, &crl2, &serial, late),
        Err(Error::Expired {
            what: Artifact::Crl,
            ..
        })
    ));
}

#[test]
fn empty_crl_is_valid() {
    let Some(w) = World::new() else { return };
    let pem = w.issue(
        "ee.pem",
        "SCS-IAAS-2026-0001",
        "2026-03-01T00:00:00Z",
        "2027-03-01T00:00:00Z",
    );
    let crl = x509::crl(
        &w.key,
        &w.ca,
        7,
        t("2026-05-01T00:00:00Z"),
        t("2026-06-30T00:00:00Z"),
        &[],
    )
    .unwrap();
    w.write("crl.pem", &crl);
    let out = w.run(&[
        "crl", "-in", "crl.pem", "-CAfile", "ca.pem", "-noout", "-verify",
    ]);
    assert!(out.text.contains("verify OK"), "{}", out.text);
    let out = w.run(&["crl", "-in", "crl.pem", "-noout", "-text"]);
    assert!(out.text.contains("No Revoked Certificates"), "{}", out.text);
    let at = t("2026-06-01T00:00:00Z");
    let out = w.verify("ee.pem", Some("crl.pem"), at);
    assert!(out.text.contains("ee.pem: OK"), "{}", out.text);
    let info = x509::verify_certificate(&w.ca, &pem, at).unwrap();
    assert_eq!(x509::crl_status(&w.ca, &crl, info.serial(), at), Ok(None));
    let listing = x509::parse_crl(&w.ca, &crl).unwrap();
    assert_eq!(listing.number(), 7);
    assert!(listing.entries().is_empty());
}

#[test]
fn expired_and_not_yet_valid_certificates_are_rejected() {
    let Some(w) = World::new() else { return };
    let pem = w.issue(
        "old.pem",
        "SCS-IAAS-2024-0001",
        "2024-02-01T00:00:00Z",
        "2025-02-01T00:00:00Z",
    );
    let at = t("2026-06-01T00:00:00Z");
    let out = w.verify("old.pem", None, at);
    assert!(!out.ok);
    assert!(out.text.contains("error 10"), "{}", out.text);
    assert!(out.text.contains("certificate has expired"), "{}", out.text);
    assert_eq!(
        x509::verify_certificate(&w.ca, &pem, at),
        Err(Error::Expired {
            what: Artifact::Certificate,
            not_after: t("2025-02-01T00:00:00Z"),
            at,
        })
    );
    // Inside its window, both accept it.
    let then = t("2024-06-01T00:00:00Z");
    assert!(w.verify("old.pem", None, then).text.contains("old.pem: OK"));
    assert!(x509::verify_certificate(&w.ca, &pem, then).is_ok());
    // Before its window, both reject it (openssl error 9).
    let early = t("2024-01-15T00:00:00Z");
    let out = w.verify("old.pem", None, early);
    assert!(out.text.contains("error 9"), "{}", out.text);
    assert!(matches!(
        x509::verify_certificate(&w.ca, &pem, early),
        Err(Error::NotYetValid { .. })
    ));
}

/// Flips one byte inside the DER (at the first occurrence of `needle`) and re-armours it.
fn tamper(pem: &str, label: &str, needle: &[u8]) -> String {
    let (_, mut der) = der::pem::decode_vec(pem.as_bytes()).unwrap();
    let at = der.windows(needle.len()).position(|w| w == needle).unwrap();
    der[at] ^= 0x01;
    der::pem::encode_string(label, der::pem::LineEnding::LF, &der).unwrap()
}

#[test]
fn tampered_certificates_and_crls_are_rejected() {
    let Some(w) = World::new() else { return };
    let id = "SCS-IAAS-2026-0001";
    let pem = w.issue("ee.pem", id, "2026-03-01T00:00:00Z", "2027-03-01T00:00:00Z");
    // "v5.1" → "w5.1" inside the scope extension.
    let bad = tamper(&pem, "CERTIFICATE", b"v5.1");
    w.write("bad.pem", &bad);
    let at = t("2026-06-01T00:00:00Z");
    let out = w.verify("bad.pem", None, at);
    assert!(!out.ok);
    assert!(out.text.contains("error 7"), "{}", out.text);
    assert_eq!(
        x509::verify_certificate(&w.ca, &bad, at),
        Err(Error::BadSignature {
            what: Artifact::Certificate
        })
    );

    // A certificate by another key under the same CA name is rejected too.
    let other = SigningKey::generate("other").unwrap();
    let other_ca = x509::ca_certificate(
        &other,
        "Forum SCS-Standards",
        t("2024-01-01T00:00:00Z"),
        t("2046-01-01T00:00:00Z"),
    )
    .unwrap();
    let forged = x509::end_entity_certificate(
        &other,
        &other_ca,
        &ee(id, &url(id), "2026-03-01T00:00:00Z", "2027-03-01T00:00:00Z"),
    )
    .unwrap();
    w.write("forged.pem", &forged);
    let out = w.verify("forged.pem", None, at);
    assert!(!out.ok, "{}", out.text);
    assert_eq!(
        x509::verify_certificate(&w.ca, &forged, at),
        Err(Error::BadSignature {
            what: Artifact::Certificate
        })
    );

    let crl = x509::crl(
        &w.key,
        &w.ca,
        1,
        t("2026-05-01T00:00:00Z"),
        t("2026-06-30T00:00:00Z"),
        &[(
            id,
            RevocationState::Withdrawn {
                reason: CrlReason::KeyCompromise,
                since: t("2026-04-01T00:00:00Z"),
            },
        )],
    )
    .unwrap();
    // Drop the entry's reason: flip a byte of the revocation date "260401".
    let bad_crl = tamper(&crl, "X509 CRL", b"260401");
    w.write("bad-crl.pem", &bad_crl);
    let out = w.run(&[
        "crl",
        "-in",
        "bad-crl.pem",
        "-CAfile",
        "ca.pem",
        "-noout",
        "-verify",
    ]);
    assert!(!out.text.contains("verify OK"), "{}", out.text);
    assert_eq!(
        x509::crl_status(&w.ca, &bad_crl, &x509::serial_from_id(id), at),
        Err(Error::BadSignature {
            what: Artifact::Crl
        })
    );
    let out = w.verify("ee.pem", Some("bad-crl.pem"), at);
    assert!(!out.ok, "{}", out.text);
}
