//! Certificates (scs-0004, DESIGN §4): the record the forum signs, its identifier, and its
//! lifecycle. A record is written once (`certificates/<ID>.yaml`, signed in `<ID>.yaml.sig`
//! with namespace `scs-certificate`); what happens to it later — suspension, reinstatement,
//! withdrawal — is appended to `certificates/<ID>.events.jsonl`. Status at an instant is
//! derived from both, never stored.

pub mod check;
mod draft;
mod event;
mod id;
mod record;
mod status;

pub use draft::{Draft, DraftError};
pub use event::*;
pub use id::*;
pub use record::*;
pub use status::*;

/// Where records live in the registry.
pub const CERTIFICATES_DIR: &str = "certificates";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Instant;

    fn t(s: &str) -> Instant {
        crate::time::parse_instant(s).unwrap()
    }

    fn record() -> CertificateRecord {
        CertificateRecord {
            format: 1,
            id: CertificateId::new(CertificateKind::Iaas, 2026, 1),
            kind: CertificateKind::Iaas,
            holder: "Müller & Söhne GmbH".into(),
            subject: "cloud-a".parse().unwrap(),
            subject_name: "Cloud A".into(),
            scope: ScopeRef {
                uuid: "50393e6f-2ae1-4c5c-a62c-3b75f2abef3f".into(),
                name: "SCS-compatible IaaS".into(),
            },
            version: "v5.1".into(),
            issued: t("2026-03-01T00:00:00Z"),
            valid_until: one_year_after(t("2026-03-01")).unwrap(),
            renews: None,
            decision: Decision {
                at: "2026-03-01T00:00:00Z".into(),
                window_start: "2026-02-01T00:00:00Z".into(),
                eligible: true,
                evidence: vec![EvidenceRef {
                    run: "r".into(),
                    sha256: "s".into(),
                }],
                decided_by: Decider {
                    name: "S".into(),
                    role: "Secretary".into(),
                    key: "SHA256:x".into(),
                },
                override_reason: None,
                findings: vec![],
            },
            status_url: "https://x/SCS-IAAS-2026-0001".into(),
        }
    }

    #[test]
    fn ids() {
        let id = CertificateId::new(CertificateKind::IntegratorKaas, 2026, 12);
        assert_eq!(id.as_str(), "SCS-INT-KAAS-2026-0012");
        assert_eq!(id.as_str().parse::<CertificateId>().unwrap(), id);
        assert_eq!(id.series(), ("SCS-INT-KAAS-2026", 12));
        for bad in [
            "SCS-IAAS-2026-0000",
            "SCS-XAAS-2026-0001",
            "SCS-IAAS-26-0001",
            "../x",
            "SCS-IAAS-2026-00011",
        ] {
            assert!(bad.parse::<CertificateId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn record_round_trip_is_exact() {
        let r = record();
        let text = r.to_yaml().unwrap();
        let back = CertificateRecord::parse(&text, "r").unwrap();
        assert_eq!(back, r);
        assert_eq!(back.to_yaml().unwrap(), text);
        assert!(
            text.contains(r#"valid_until: "2027-03-01T00:00:00Z""#),
            "{text}"
        );
        // A record that is not one is refused where it is read, never read as 1970.
        for (from, to) in [
            (r#"issued: "2026-03-01T00:00:00Z""#, "issued: yesterday"),
            (
                r#"valid_until: "2027-03-01T00:00:00Z""#,
                r#"valid_until: "2025-03-01T00:00:00Z""#,
            ),
            ("subject: cloud-a", "subject: ../etc"),
        ] {
            assert!(text.contains(from), "{text}");
            let bad = text.replace(from, to);
            assert!(
                CertificateRecord::parse(&bad, "r").is_err(),
                "accepted {to}"
            );
        }
        assert_eq!(one_year_after(t("2028-02-29")), Ok(t("2029-02-28")));
        assert!(one_year_after(t("9999-03-01")).is_err());
    }

    #[test]
    fn lifecycle() {
        let r = record();
        let ev = |kind: &str, at: &str| -> Event {
            match kind {
                "s" => Event::Suspended {
                    at: at.into(),
                    reason: "finding".into(),
                    by: "k".into(),
                },
                "r" => Event::Reinstated {
                    at: at.into(),
                    reason: "fixed".into(),
                    by: "k".into(),
                },
                _ => Event::Withdrawn {
                    at: at.into(),
                    reason: "gone".into(),
                    code: WithdrawalCode::CessationOfOperation,
                    by: "k".into(),
                },
            }
        };
        let events = vec![
            ev("s", "2026-04-01T00:00:00Z"),
            ev("r", "2026-05-01T00:00:00Z"),
            ev("w", "2026-08-01T00:00:00Z"),
        ];
        assert_eq!(
            status_at(&r, &events, t("2026-02-01")),
            Status::NotYetIssued
        );
        assert_eq!(status_at(&r, &events, t("2026-03-15")), Status::Active);
        assert_eq!(status_at(&r, &events, t("2026-04-15")).code(), "suspended");
        assert_eq!(status_at(&r, &events, t("2026-05-15")), Status::Active);
        assert_eq!(status_at(&r, &events, t("2026-09-01")).code(), "withdrawn");
        assert_eq!(
            status_at(&r, &events[..2], t("2027-03-01")).code(),
            "expired"
        );
        let text: String = events.iter().map(Event::to_line).collect();
        assert_eq!(parse_events(&text, "e").unwrap(), events);
        assert!(parse_events("{\"event\":\"deleted\"}\n", "e").is_err());
    }
}
