//! The history walk of [`super::verify_history`]: commit signatures, append-only files and the
//! ledger lines each commit adds, read from the difference to the parent commit only.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use git2::{Delta, ObjectType, Oid, Repository, Tree};
use ssh_key::PublicKey;

use super::forum::{CrlSeen, Touched};
use super::rules::{Rule, appended_at, first_differing_line, is_sha256_hex, rule};
use super::{AuditError, Finding, FindingKind, Live, finding};
use crate::ledger::{self, LedgerLine};
use crate::state::{FORUM_ALLOWED_SIGNERS, SCOPES_DIR, SUBJECTS_DIR};
use crate::{CommitId, Error as StoreError, Registry};
use scs_cert::sig::{Fingerprint, Namespace};
use scs_cert::spec::Spec;
use scs_cert::subject::Subject;
use scs_cert::subject::record::{self as subjects, SubjectRecord};
use scs_cert::trust::AllowedSigners;

/// The subjects of one `subjects/` tree: names, report-signing trust, keys by fingerprint.
struct SubjectsAt {
    names: BTreeSet<Subject>,
    /// `None` when the records do not form a trust (reported once as unreadable).
    trust: Option<AllowedSigners>,
    keys: HashMap<String, PublicKey>,
}

/// Ledger text a commit adds to one file.
struct Addition {
    path: String,
    text: Vec<u8>,
    /// 1-based line number of the text's first line in the file.
    first_line: usize,
    /// The file was rewritten: lines equal to a live line of the file are kept, not re-added.
    rewrite: bool,
}

pub(super) struct Walker<'r> {
    registry: &'r Registry,
    pub(super) repo: &'r Repository,
    findings: Vec<Finding>,
    allowed: HashMap<Oid, Rc<Result<AllowedSigners, String>>>,
    subjects: HashMap<Oid, Rc<SubjectsAt>>,
    scopes: HashMap<Oid, Rc<BTreeSet<String>>>,
    /// Unreadable records (by blob or tree id) already reported.
    reported: HashSet<Oid>,
    entries: Vec<Option<Live>>,
    runs: HashMap<String, usize>,
    by_path: HashMap<String, Vec<usize>>,
    /// The newest CRL accepted so far.
    pub(super) crl: Option<CrlSeen>,
}

fn git(operation: &'static str) -> impl Fn(git2::Error) -> AuditError {
    move |e| AuditError::git(operation, &e)
}

impl<'r> Walker<'r> {
    pub(super) fn new(registry: &'r Registry) -> Walker<'r> {
        Walker {
            registry,
            repo: registry.repository(),
            findings: Vec::new(),
            allowed: HashMap::new(),
            subjects: HashMap::new(),
            scopes: HashMap::new(),
            reported: HashSet::new(),
            entries: Vec::new(),
            runs: HashMap::new(),
            by_path: HashMap::new(),
            crl: None,
        }
    }

    /// Every key of every readable `keys/allowed_signers` the walk judged a commit by, and of
    /// the one at `head` (which the next change and the certificate records are judged by):
    /// everything the history's signatures rest on.
    pub(super) fn forum_keys(
        &mut self,
        head: Option<CommitId>,
    ) -> Result<BTreeSet<Fingerprint>, AuditError> {
        if let Some(head) = head {
            let tree = self
                .repo
                .find_commit(head.oid())
                .and_then(|c| c.tree())
                .map_err(git("read a commit tree"))?;
            self.allowed_signers(&tree)?;
        }
        Ok(self
            .allowed
            .values()
            .filter_map(|a| a.as_ref().as_ref().ok())
            .flat_map(|a| a.entries().iter().map(|e| Fingerprint::of(e.key())))
            .collect())
    }

    /// The live ledger lines (those at the last commit walked) and the findings so far.
    pub(super) fn finish(self) -> (Vec<Live>, Vec<Finding>) {
        (self.entries.into_iter().flatten().collect(), self.findings)
    }

    pub(super) fn report(
        &mut self,
        position: usize,
        path: Option<&str>,
        kind: FindingKind,
        msg: String,
    ) {
        self.findings.push(finding(position, path, kind, msg));
    }

    /// Checks one commit, the next on the first-parent chain.
    pub(super) fn commit(&mut self, position: usize, id: CommitId) -> Result<(), AuditError> {
        let commit = self
            .repo
            .find_commit(id.oid())
            .map_err(git("read a commit"))?;
        if commit.parent_count() > 1 {
            self.report(
                position,
                None,
                FindingKind::MergeCommit,
                format!(
                    "the commit has {} parents; registry history is linear (checked against the first parent)",
                    commit.parent_count()
                ),
            );
        }
        let tree = commit.tree().map_err(git("read a commit tree"))?;
        let parent_tree = if commit.parent_count() > 0 {
            Some(
                commit
                    .parent(0)
                    .and_then(|p| p.tree())
                    .map_err(git("read the parent commit"))?,
            )
        } else {
            None
        };
        // The signers in force before the change judge it; the first commit brings its own.
        self.check_signature(position, id, parent_tree.as_ref().unwrap_or(&tree))?;
        let touched = self.check_changes(position, parent_tree.as_ref(), &tree)?;
        let time =
            scs_cert::time::Instant::from_timestamp(commit.time().seconds(), 0).unwrap_or_default();
        self.check_crl(position, &tree, time, &touched)?;
        self.check_signers(position, &tree, &touched)
    }

    fn check_signature(
        &mut self,
        position: usize,
        id: CommitId,
        judge: &Tree<'_>,
    ) -> Result<(), AuditError> {
        let allowed = self.allowed_signers(judge)?;
        let path = Some(FORUM_ALLOWED_SIGNERS);
        let allowed = match &*allowed {
            Ok(a) => a,
            Err(why) => {
                let msg = format!("the commit cannot be judged: {why}");
                self.report(position, path, FindingKind::AllowedSignersUnreadable, msg);
                return Ok(());
            }
        };
        match self.registry.verify_commit_signature(id, allowed) {
            Ok(_) => {}
            Err(StoreError::UnsignedCommit { .. }) => self.report(
                position,
                None,
                FindingKind::UnsignedCommit,
                "the commit is not signed (every registry change is signed by a forum key)".into(),
            ),
            Err(StoreError::BadCommitSignature { source, .. }) => self.report(
                position,
                None,
                FindingKind::BadCommitSignature,
                format!("the commit signature is bad: {source}"),
            ),
            Err(StoreError::SignerNotAllowed {
                fingerprint,
                refusal,
                ..
            }) => self.report(
                position,
                path,
                FindingKind::SignerNotAllowed,
                format!(
                    "signed by {fingerprint}, but {refusal} (the forum signers in force before this commit)"
                ),
            ),
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    pub(super) fn allowed_signers(
        &mut self,
        tree: &Tree<'_>,
    ) -> Result<Rc<Result<AllowedSigners, String>>, AuditError> {
        let Some(oid) = blob_at(tree, FORUM_ALLOWED_SIGNERS) else {
            return Ok(Rc::new(Err(format!("there is no {FORUM_ALLOWED_SIGNERS}"))));
        };
        if let Some(cached) = self.allowed.get(&oid) {
            return Ok(Rc::clone(cached));
        }
        let blob = self.repo.find_blob(oid).map_err(git("read a file"))?;
        let parsed = std::str::from_utf8(blob.content())
            .map_err(|_| format!("{FORUM_ALLOWED_SIGNERS} is not UTF-8 text"))
            .and_then(|text| {
                AllowedSigners::parse(text, FORUM_ALLOWED_SIGNERS).map_err(|e| e.to_string())
            });
        let parsed = Rc::new(parsed);
        self.allowed.insert(oid, Rc::clone(&parsed));
        Ok(parsed)
    }

    /// Append-only and write-once files, and the ledger lines the commit adds; which of the
    /// forum's files it touched.
    fn check_changes(
        &mut self,
        position: usize,
        parent: Option<&Tree<'_>>,
        tree: &Tree<'_>,
    ) -> Result<Touched, AuditError> {
        // No rename detection (git2 does none unless asked): a moved file is a deletion.
        let diff = self
            .repo
            .diff_tree_to_tree(parent, Some(tree), None)
            .map_err(git("compare a commit with its parent"))?;
        let mut removed: Vec<String> = Vec::new();
        let mut additions: Vec<Addition> = Vec::new();
        let mut touched = Touched::default();
        for delta in diff.deltas() {
            let file = match delta.status() {
                Delta::Deleted => delta.old_file(),
                _ => delta.new_file(),
            };
            let Some(path) = file.path().map(|p| p.to_string_lossy().into_owned()) else {
                continue;
            };
            touched.note(&path);
            let rule = rule(&path);
            if rule == Rule::Free {
                continue;
            }
            match delta.status() {
                Delta::Deleted => {
                    self.report(
                        position,
                        Some(&path),
                        FindingKind::FileDeleted,
                        "the file was deleted; ledgers and certificates are only ever appended to"
                            .into(),
                    );
                    if rule == Rule::Ledger {
                        removed.push(path);
                    }
                }
                Delta::Added if rule == Rule::Ledger => {
                    let text = self.blob(delta.new_file().id())?;
                    additions.push(Addition {
                        path,
                        text,
                        first_line: 1,
                        rewrite: false,
                    });
                }
                Delta::Added => {
                    if rule == Rule::AppendOnly {
                        let text = self.blob(delta.new_file().id())?;
                        touched.events.push((path, text));
                    }
                }
                _ if rule == Rule::WriteOnce => self.report(
                    position,
                    Some(&path),
                    FindingKind::ImmutableFileChanged,
                    "the file changed; certificate signatures and X.509 certificates are written once"
                        .into(),
                ),
                _ => {
                    let old = self.blob(delta.old_file().id())?;
                    let new = self.blob(delta.new_file().id())?;
                    if let Some(at) = appended_at(&old, &new) {
                        if rule == Rule::AppendOnly {
                            touched.events.push((path.clone(), new[at..].to_vec()));
                        }
                        if rule == Rule::Ledger {
                            let first_line = 1 + old.iter().filter(|&&b| b == b'\n').count();
                            additions.push(Addition {
                                path,
                                text: new[at..].to_vec(),
                                first_line,
                                rewrite: false,
                            });
                        }
                    } else {
                        let line = first_differing_line(&old, &new);
                        self.report(
                            position,
                            Some(&path),
                            FindingKind::NotAppendOnly,
                            format!(
                                "the file was rewritten from line {line} on; it may only be appended to"
                            ),
                        );
                        if rule == Rule::Ledger {
                            removed.push(path.clone());
                            additions.push(Addition {
                                path,
                                text: new,
                                first_line: 1,
                                rewrite: true,
                            });
                        }
                    }
                }
            }
        }
        // Removals first: a line may move from one file to another within a commit.
        let mut previous: HashMap<(String, String), Live> = HashMap::new();
        for path in removed {
            for index in self.by_path.remove(&path).unwrap_or_default() {
                if let Some(live) = self.entries.get_mut(index).and_then(Option::take) {
                    self.runs.remove(&live.line.run);
                    previous.insert((path.clone(), live.line.run.clone()), live);
                }
            }
        }
        if additions.is_empty() {
            return Ok(touched);
        }
        let subjects = self.subjects_at(position, tree)?;
        let scopes = self.scopes_at(position, tree)?;
        let forum = self.allowed_signers(tree)?;
        let forum = forum.as_ref().as_ref().ok();
        for addition in additions {
            self.check_addition(
                position,
                &addition,
                &subjects,
                &scopes,
                forum,
                &mut previous,
            );
        }
        Ok(touched)
    }

    pub(super) fn blob(&self, oid: Oid) -> Result<Vec<u8>, AuditError> {
        let blob = self.repo.find_blob(oid).map_err(git("read a file"))?;
        Ok(blob.content().to_vec())
    }

    fn check_addition(
        &mut self,
        position: usize,
        addition: &Addition,
        subjects: &SubjectsAt,
        scopes: &BTreeSet<String>,
        forum: Option<&AllowedSigners>,
        previous: &mut HashMap<(String, String), Live>,
    ) {
        let path = addition.path.as_str();
        for (i, raw) in addition.text.split(|&b| b == b'\n').enumerate() {
            let number = addition.first_line + i;
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let line = match ledger::parse(path, raw) {
                Ok(mut lines) if lines.len() == 1 => lines.remove(0),
                Ok(_) => continue,
                Err(e) => {
                    let msg = format!("line {number}: {}", e.message);
                    self.report(position, Some(path), FindingKind::MalformedLedgerLine, msg);
                    continue;
                }
            };
            if addition.rewrite
                && let Some(old) = previous.remove(&(path.to_owned(), line.run.clone()))
                && old.line == line
            {
                // Unchanged by the rewrite: still live, from the commit that added it.
                self.insert(old);
                continue;
            }
            if let Some(problem) = self.check_line(path, &line, subjects, scopes, forum) {
                let (kind, msg) = problem;
                let msg = format!("line {number} (run {}): {msg}", line.run);
                self.report(position, Some(path), kind, msg);
            }
            if let Some(&other) = self.runs.get(&line.run) {
                let first = self.entries.get(other).and_then(Option::as_ref);
                let msg = format!(
                    "line {number}: run {} is already recorded{}",
                    line.run,
                    first.map(|l| format!(" in {}", l.path)).unwrap_or_default()
                );
                self.report(position, Some(path), FindingKind::DuplicateRun, msg);
                continue;
            }
            self.insert(Live {
                line,
                position,
                path: path.to_owned(),
            });
        }
    }

    fn insert(&mut self, live: Live) {
        let index = self.entries.len();
        self.runs.insert(live.line.run.clone(), index);
        self.by_path
            .entry(live.path.clone())
            .or_default()
            .push(index);
        self.entries.push(Some(live));
    }

    /// The first thing wrong with a new line, if anything.
    fn check_line(
        &self,
        path: &str,
        line: &LedgerLine,
        subjects: &SubjectsAt,
        scopes: &BTreeSet<String>,
        forum: Option<&AllowedSigners>,
    ) -> Option<(FindingKind, String)> {
        // Its instants are RFC 3339: `ledger::parse` refuses a line whose are not.
        let malformed = |msg: String| Some((FindingKind::MalformedLedgerLine, msg));
        if !is_sha256_hex(&line.sha256) {
            return malformed(format!("sha256 {:?} is not a SHA-256 digest", line.sha256));
        }
        // "forum": a manual check the forum recorded itself (its key is checked with the
        // archive object, against keys/allowed_signers).
        if !matches!(line.signature.as_str(), "sshsig" | "sigstore" | "forum") {
            return malformed(format!("unknown signature kind {:?}", line.signature));
        }
        let expected = line.path();
        if expected != path {
            return Some((
                FindingKind::MisplacedLedgerLine,
                format!("the line belongs in {expected}"),
            ));
        }
        if !subjects.names.contains(&line.subject) {
            return Some((
                FindingKind::UnknownSubject,
                format!("subject {} has no readable record here", line.subject),
            ));
        }
        if !scopes.contains(&line.scope) {
            return Some((
                FindingKind::UnknownScope,
                format!("scope {} is not adopted here", line.scope),
            ));
        }
        if line.signature == "forum" {
            // A manual check: signed by a forum key allowed for manual checks when recorded.
            let received = line.received_at;
            let allowed = forum.is_some_and(|f| {
                f.entries().iter().any(|e| {
                    Fingerprint::of(e.key()).to_string() == line.signer
                        && f.authorize_key(e.key(), crate::manual::MANUAL_NAMESPACE, received)
                            .is_ok()
                })
            });
            if !allowed {
                return Some((
                    FindingKind::SignerNotBound,
                    format!(
                        "manual check signed by {}, which is not a forum key for manual checks",
                        line.signer
                    ),
                ));
            }
        }
        if line.signature == "sshsig"
            && let Some(trust) = &subjects.trust
        {
            let Some(key) = subjects.keys.get(&line.signer) else {
                return Some((
                    FindingKind::SignerNotBound,
                    format!("signer {} is bound to no subject", line.signer),
                ));
            };
            let received = line.received_at;
            if let Err(refusal) =
                trust.authorize(key, &line.subject, &Namespace::report(), received)
            {
                return Some((
                    FindingKind::SignerNotBound,
                    format!(
                        "signer {} may not sign for {} at {}: {refusal}",
                        line.signer,
                        line.subject,
                        scs_cert::time::format_instant(line.received_at)
                    ),
                ));
            }
        }
        None
    }

    fn subjects_at(
        &mut self,
        position: usize,
        tree: &Tree<'_>,
    ) -> Result<Rc<SubjectsAt>, AuditError> {
        let dir = subtree_at(tree, SUBJECTS_DIR);
        let key = dir.unwrap_or(Oid::ZERO_SHA1);
        if let Some(cached) = self.subjects.get(&key) {
            return Ok(Rc::clone(cached));
        }
        let mut records = Vec::new();
        for (name, oid) in self.yaml_files(dir)? {
            let path = format!("{SUBJECTS_DIR}/{name}.yaml");
            let parsed = std::str::from_utf8(&self.blob(oid)?)
                .map_err(|_| format!("{path} is not UTF-8 text"))
                .and_then(|t| SubjectRecord::parse(t, &name).map_err(|e| e.to_string()));
            match parsed {
                Ok(r) => records.push(r),
                Err(msg) => self.unreadable(position, oid, &path, msg),
            }
        }
        let trust = match subjects::trust(&records) {
            Ok(t) => Some(t),
            Err(e) => {
                self.unreadable(position, key, SUBJECTS_DIR, e.to_string());
                None
            }
        };
        let mut keys = HashMap::new();
        for r in &records {
            for k in &r.keys {
                if let Ok(key) = k.public_key(&r.subject) {
                    keys.insert(Fingerprint::of(&key).to_string(), key);
                }
            }
        }
        let at = Rc::new(SubjectsAt {
            names: records.into_iter().map(|r| r.subject).collect(),
            trust,
            keys,
        });
        self.subjects.insert(key, Rc::clone(&at));
        Ok(at)
    }

    fn scopes_at(
        &mut self,
        position: usize,
        tree: &Tree<'_>,
    ) -> Result<Rc<BTreeSet<String>>, AuditError> {
        let dir = subtree_at(tree, SCOPES_DIR);
        let key = dir.unwrap_or(Oid::ZERO_SHA1);
        if let Some(cached) = self.scopes.get(&key) {
            return Ok(Rc::clone(cached));
        }
        let mut uuids = BTreeSet::new();
        for (name, oid) in self.yaml_files(dir)? {
            let path = format!("{SCOPES_DIR}/{name}.yaml");
            let parsed = std::str::from_utf8(&self.blob(oid)?)
                .map_err(|_| format!("{path} is not UTF-8 text"))
                .and_then(|t| Spec::load(t, &path).map_err(|e| e.to_string()));
            match parsed {
                Ok(spec) => {
                    uuids.insert(spec.uuid().to_owned());
                }
                Err(msg) => self.unreadable(position, oid, &path, msg),
            }
        }
        let uuids = Rc::new(uuids);
        self.scopes.insert(key, Rc::clone(&uuids));
        Ok(uuids)
    }

    pub(super) fn unreadable(&mut self, position: usize, oid: Oid, path: &str, msg: String) {
        if self.reported.insert(oid) {
            self.report(position, Some(path), FindingKind::RecordUnreadable, msg);
        }
    }

    /// `(stem, blob)` of the `*.yaml` files directly in the tree `dir`.
    fn yaml_files(&self, dir: Option<Oid>) -> Result<Vec<(String, Oid)>, AuditError> {
        let Some(dir) = dir else {
            return Ok(Vec::new());
        };
        let tree = self.repo.find_tree(dir).map_err(git("read a folder"))?;
        Ok(tree
            .iter()
            .filter(|e| e.kind() == Some(ObjectType::Blob))
            .filter_map(|e| {
                let stem = e.name().ok()?.strip_suffix(".yaml")?.to_owned();
                Some((stem, e.id()))
            })
            .collect())
    }
}

pub(super) fn blob_at(tree: &Tree<'_>, path: &str) -> Option<Oid> {
    tree.get_path(std::path::Path::new(path))
        .ok()
        .filter(|e| e.kind() == Some(ObjectType::Blob))
        .map(|e| e.id())
}

pub(super) fn subtree_at(tree: &Tree<'_>, path: &str) -> Option<Oid> {
    tree.get_path(std::path::Path::new(path))
        .ok()
        .filter(|e| e.kind() == Some(ObjectType::Tree))
        .map(|e| e.id())
}
