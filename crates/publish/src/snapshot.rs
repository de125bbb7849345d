//! Everything the site shows, read from the registry's last commit once, so that rendering
//! needs no store and every page sees the same commit.

use std::collections::BTreeMap;
use std::path::PathBuf;

use scs_cert::cert::CertificateId;
use scs_cert::eval::Evidence;
use scs_cert::subject::Subject;
use scs_cert::subject::record::SubjectRecord;
use scs_registry::certificates::{self, Held};
use scs_registry::forum::ForumConfig;
use scs_registry::ledger::{self, LedgerLine};
use scs_registry::state::{self, AdoptedScope, State};
use scs_registry::{CommitId, Registry};

use crate::Error;

/// One certificate with the files published beside its page.
#[derive(Debug)]
pub struct Certificate {
    /// Record, bytes and events.
    pub held: Held,
    /// The record's SSHSIG (`certificates/<ID>.yaml.sig`).
    pub signature: Vec<u8>,
    /// The X.509 certificate (`certificates/<ID>.pem`).
    pub pem: Vec<u8>,
    /// The events file as committed (empty when there are none).
    pub events: Vec<u8>,
}

/// The ledger of one subject and scope, with its evidence for the engine.
#[derive(Debug)]
pub struct Ledger {
    /// Every line, in file order.
    pub lines: Vec<LedgerLine>,
    /// The same as evidence.
    pub evidence: Vec<Evidence>,
}

/// The registry at one commit, as the site needs it.
#[derive(Debug)]
pub struct Snapshot {
    /// The commit read.
    pub commit: CommitId,
    /// `forum.toml`.
    pub forum: ForumConfig,
    /// Adopted scopes by uuid.
    pub scopes: BTreeMap<String, AdoptedScope>,
    /// Subject records.
    pub subjects: BTreeMap<Subject, SubjectRecord>,
    /// Certificates by id.
    pub certificates: BTreeMap<CertificateId, Certificate>,
    /// Ledgers by (subject, scope uuid); only pairs with lines.
    pub ledgers: BTreeMap<(Subject, String), Ledger>,
    /// `crl.pem`, if issued.
    pub crl_pem: Option<Vec<u8>>,
    /// `keys/allowed_signers`.
    pub allowed_signers: Vec<u8>,
    /// `keys/forum-ca.pem`.
    pub forum_ca: Vec<u8>,
    /// Where the raw signed bodies are (outside git); may be absent in a clone.
    pub archive_dir: PathBuf,
}

impl Snapshot {
    /// Reads the registry at its last commit.
    ///
    /// # Errors
    ///
    /// An empty registry, unreadable or broken files.
    pub fn load(registry: &Registry) -> Result<Snapshot, Error> {
        let commit = registry.head()?.ok_or(Error::EmptyRegistry)?;
        let State {
            forum,
            scopes,
            subjects,
            ..
        } = State::load(registry)?;
        let mut certs = BTreeMap::new();
        for (id, held) in certificates::load(registry)? {
            let read = |path: String| registry.read(&path).map(Option::unwrap_or_default);
            let signature = read(id.signature_path())?;
            let pem = read(id.pem_path())?;
            let events = read(id.events_path())?;
            certs.insert(
                id,
                Certificate {
                    held,
                    signature,
                    pem,
                    events,
                },
            );
        }
        let mut ledgers = BTreeMap::new();
        for line in state::all_ledger_lines(registry)? {
            ledgers
                .entry((line.subject.clone(), line.scope.clone()))
                .or_insert_with(Vec::new)
                .push(line);
        }
        let ledgers = ledgers
            .into_iter()
            .map(|(key, lines)| {
                let evidence = ledger::evidence(&lines);
                (key, Ledger { lines, evidence })
            })
            .collect();
        let required = |path: &'static str| -> Result<Vec<u8>, Error> {
            registry
                .read(path)?
                .ok_or(Error::State(state::StateError::Missing { path }))
        };
        Ok(Snapshot {
            commit,
            forum,
            scopes,
            subjects,
            certificates: certs,
            ledgers,
            crl_pem: registry.read(state::CRL)?,
            allowed_signers: required(state::FORUM_ALLOWED_SIGNERS)?,
            forum_ca: required(state::FORUM_CA)?,
            archive_dir: registry.archive_dir(),
        })
    }

    /// The evidence of `subject` for scope `uuid` (empty when it has none).
    pub fn evidence(&self, subject: &Subject, uuid: &str) -> &[Evidence] {
        self.ledgers
            .get(&(subject.clone(), uuid.to_owned()))
            .map_or(&[], |l| l.evidence.as_slice())
    }

    /// The archived signed body named by its SHA-256, if this copy has it and its bytes have
    /// that digest (the history check leaves the archive to its readers).
    pub fn body(&self, sha256: &str) -> Option<Vec<u8>> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let path = ledger::archive_path(&self.archive_dir, sha256);
        scs_cert::file::read_regular(&path)
            .ok()
            .filter(|bytes| scs_cert::digest::sha256_hex(bytes).eq_ignore_ascii_case(sha256))
    }
}
