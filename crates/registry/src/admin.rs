//! Changes the secretary makes by hand: create the registry, adopt scope specs, keep subject
//! records. Each is one signed commit.

use std::path::Path;

use crate::forum::ForumConfig;
use crate::state::{CRL, FORUM_ALLOWED_SIGNERS, FORUM_CA, FORUM_TOML, State};
use crate::{CommitId, CommitIdentity, Error as StoreError, Registry};
use scs_cert::sig::{Fingerprint, SigningKey};
use scs_cert::spec::Spec;
use scs_cert::subject::Subject;
use scs_cert::subject::record::{BoundKey, RecordError, SubjectRecord};
use scs_cert::time::{self, Instant, format_instant};
use scs_cert::trust::Bootstrap;

/// What a registry change could not do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdminError {
    /// `forum.toml` names no signer (commits need an author).
    #[error("forum.toml names no signer")]
    NoSigner,
    /// The signing key is not one of the forum's signers.
    #[error("key {fingerprint} is not a forum signer in forum.toml")]
    NotASigner {
        /// The key used.
        fingerprint: Fingerprint,
    },
    /// A scope with this uuid is already adopted.
    #[error("scope {uuid} is already adopted as scopes/{slug}.yaml (use --replace to replace it)")]
    ScopeAdopted {
        /// The scope uuid.
        uuid: String,
        /// Its file stem.
        slug: String,
    },
    /// The scope spec is not valid.
    #[error(transparent)]
    Spec(#[from] scs_cert::spec::Error),
    /// A subject record already exists.
    #[error("subject {subject} already exists")]
    SubjectExists {
        /// The subject.
        subject: Subject,
    },
    /// No such subject.
    #[error("no subject {subject} in the registry{}", scs_cert::text::did_you_mean(suggestion.as_deref()))]
    UnknownSubject {
        /// The subject.
        subject: String,
        /// A known subject of a similar name.
        suggestion: Option<String>,
    },
    /// The key is already bound to the subject.
    #[error("key {fingerprint} is already bound to {subject}")]
    KeyBound {
        /// The subject.
        subject: Subject,
        /// The key.
        fingerprint: Fingerprint,
    },
    /// No bound, unretired key with that fingerprint.
    #[error("{subject} has no active key {fingerprint}")]
    NoSuchKey {
        /// The subject.
        subject: Subject,
        /// The fingerprint asked for.
        fingerprint: String,
    },
    /// A record is broken.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The registry content could not be read.
    #[error(transparent)]
    State(#[from] crate::state::StateError),
    /// The git store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// forum.toml could not be written.
    #[error(transparent)]
    Forum(#[from] crate::forum::ConfigError),
    /// The X.509 CA or CRL could not be made.
    #[error(transparent)]
    X509(#[from] scs_cert::x509::Error),
    /// An instant the change needs is outside the years the registry holds.
    #[error(transparent)]
    OutOfRange(#[from] time::OutOfRange),
    /// A subject differing from another only in letter case: their files would be one on a
    /// case-insensitive file system (macOS, Windows), and people would read them as one.
    #[error("subject {new} differs from the existing subject {existing} only in letter case")]
    SubjectCaseClash {
        /// The subject being added.
        new: Subject,
        /// The subject already there.
        existing: Subject,
    },
    /// A key would be retired at or before the instant it was bound.
    #[error(
        "{subject}: the key was bound at {added}; it can only be retired after that, not at {}",
        format_instant(*retired)
    )]
    RetiredBeforeBound {
        /// The subject.
        subject: Subject,
        /// The retirement asked for.
        retired: Instant,
        /// When the key was bound (RFC 3339).
        added: String,
    },
    /// A text that cannot be displayed.
    #[error(transparent)]
    Text(#[from] scs_cert::text::TextError),
    /// The change would change nothing.
    #[error("nothing to change")]
    NothingToChange,
    /// A retired key bound again from before its retirement.
    #[error(
        "key {fingerprint} of {subject} was retired at {retired}: it can only be bound again \
         from then on"
    )]
    BoundAcrossRetirement {
        /// The subject.
        subject: Subject,
        /// The key.
        fingerprint: Fingerprint,
        /// When it was retired.
        retired: String,
    },
    /// `--keys-valid-from` would reach back across the key's own retirement.
    #[error(
        "key {fingerprint} of {subject} was retired at {retired} and bound again from {bound}: \
         a re-date cannot reach back across its retirement"
    )]
    RedateAcrossRetirement {
        /// The subject.
        subject: Subject,
        /// The key.
        fingerprint: Fingerprint,
        /// When its earlier binding was retired.
        retired: String,
        /// Its binding now.
        bound: String,
    },
    /// `--keys-valid-from` would move a key's binding later.
    #[error(
        "key {fingerprint} of {subject} is bound from {bound}: a re-date only reaches back \
         (reports it signed since may be in the ledger); to end a key's validity, retire it"
    )]
    RedateLater {
        /// The subject.
        subject: Subject,
        /// The key.
        fingerprint: Fingerprint,
        /// Its binding now.
        bound: String,
    },
}

/// How long the forum's CA certificate is valid: certificates must lie inside it.
pub const CA_VALIDITY_DAYS: i64 = 20 * 366;
/// How far back the CA certificate's validity reaches.
pub const CA_BACKDATE_DAYS: i64 = 10 * 366;
/// How long a CRL is valid unless `scs-cert crl --next-update` says otherwise.
pub const CRL_VALIDITY_DAYS: i64 = 7;

/// The forum signer a key belongs to, as the commit identity at `time`.
///
/// # Errors
///
/// When the key is not a forum signer.
pub fn identity(
    forum: &ForumConfig,
    key: &SigningKey,
    time: Instant,
) -> Result<CommitIdentity, AdminError> {
    let fingerprint = key.fingerprint();
    let signer = forum
        .signers
        .iter()
        .find(|s| {
            ssh_key::PublicKey::from_openssh(s.key.trim())
                .is_ok_and(|k| Fingerprint::of(&k) == fingerprint)
        })
        .ok_or(AdminError::NotASigner { fingerprint })?;
    Ok(CommitIdentity::new(&signer.name, &signer.email, time)?)
}

/// The line of `keys/allowed_signers` for a forum signer: may sign commits, certificate
/// records and manual checks. A signer added later gets `valid-after` (`since`); the founding
/// signer (`since` = `None`) has no start, so decisions about the past (imported archives) can
/// be recorded.
pub fn forum_allowed_signers_line(email: &str, key: &SigningKey, since: Option<Instant>) -> String {
    let after = since
        .map(|t| format!(",valid-after=\"{}\"", t.format("%Y%m%d%H%M%SZ")))
        .unwrap_or_default();
    format!(
        "{email} namespaces=\"git,scs-certificate,scs-manual-check\"{after} {}\n",
        key.public_line()
    )
}

/// Creates a registry in `dir`: `forum.toml`, `keys/allowed_signers` with the signer's key, the
/// given scope specs under `scopes/` (exact bytes), and the first signed commit.
///
/// # Errors
///
/// A non-empty `dir`, invalid seed specs, store errors.
pub fn init(
    dir: &Path,
    forum: &ForumConfig,
    key: &SigningKey,
    scopes: &[(&str, &str)],
    now: Instant,
) -> Result<(Registry, CommitId), AdminError> {
    let signer = forum.signers.first().ok_or(AdminError::NoSigner)?;
    forum.check_text()?;
    let identity = identity(forum, key, now)?;
    for (slug, text) in scopes {
        Spec::load(text, &format!("scopes/{slug}.yaml"))?;
    }
    let registry = Registry::create(dir)?;
    let id = {
        let mut change = registry.begin()?;
        change.write(FORUM_TOML, forum.to_toml()?.as_bytes())?;
        let allowed = format!(
            "# Forum signing keys: registry commits (git) and certificate records.\n{}",
            forum_allowed_signers_line(&signer.email, key, None)
        );
        change.write(FORUM_ALLOWED_SIGNERS, allowed.as_bytes())?;
        for (slug, text) in scopes {
            change.write(&format!("scopes/{slug}.yaml"), text.as_bytes())?;
        }
        // The forum's CA signs with the forum key itself (its Ed25519 seed): no second secret.
        // Valid from ten years back, so certificates for past decisions (imported archives,
        // `issue --at` in the past) lie inside it, as X.509 path validation requires.
        let days = chrono::Duration::days;
        let from = time::sub(now, days(CA_BACKDATE_DAYS), "the forum CA's start")?;
        let until = time::add(now, days(CA_VALIDITY_DAYS), "the forum CA's end")?;
        let ca = scs_cert::x509::ca_certificate(key, &forum.forum.name, from, until)?;
        let crl_until = time::add(now, days(CRL_VALIDITY_DAYS), "the CRL's next update")?;
        let crl = scs_cert::x509::crl(key, &ca, 1, now, crl_until, &[])?;
        change.write(FORUM_CA, ca.as_bytes())?;
        change.write(CRL, crl.as_bytes())?;
        change.commit(
            &format!("init registry of {}", forum.forum.name),
            key,
            &identity,
        )?
    };
    Ok((registry, id))
}

/// A file stem for a scope from its name: `SCS-compatible IaaS` -> `scs-compatible-iaas`.
pub fn scope_slug(spec: &Spec) -> String {
    let mut slug = String::new();
    for c in spec.name().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        spec.uuid().to_owned()
    } else {
        slug
    }
}

/// Adopts a scope spec, keeping its bytes exactly. A spec whose uuid is adopted already
/// replaces it only with `replace` (the old revision stays in the history).
///
/// # Errors
///
/// Invalid spec, already adopted, store errors.
pub fn add_scope(
    registry: &Registry,
    state: &State,
    text: &str,
    origin: &str,
    replace: bool,
    key: &SigningKey,
    now: Instant,
) -> Result<(String, CommitId), AdminError> {
    let spec = Spec::load(text, origin)?;
    // The scope's name is printed in every status line and set on the Urkunde.
    scs_cert::text::check(
        "the scope's name",
        spec.name(),
        scs_cert::text::Display::Urkunde(scs_cert::text::Field::ScopeName),
    )?;
    let slug = match state.scopes.get(spec.uuid()) {
        Some(existing) if !replace => {
            return Err(AdminError::ScopeAdopted {
                uuid: spec.uuid().to_owned(),
                slug: existing.slug.clone(),
            });
        }
        Some(existing) => existing.slug.clone(),
        None => scope_slug(&spec),
    };
    let identity = identity(&state.forum, key, now)?;
    let mut change = registry.begin()?;
    let path = format!("scopes/{slug}.yaml");
    if change.read(&path)?.as_deref() == Some(text.as_bytes()) {
        return Err(AdminError::NothingToChange);
    }
    change.write(&path, text.as_bytes())?;
    let verb = if replace { "replace" } else { "adopt" };
    let id = change.commit(
        &format!("{verb} scope {} ({})", spec.name(), spec.uuid()),
        key,
        &identity,
    )?;
    Ok((slug, id))
}

/// Refuses `new` when one of `existing` is the same name in another letter case.
fn refuse_case_clash<'a>(
    new: &Subject,
    existing: impl IntoIterator<Item = &'a Subject>,
) -> Result<(), AdminError> {
    match existing
        .into_iter()
        .find(|e| *e != new && e.as_str().eq_ignore_ascii_case(new.as_str()))
    {
        Some(e) => Err(AdminError::SubjectCaseClash {
            new: new.clone(),
            existing: e.clone(),
        }),
        None => Ok(()),
    }
}

/// Writes one subject record in its own commit.
///
/// # Errors
///
/// Invalid record, store errors.
pub fn save_subject(
    registry: &Registry,
    state: &State,
    record: &SubjectRecord,
    message: &str,
    key: &SigningKey,
    now: Instant,
) -> Result<CommitId, AdminError> {
    record.check()?;
    record.check_text()?;
    refuse_case_clash(&record.subject, state.subjects.keys())?;
    let mut all = state.subject_records();
    all.retain(|r| r.subject != record.subject);
    all.push(record.clone());
    // What ingest will read back must parse: a record that yields a broken allowed_signers
    // line would stop every later ingest.
    scs_cert::subject::record::trust(&all)?;
    let identity = identity(&state.forum, key, now)?;
    let mut change = registry.begin()?;
    change.write(
        &SubjectRecord::path(&record.subject),
        record.to_yaml()?.as_bytes(),
    )?;
    Ok(change.commit(message, key, &identity)?)
}

/// Binds a key to a subject from `at`.
///
/// # Errors
///
/// Unknown subject, key already bound.
pub fn bind_key(
    state: &State,
    subject: &Subject,
    key_line: &str,
    name: Option<&str>,
    at: Instant,
) -> Result<SubjectRecord, AdminError> {
    let mut record =
        state
            .subjects
            .get(subject)
            .cloned()
            .ok_or_else(|| AdminError::UnknownSubject {
                subject: subject.to_string(),
                suggestion: state.similar_subject(subject.as_str()),
            })?;
    let candidate = BoundKey {
        key: key_line.trim().to_owned(),
        name: name.map(str::to_owned),
        added: format_instant(at),
        retired: None,
    };
    let public = candidate.public_key(subject)?;
    let fingerprint = Fingerprint::of(&public);
    for k in &record.keys {
        if Fingerprint::of(&k.public_key(subject)?) != fingerprint {
            continue;
        }
        match k.retired.as_deref() {
            None => {
                return Err(AdminError::KeyBound {
                    subject: subject.clone(),
                    fingerprint,
                });
            }
            // Bound again from before its retirement, the key would count while retired.
            Some(retired) if time::parse_rfc3339(retired).is_some_and(|r| at < r) => {
                return Err(AdminError::BoundAcrossRetirement {
                    subject: subject.clone(),
                    fingerprint,
                    retired: retired.to_owned(),
                });
            }
            Some(_) => {}
        }
    }
    record.keys.push(candidate);
    Ok(record)
}

/// Retires a subject's active key with the given fingerprint at `at`.
///
/// # Errors
///
/// Unknown subject or key.
pub fn retire_key(
    state: &State,
    subject: &Subject,
    fingerprint: &str,
    at: Instant,
) -> Result<SubjectRecord, AdminError> {
    let mut record =
        state
            .subjects
            .get(subject)
            .cloned()
            .ok_or_else(|| AdminError::UnknownSubject {
                subject: subject.to_string(),
                suggestion: state.similar_subject(subject.as_str()),
            })?;
    let mut found = false;
    for k in &mut record.keys {
        if k.retired.is_none()
            && Fingerprint::of(&k.public_key(subject)?).to_string() == fingerprint
        {
            // Validity is half-open, [added, retired), in whole seconds (allowed_signers):
            // a key retired at or before its binding would never have been valid.
            if time::parse_rfc3339(&k.added)
                .is_some_and(|added| at.timestamp() <= added.timestamp())
            {
                return Err(AdminError::RetiredBeforeBound {
                    subject: subject.clone(),
                    retired: at,
                    added: k.added.clone(),
                });
            }
            k.retired = Some(format_instant(at));
            found = true;
        }
    }
    if !found {
        return Err(AdminError::NoSuchKey {
            subject: subject.clone(),
            fingerprint: fingerprint.to_owned(),
        });
    }
    Ok(record)
}

/// Imports the accounts, keys and delegations of a compliance-monitor bootstrap file: new
/// subjects are created; existing ones gain keys they lack (bound from `at`), and take the
/// file's group and delegates; keys are bound from `at`. With `redate` (an explicit
/// `--keys-valid-from`), keys the subject already has are re-bound from `at` too. One commit,
/// made at `now`.
///
/// # Errors
///
/// Records that do not hold together, store errors.
pub fn import_bootstrap(
    registry: &Registry,
    state: &State,
    bootstrap: &Bootstrap,
    key: &SigningKey,
    at: Instant,
    redate: bool,
    now: Instant,
) -> Result<(usize, usize, CommitId), AdminError> {
    let incoming = scs_cert::subject::record::from_bootstrap(bootstrap, at);
    let mut all: std::collections::BTreeMap<Subject, SubjectRecord> = state.subjects.clone();
    let (mut created, mut updated) = (0, 0);
    let mut changed = Vec::new();
    for new in incoming {
        match all.get_mut(&new.subject) {
            None => {
                created += 1;
                changed.push(new.subject.clone());
                all.insert(new.subject.clone(), new);
            }
            Some(old) => {
                let before = old.clone();
                old.group = new.group.clone().or(old.group.take());
                old.delegates = new.delegates.clone();
                for k in new.keys {
                    let fp = Fingerprint::of(&k.public_key(&new.subject)?);
                    let same = |o: &BoundKey| {
                        o.public_key(&new.subject)
                            .is_ok_and(|p| Fingerprint::of(&p) == fp)
                    };
                    // A key the forum retired stays retired: the bootstrap file may still list
                    // it (upstream has not caught up), and binding it anew would revive a key
                    // retired perhaps for being compromised. `subject key add` re-binds it.
                    let retired_until = old
                        .keys
                        .iter()
                        .filter(|o| same(o))
                        .filter_map(|o| o.retired.as_deref())
                        .filter_map(time::parse_rfc3339)
                        .max();
                    let present = old.keys.iter_mut().find(|o| o.retired.is_none() && same(o));
                    match present {
                        None if retired_until.is_some() => {}
                        // Nor may a re-date reach back across the key's own retirement.
                        Some(o) if redate && retired_until.is_some_and(|r| at < r) => {
                            return Err(AdminError::RedateAcrossRetirement {
                                subject: new.subject.clone(),
                                fingerprint: fp,
                                retired: retired_until.map(format_instant).unwrap_or_default(),
                                bound: o.added.clone(),
                            });
                        }
                        // A first import without --keys-valid-from dated the keys "now", which
                        // refuses every older report: a re-import with the flag repairs that.
                        // It only reaches back: moved later, the record would deny the key
                        // the evidence it signed that the ledger already holds.
                        Some(o) if redate => {
                            let bound = time::parse_rfc3339(&o.added);
                            if bound.is_some_and(|b| at > b) {
                                return Err(AdminError::RedateLater {
                                    subject: new.subject.clone(),
                                    fingerprint: fp,
                                    bound: o.added.clone(),
                                });
                            }
                            o.added.clone_from(&k.added);
                        }
                        Some(_) => {}
                        None => old.keys.push(k),
                    }
                }
                if *old != before {
                    updated += 1;
                    changed.push(new.subject.clone());
                }
            }
        }
    }
    if changed.is_empty() {
        return Err(AdminError::NothingToChange);
    }
    for s in &changed {
        if let Some(r) = all.get(s) {
            r.check_text()?;
        }
        refuse_case_clash(s, all.keys())?;
    }
    let records: Vec<SubjectRecord> = all.values().cloned().collect();
    scs_cert::subject::record::trust(&records)?;
    // The commit is made now; `at` only dates the keys' binding.
    let identity = identity(&state.forum, key, now)?;
    let mut change = registry.begin()?;
    for s in &changed {
        if let Some(r) = all.get(s) {
            change.write(&SubjectRecord::path(s), r.to_yaml()?.as_bytes())?;
        }
    }
    let id = change.commit(
        &format!(
            "import {} ({created} new, {updated} updated subject(s))",
            Path::new(bootstrap.origin())
                .file_name()
                .map_or_else(|| bootstrap.origin().into(), |n| n.to_string_lossy())
        ),
        key,
        &identity,
    )?;
    Ok((created, updated, id))
}
