//! The forum's own files in the history walk: the CRL against the certificate events, and
//! `forum.toml`'s signers against `keys/allowed_signers`.

use std::collections::{BTreeMap, BTreeSet};

use git2::{ObjectType, Tree};

use super::FindingKind;
use super::walk::{Walker, blob_at, subtree_at};
use crate::audit::AuditError;
use crate::certificates::{self, Held};
use crate::forum::ForumConfig;
use crate::state::{CRL, FORUM_ALLOWED_SIGNERS, FORUM_CA, FORUM_TOML};
use scs_cert::cert::{CERTIFICATES_DIR, CertificateId};
use scs_cert::sig::Fingerprint;
use scs_cert::time::{Instant, format_instant};
use scs_cert::x509::{self, RevocationState, Serial};

/// The last CRL the walk accepted.
#[derive(Clone, Copy, Debug)]
pub(super) struct CrlSeen {
    number: u64,
    this_update: Instant,
}

/// Which of the forum's files a commit touched.
#[derive(Clone, Debug, Default)]
pub(super) struct Touched {
    /// Event lines the commit appends, by events file.
    pub(super) events: Vec<(String, Vec<u8>)>,
    /// `crl.pem` or the CA certificate.
    pub(super) crl: bool,
    /// `forum.toml` or `keys/allowed_signers`.
    pub(super) signers: bool,
}

impl Touched {
    pub(super) fn note(&mut self, path: &str) {
        if path == CRL || path == FORUM_CA {
            self.crl = true;
        } else if path == FORUM_TOML || path == FORUM_ALLOWED_SIGNERS {
            self.signers = true;
        }
    }
}

impl Walker<'_> {
    /// The CRL at `tree`, where the commit (made at `time`) touched it, the CA or a
    /// certificate's events.
    pub(super) fn check_crl(
        &mut self,
        position: usize,
        tree: &Tree<'_>,
        time: Instant,
        touched: &Touched,
    ) -> Result<(), AuditError> {
        // A new record alone cannot change what the CRL lists (it has no events yet), so
        // issue commits are not re-read: the check costs per event, not per certificate.
        if !touched.crl && touched.events.is_empty() {
            return Ok(());
        }
        let path = Some(CRL);
        let invalid = FindingKind::CrlInvalid;
        let Some(crl) = blob_at(tree, CRL) else {
            if touched.crl && self.crl.is_some() {
                let msg = "crl.pem was removed; revocations must stay published".to_owned();
                self.report(position, path, invalid, msg);
            }
            return Ok(());
        };
        let crl = String::from_utf8_lossy(&self.blob(crl)?).into_owned();
        let ca = match blob_at(tree, FORUM_CA) {
            Some(ca) => String::from_utf8_lossy(&self.blob(ca)?).into_owned(),
            None => {
                if touched.crl {
                    let msg = format!("there is no {FORUM_CA} to check crl.pem against");
                    self.report(position, path, invalid, msg);
                }
                return Ok(());
            }
        };
        let info = match x509::parse_crl(&ca, &crl) {
            Ok(info) => info,
            Err(e) => {
                // Reported where it broke; later commits that leave it alone are not retold.
                if touched.crl {
                    let msg = format!("crl.pem does not hold under the forum CA: {e}");
                    self.report(position, path, invalid, msg);
                }
                return Ok(());
            }
        };
        if touched.crl {
            self.check_crl_order(position, &info);
        }
        let Some(held) = self.held_at(position, tree)? else {
            return Ok(());
        };
        let mut listed = differences(&held, &info);
        // An event that takes effect by the commit's time is published with it: the CRL is
        // re-issued in the same commit (an event dated later waits for a later CRL).
        for (path, text) in &touched.events {
            let Ok(events) = scs_cert::cert::parse_events(&String::from_utf8_lossy(text), path)
            else {
                continue;
            };
            for e in events {
                if e.at() <= time && e.at() > info.this_update() {
                    listed.push(format!(
                        "{path} records an event at {} that this CRL, made earlier, does not reflect",
                        format_instant(e.at())
                    ));
                }
            }
        }
        if !listed.is_empty() {
            let msg = format!(
                "CRL number {} (thisUpdate {}) disagrees with the certificate events: {}",
                info.number(),
                format_instant(info.this_update()),
                listed.join("; ")
            );
            self.report(position, path, FindingKind::CrlMismatch, msg);
        }
        Ok(())
    }

    /// A newer CRL has a larger number and does not go back in time (RFC 5280 §5.2.3).
    fn check_crl_order(&mut self, position: usize, info: &x509::CrlInfo) {
        let seen = CrlSeen {
            number: info.number(),
            this_update: info.this_update(),
        };
        let Some(last) = self.crl else {
            self.crl = Some(seen);
            return;
        };
        let mut wrong = Vec::new();
        if seen.number <= last.number {
            wrong.push(format!(
                "its number {} is not above the previous CRL's {}",
                seen.number, last.number
            ));
        }
        if seen.this_update < last.this_update {
            wrong.push(format!(
                "its thisUpdate {} lies before the previous CRL's {}",
                format_instant(seen.this_update),
                format_instant(last.this_update)
            ));
        }
        if wrong.is_empty() {
            self.crl = Some(seen);
        } else {
            // The newest list stays the yardstick, so a later CRL cannot slip in between.
            let msg = format!("an older CRL put back: {}", wrong.join(" and "));
            self.report(position, Some(CRL), FindingKind::CrlRollback, msg);
        }
    }

    /// Every certificate at `tree`, or `None` when one cannot be read (reported once).
    fn held_at(
        &mut self,
        position: usize,
        tree: &Tree<'_>,
    ) -> Result<Option<BTreeMap<CertificateId, Held>>, AuditError> {
        let mut held = BTreeMap::new();
        let Some(dir) = subtree_at(tree, CERTIFICATES_DIR) else {
            return Ok(Some(held));
        };
        let dir = self
            .repo
            .find_tree(dir)
            .map_err(|e| AuditError::git("read a folder", &e))?;
        let mut files = BTreeMap::new();
        for entry in dir.iter().filter(|e| e.kind() == Some(ObjectType::Blob)) {
            if let Ok(name) = entry.name() {
                files.insert(name.to_owned(), entry.id());
            }
        }
        for (name, &oid) in &files {
            let Some(id) = name
                .strip_suffix(".yaml")
                .and_then(|stem| stem.parse::<CertificateId>().ok())
            else {
                continue;
            };
            let events = match files.get(&format!("{id}.events.jsonl")) {
                Some(&events) => self.blob(events)?,
                None => Vec::new(),
            };
            match Held::parse(&id, self.blob(oid)?, &events) {
                Ok(h) => {
                    held.insert(id, h);
                }
                Err(e) => {
                    self.unreadable(position, oid, &id.record_path(), e.to_string());
                    return Ok(None);
                }
            }
        }
        Ok(Some(held))
    }

    /// At every change of the signer files, both name the same keys.
    pub(super) fn check_signers(
        &mut self,
        position: usize,
        tree: &Tree<'_>,
        touched: &Touched,
    ) -> Result<(), AuditError> {
        if !touched.signers && position != 0 {
            return Ok(());
        }
        let Some(config) = blob_at(tree, FORUM_TOML) else {
            let msg = format!("there is no {FORUM_TOML} naming the forum's signers");
            self.report(
                position,
                Some(FORUM_TOML),
                FindingKind::RecordUnreadable,
                msg,
            );
            return Ok(());
        };
        let text = self.blob(config)?;
        let parsed = std::str::from_utf8(&text)
            .map_err(|_| format!("{FORUM_TOML} is not UTF-8 text"))
            .and_then(|t| ForumConfig::parse(t).map_err(|e| e.to_string()));
        let config = match parsed {
            Ok(c) => c,
            Err(msg) => {
                self.unreadable(position, config, FORUM_TOML, msg);
                return Ok(());
            }
        };
        // An unreadable allowed_signers file is reported where a commit is judged by it.
        let allowed = self.allowed_signers(tree)?;
        let Ok(allowed) = allowed.as_ref() else {
            return Ok(());
        };
        let in_file: BTreeSet<String> = allowed
            .entries()
            .iter()
            .map(|e| Fingerprint::of(e.key()).to_string())
            .collect();
        let mut named = BTreeSet::new();
        let mut wrong = Vec::new();
        for signer in &config.signers {
            match ssh_key::PublicKey::from_openssh(&signer.key) {
                Ok(key) => {
                    let fingerprint = Fingerprint::of(&key).to_string();
                    if !in_file.contains(&fingerprint) {
                        wrong.push(format!(
                            "signer {:?}'s key {fingerprint} is not in {FORUM_ALLOWED_SIGNERS}",
                            signer.name
                        ));
                    }
                    named.insert(fingerprint);
                }
                Err(e) => wrong.push(format!(
                    "signer {:?}'s key is not an OpenSSH public key: {e}",
                    signer.name
                )),
            }
        }
        for fingerprint in in_file.difference(&named) {
            wrong.push(format!(
                "key {fingerprint} in {FORUM_ALLOWED_SIGNERS} is no signer's in {FORUM_TOML}"
            ));
        }
        if !wrong.is_empty() {
            let msg = wrong.join("; ");
            self.report(
                position,
                Some(FORUM_ALLOWED_SIGNERS),
                FindingKind::ForumSignersMismatch,
                msg,
            );
        }
        Ok(())
    }
}

/// How the CRL differs from what the events imply at its thisUpdate, one phrase per
/// certificate.
fn differences(held: &BTreeMap<CertificateId, Held>, info: &x509::CrlInfo) -> Vec<String> {
    let at = info.this_update();
    let expected: BTreeMap<Serial, (String, RevocationState)> = certificates::revocations(held, at)
        .into_iter()
        .map(|(id, state)| (x509::serial_from_id(&id), (id, whole(state))))
        .collect();
    let name = |serial: &Serial| {
        held.keys()
            .find(|id| x509::serial_from_id(id.as_str()) == *serial)
            .map_or_else(|| "an unknown serial".to_owned(), ToString::to_string)
    };
    let mut out = Vec::new();
    for (serial, (id, state)) in &expected {
        match info.entries().get(serial) {
            None => out.push(format!("{id} is {} but not listed", describe(*state))),
            Some(listed) if whole(*listed) != *state => out.push(format!(
                "{id} is listed as {} but is {}",
                describe(*listed),
                describe(*state)
            )),
            Some(_) => {}
        }
    }
    for (serial, listed) in info.entries() {
        if !expected.contains_key(serial) {
            out.push(format!(
                "{} is listed as {} but is not",
                name(serial),
                describe(*listed)
            ));
        }
    }
    out
}

/// The CRL holds whole seconds.
fn whole(state: RevocationState) -> RevocationState {
    match state {
        RevocationState::Withdrawn { reason, since } => RevocationState::Withdrawn {
            reason,
            since: x509::whole_seconds(since),
        },
        RevocationState::Suspended { since } => RevocationState::Suspended {
            since: x509::whole_seconds(since),
        },
    }
}

fn describe(state: RevocationState) -> String {
    match state {
        RevocationState::Withdrawn { reason, since } => format!(
            "revoked ({}) since {}",
            format!("{reason:?}").to_lowercase(),
            format_instant(since)
        ),
        RevocationState::Suspended { since } => {
            format!("on hold since {}", format_instant(since))
        }
    }
}
