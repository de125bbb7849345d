//! Reports signed with Sigstore: the bundle verified offline against a trusted root, then the
//! signer — a keyless CI identity (OIDC issuer and exact SAN) or a managed key — bound to every
//! document's subject (or a delegate of it) through the subjects' records.

use std::collections::{BTreeMap, BTreeSet};

use crate::report;
use crate::sigstore::{self, Artifact, Bundle, Policy, TrustedRoot};
use crate::subject::Subject;
use crate::subject::record::SubjectRecord;
use crate::time::Instant;
use crate::trust::{AuthorizedSigner, Refusal};

use super::{FileCheck, Problem};

/// One Sigstore signer bound to a subject over a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// The subject (or delegate account) the signer belongs to.
    pub subject: Subject,
    /// Who the signer is.
    pub signer: BoundSigner,
    /// Bound from (inclusive).
    pub added: Instant,
    /// Bound until (exclusive), if retired.
    pub retired: Option<Instant>,
}

/// A keyless identity or a managed key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BoundSigner {
    /// A Fulcio certificate for this OIDC issuer and exact identity (SAN).
    Identity {
        /// OIDC issuer URL.
        issuer: String,
        /// Exact certificate identity.
        identity: String,
    },
    /// A managed public key (PEM).
    Key {
        /// The PEM text.
        pem: String,
    },
}

/// Who may sign with Sigstore for which subjects, and the root of trust to verify against.
#[derive(Debug)]
pub struct SigstoreTrust {
    root: TrustedRoot,
    bindings: Vec<Binding>,
    /// Subject -> the subjects whose signers may sign for it (itself and its delegates).
    signers_of: BTreeMap<Subject, BTreeSet<Subject>>,
}

impl SigstoreTrust {
    /// Trust from subject records (their `sigstore:` entries and `delegates`).
    ///
    /// # Errors
    ///
    /// Bad dates in a record.
    pub fn from_records(
        root: TrustedRoot,
        records: &[SubjectRecord],
    ) -> Result<SigstoreTrust, crate::subject::record::RecordError> {
        let mut bindings = Vec::new();
        let mut signers_of: BTreeMap<Subject, BTreeSet<Subject>> = BTreeMap::new();
        for r in records {
            let own = signers_of.entry(r.subject.clone()).or_default();
            own.insert(r.subject.clone());
            own.extend(r.delegates.iter().cloned());
            for b in &r.sigstore {
                let (added, retired) = b.window(&r.subject)?;
                let signer = match (&b.issuer, &b.identity, &b.public_key) {
                    (Some(issuer), Some(identity), None) => BoundSigner::Identity {
                        issuer: issuer.clone(),
                        identity: identity.clone(),
                    },
                    (None, None, Some(pem)) => BoundSigner::Key { pem: pem.clone() },
                    // `SubjectRecord::check` refuses every other shape.
                    _ => continue,
                };
                bindings.push(Binding {
                    subject: r.subject.clone(),
                    signer,
                    added,
                    retired,
                });
            }
        }
        Ok(SigstoreTrust {
            root,
            bindings,
            signers_of,
        })
    }

    /// The bindings.
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }
}

/// What a verified bundle says about its signer, as text (`issuer identity` or `key SHA256:…`).
pub fn signer_label(signer: &sigstore::SignerIdentity) -> String {
    match signer {
        sigstore::SignerIdentity::Certificate { issuer, identities } => {
            format!("{issuer} {}", identities.join(" "))
        }
        sigstore::SignerIdentity::Key { fingerprint } => format!("key {fingerprint}"),
        // A kind of signer this core does not know yet: no binding names it.
        _ => "signer of an unknown kind".to_owned(),
    }
}

/// Whether a binding names the signer of a verified bundle.
fn names(
    binding: &Binding,
    signer: &sigstore::SignerIdentity,
    key_binding_used: Option<usize>,
    index: usize,
) -> bool {
    match (&binding.signer, signer) {
        (
            BoundSigner::Identity { issuer, identity },
            sigstore::SignerIdentity::Certificate {
                issuer: i,
                identities,
            },
        ) => issuer == i && identities.iter().any(|id| id == identity),
        // A managed key is known by which bound PEM made the bundle verify.
        (BoundSigner::Key { .. }, sigstore::SignerIdentity::Key { .. }) => {
            key_binding_used == Some(index)
        }
        _ => false,
    }
}

/// May the bundle's signer sign for `subject` at `at`? The subject's own signers and its
/// delegates' signers may, while their binding is in force.
///
/// # Errors
///
/// The [`Refusal`]: no binding names the signer for the subject, or none is in force at `at`.
pub fn authorize(
    trust: &SigstoreTrust,
    signer: &sigstore::SignerIdentity,
    key_binding_used: Option<usize>,
    subject: &Subject,
    at: Instant,
) -> Result<AuthorizedSigner, Refusal> {
    let label = signer_label(signer);
    let allowed = trust.signers_of.get(subject);
    let mut seen_outside_window = None;
    for (i, b) in trust.bindings.iter().enumerate() {
        if !names(b, signer, key_binding_used, i)
            || !allowed.is_some_and(|a| a.contains(&b.subject))
        {
            continue;
        }
        if b.added <= at && b.retired.is_none_or(|r| at < r) {
            let via = (b.subject != *subject).then(|| b.subject.clone());
            return Ok(AuthorizedSigner::sigstore(b.subject.clone(), label, via));
        }
        seen_outside_window = Some(b);
    }
    Err(match seen_outside_window {
        Some(b) if at < b.added => Refusal::SigstoreNotYetBound {
            identity: label,
            subject: subject.clone(),
            added: b.added,
        },
        Some(b) => Refusal::SigstoreRetired {
            identity: label,
            subject: subject.clone(),
            retired: b.retired.unwrap_or(b.added),
        },
        None => Refusal::SigstoreNotAllowed {
            identity: label,
            subject: subject.clone(),
        },
    })
}

/// Checks one report file signed with a Sigstore bundle: the bundle over the exact report
/// bytes against the trusted root (chain, log, time, signature), the signer bound to some
/// subject, then every document's subject bound to the signer at `at`.
pub fn check_file(
    report_bytes: &[u8],
    bundle: &[u8],
    trust: &SigstoreTrust,
    at: Instant,
) -> FileCheck {
    let refused = |problem| FileCheck {
        fingerprint: None,
        signer: None,
        documents: Vec::new(),
        result: Err(problem),
    };
    let bundle = match Bundle::from_json(bundle) {
        Ok(b) => b,
        Err(e) => return refused(Problem::MalformedBundle(e)),
    };
    let artifact = Artifact::Bytes(report_bytes);
    let (verified, key_binding_used) =
        match sigstore::verify_any_identity(&bundle, artifact, &trust.root) {
            Ok(v) => (v, None),
            Err(sigstore::Error::KeyRequired) => {
                // A managed-key bundle: the bound keys are the candidates.
                let mut found = None;
                let mut last_error = sigstore::Error::KeyRequired;
                for (i, b) in trust.bindings.iter().enumerate() {
                    let BoundSigner::Key { pem } = &b.signer else {
                        continue;
                    };
                    match sigstore::verify(
                        &bundle,
                        artifact,
                        &trust.root,
                        &Policy::Key { pem: pem.clone() },
                    ) {
                        Ok(v) => {
                            found = Some((v, Some(i)));
                            break;
                        }
                        Err(e) => last_error = e,
                    }
                }
                match found {
                    Some(f) => f,
                    None if matches!(
                        last_error,
                        sigstore::Error::KeyRequired | sigstore::Error::PolicyKey
                    ) =>
                    {
                        return refused(Problem::SignerUnknown {
                            signer: "a managed key".into(),
                        });
                    }
                    None => return refused(Problem::Sigstore(last_error)),
                }
            }
            Err(e) => return refused(Problem::Sigstore(e)),
        };
    let label = signer_label(verified.signer());
    if !trust
        .bindings
        .iter()
        .enumerate()
        .any(|(i, b)| names(b, verified.signer(), key_binding_used, i))
    {
        return refused(Problem::SignerUnknown { signer: label });
    }
    let reports = match report::parse(report_bytes) {
        Ok(r) => r,
        Err(e) => {
            return FileCheck {
                fingerprint: None,
                signer: Some(label),
                documents: Vec::new(),
                result: Err(Problem::MalformedReport(e)),
            };
        }
    };
    FileCheck::judged(None, Some(label), reports, |subject| {
        authorize(trust, verified.signer(), key_binding_used, subject, at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subject::record::SigstoreBinding;

    const ISSUER: &str = "https://token.actions.githubusercontent.com";
    const ID: &str = "https://github.com/op/ci/.github/workflows/report.yml@refs/heads/main";

    fn at(s: &str) -> Instant {
        crate::time::parse_instant(s).unwrap()
    }

    fn trust() -> SigstoreTrust {
        let mut ci = SubjectRecord::new("op-ci".parse().unwrap());
        ci.sigstore.push(SigstoreBinding {
            issuer: Some(ISSUER.into()),
            identity: Some(ID.into()),
            public_key: None,
            added: "2026-01-01T00:00:00Z".into(),
            retired: Some("2026-07-01T00:00:00Z".into()),
        });
        let mut cloud = SubjectRecord::new("cloud-a".parse().unwrap());
        cloud.delegates.push("op-ci".parse().unwrap());
        let other = SubjectRecord::new("cloud-b".parse().unwrap());
        let root = TrustedRoot::from_json(br#"{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[],"certificateAuthorities":[],"ctlogs":[],"timestampAuthorities":[]}"#).unwrap();
        SigstoreTrust::from_records(root, &[ci, cloud, other]).unwrap()
    }

    fn cert(issuer: &str, id: &str) -> sigstore::SignerIdentity {
        sigstore::SignerIdentity::Certificate {
            issuer: issuer.into(),
            identities: vec![id.into()],
        }
    }

    #[test]
    fn identity_binds_for_the_subject_and_its_delegators_only_in_its_window() {
        let t = trust();
        let s = |x: &str| x.parse::<Subject>().unwrap();
        let ok = authorize(&t, &cert(ISSUER, ID), None, &s("cloud-a"), at("2026-03-01")).unwrap();
        assert_eq!(ok.principal().as_str(), "op-ci");
        assert!(authorize(&t, &cert(ISSUER, ID), None, &s("op-ci"), at("2026-03-01")).is_ok());
        assert!(matches!(
            authorize(&t, &cert(ISSUER, ID), None, &s("cloud-b"), at("2026-03-01")),
            Err(Refusal::SigstoreNotAllowed { .. })
        ));
        assert!(matches!(
            authorize(&t, &cert(ISSUER, ID), None, &s("cloud-a"), at("2026-07-01")),
            Err(Refusal::SigstoreRetired { .. })
        ));
        assert!(matches!(
            authorize(&t, &cert(ISSUER, ID), None, &s("cloud-a"), at("2025-12-31")),
            Err(Refusal::SigstoreNotYetBound { .. })
        ));
        // Exact matching: another issuer, a longer or differently cased identity do not bind.
        for (i, id) in [
            ("https://accounts.google.com", ID),
            (ISSUER, &format!("{ID}/")),
            (ISSUER, &ID.to_uppercase()),
        ] {
            assert!(
                authorize(&t, &cert(i, id), None, &s("cloud-a"), at("2026-03-01")).is_err(),
                "{i} {id}"
            );
        }
    }
}
