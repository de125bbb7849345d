//! SSH-signed commits as `git commit -S` with `gpg.format=ssh` makes them, and their check as
//! `git verify-commit` with `gpg.ssh.allowedSignersFile` does it.
//!
//! Signing: `git_commit_create_buffer` with an explicit author and committer, an SSHSIG over
//! that buffer in namespace `git` (PROTOCOL.sshsig; git's `sign_buffer_ssh` runs
//! `ssh-keygen -Y sign -n git`), stored in the `gpgsig` header by `git_commit_create_with_signature`.
//! The armored signature goes in without its final newline: with it, libgit2 writes an extra
//! continuation line, which git accepts but `git commit -S` never writes.
//!
//! Checking: git (gpg-interface.c `verify_ssh_signed_buffer`) looks the principal up by key
//! (`ssh-keygen -Y find-principals`) and verifies with `-Overify-time=` set to the committer
//! time, so a line counts if it carries the key, allows namespace `git`, and is valid at the
//! committer time. Which principal the line names does not matter to git, nor here.

use chrono::{DateTime, TimeZone, Utc};
use git2::{ErrorCode, Repository};

use super::{CommitId, Error};
use scs_cert::sig::{self, Fingerprint, Namespace, Signature, SigningKey};
use scs_cert::time::Instant;
use scs_cert::trust::{AllowedSigners, SignerRefusal};

/// Author and committer of a registry commit. Passed in, never read from git config or the
/// clock, so the same change signed by the same key at the same time has the same commit id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitIdentity {
    name: String,
    email: String,
    time: Instant,
}

/// What is wrong with a [`CommitIdentity`] field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityProblem {
    /// Empty, or with leading or trailing white space (git trims it, which would change the id).
    #[error("is empty or has leading or trailing white space")]
    Blank,
    /// Contains `<`, `>` or a control character, which would break the commit header.
    #[error("contains '<', '>' or a control character")]
    BadCharacter,
}

impl CommitIdentity {
    /// An identity for commits made at `time` (whole seconds; git stores no fractions).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidIdentity`] when the name or e-mail is blank or contains `<`, `>` or a
    /// control character.
    pub fn new(name: &str, email: &str, time: Instant) -> Result<CommitIdentity, Error> {
        for (field, value) in [("name", name), ("email", email)] {
            let problem = if value.is_empty() || value.trim() != value {
                Some(IdentityProblem::Blank)
            } else if value
                .chars()
                .any(|c| c == '<' || c == '>' || c.is_control())
            {
                Some(IdentityProblem::BadCharacter)
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(Error::InvalidIdentity {
                    field,
                    value: value.chars().take(200).collect(),
                    problem,
                });
            }
        }
        Ok(CommitIdentity {
            name: name.to_owned(),
            email: email.to_owned(),
            time,
        })
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The e-mail address.
    pub fn email(&self) -> &str {
        &self.email
    }

    /// The commit time.
    pub fn time(&self) -> Instant {
        self.time
    }

    /// The git signature (UTC, offset +0000).
    pub(crate) fn to_git(&self) -> Result<git2::Signature<'static>, Error> {
        let time = git2::Time::new(self.time.timestamp(), 0);
        git2::Signature::new(&self.name, &self.email, &time)
            .map_err(|e| Error::git("make the commit signature", &e))
    }
}

/// Signs a commit buffer and writes the signed commit object. Refs are not touched.
pub(crate) fn write_signed_commit(
    repo: &Repository,
    buffer: &[u8],
    signer: &SigningKey,
) -> Result<CommitId, Error> {
    let content = std::str::from_utf8(buffer).map_err(|_| Error::InvalidMessage)?;
    let signature =
        sig::sign(signer, &Namespace::git(), buffer).map_err(|source| Error::Sign { source })?;
    let armored = signature.to_armored();
    repo.commit_signed(content, armored.trim_end(), None)
        .map(CommitId)
        .map_err(|e| Error::git("write the signed commit", &e))
}

/// See [`super::Registry::verify_commit_signature`].
pub(crate) fn verify_commit(
    repo: &Repository,
    commit: CommitId,
    allowed: &AllowedSigners,
) -> Result<Fingerprint, Error> {
    let found = repo
        .find_commit(commit.0)
        .map_err(|e| Error::git("find the commit", &e))?;
    let committed = committer_time(&found);
    let (armored, signed) = match repo.extract_signature(&commit.0, None) {
        Ok(pair) => pair,
        Err(e) if e.code() == ErrorCode::NotFound => return Err(Error::UnsignedCommit { commit }),
        Err(e) => return Err(Error::git("extract the commit signature", &e)),
    };
    let bad = |source| Error::BadCommitSignature { commit, source };
    let signature = Signature::from_armored(&armored).map_err(bad)?;
    signature.verify(&Namespace::git(), &signed).map_err(bad)?;
    let key = signature.public_key();
    let fingerprint = Fingerprint::of(&key);
    match allowed_at(allowed, &key, committed) {
        Ok(()) => Ok(fingerprint),
        Err(refusal) => Err(Error::SignerNotAllowed {
            commit,
            fingerprint,
            refusal,
        }),
    }
}

/// The committer time of a commit, as git passes it to `ssh-keygen -Overify-time`.
pub(crate) fn committer_time(commit: &git2::Commit<'_>) -> Instant {
    let seconds = commit.committer().when().seconds();
    Utc.timestamp_opt(seconds, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Whether some line carries `key`, allows namespace `git` and is valid at `at`.
fn allowed_at(
    allowed: &AllowedSigners,
    key: &ssh_key::PublicKey,
    at: Instant,
) -> Result<(), SignerRefusal> {
    allowed.authorize_key(key, "git", at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_validation() {
        let t = Utc.with_ymd_and_hms(2026, 8, 21, 10, 0, 0).unwrap();
        let ok = CommitIdentity::new("SCS Forum", "forum@example.org", t).unwrap();
        assert_eq!(
            (ok.name(), ok.email(), ok.time()),
            ("SCS Forum", "forum@example.org", t)
        );
        for (name, email, field, problem) in [
            ("", "a@b", "name", IdentityProblem::Blank),
            (" x", "a@b", "name", IdentityProblem::Blank),
            ("x", "a@b\n", "email", IdentityProblem::Blank),
            ("x<y", "a@b", "name", IdentityProblem::BadCharacter),
            ("x", "a>b", "email", IdentityProblem::BadCharacter),
            ("x\ny", "a@b", "name", IdentityProblem::BadCharacter),
        ] {
            match CommitIdentity::new(name, email, t) {
                Err(Error::InvalidIdentity {
                    field: f,
                    problem: p,
                    ..
                }) => assert_eq!((f, p), (field, problem), "{name:?} {email:?}"),
                other => panic!("{name:?} {email:?}: {other:?}"),
            }
        }
    }
}
