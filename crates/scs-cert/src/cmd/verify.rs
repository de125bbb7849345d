//! `scs-cert verify`: a certificate checked as anyone holding it would.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use scs_cert::output::{CertificateCheck, CheckEntry};

use scs_cert::cert::check::{self, Evidence, Invalid, Step};
use scs_cert::cert::{CertificateId, CertificateRecord};
use scs_cert::sig::Fingerprint;
use scs_cert::trust::AllowedSigners;
use scs_cert::trust::pin::{self, PinMismatch};
use scs_cli::{self as cli, Outcome, Tone};
use scs_registry::state;
use scs_registry::{Registry, certificates};

use crate::cli::VerifyArgs;
use crate::cmd::Ctx;
use crate::cmd::registry::trusted_line;

/// The check that the registry's history verifies.
const REGISTRY_HISTORY: &str = "registry-history";
/// The check of the certificate's status by the registry's events.
const REGISTRY_STATUS: &str = "registry-status";
/// The check that the forum keys are the ones given with --expect-key.
const FORUM_KEYS: &str = "forum-keys";

/// Largest file read.
const MAX_BYTES: usize = 4 * 1024 * 1024;

struct Gathered {
    record: Vec<u8>,
    signature: Vec<u8>,
    pem: Option<String>,
    keys: String,
    ca: Option<String>,
    crl: Option<String>,
    /// The registry's view, when a registry was used.
    registry: Option<RegistryView>,
}

/// What the registry says beside the files: whether its history verifies, the certificate's
/// status by its events, and the forum keys the history rests on.
struct RegistryView {
    /// The first finding of the history check, if any.
    broken: Option<String>,
    status: String,
    forum_keys: BTreeSet<Fingerprint>,
}

impl Gathered {
    /// Whether suspension and withdrawal were looked at: by the registry's events, or by a CRL.
    fn revocation(&self) -> &'static str {
        if self.registry.is_some() || self.crl.is_some() {
            "checked"
        } else {
            "not checked"
        }
    }
}

/// The answer: its exit, the status code and the line saying it.
struct Answer {
    outcome: Outcome,
    status: String,
    line: String,
}

pub(crate) fn run(ctx: &Ctx, args: VerifyArgs) -> anyhow::Result<Outcome> {
    let at = args.at.map_or_else(|| ctx.now(), |t| t.instant());
    let Some(g) = gather(ctx, &args, at)? else {
        let line = format!(
            "{}: unknown: no such certificate in the registry",
            args.certificate
        );
        let check = CertificateCheck::new(
            args.certificate.clone(),
            at,
            false,
            "unknown",
            "checked",
            line,
        );
        emit(ctx, &args, check, None)?;
        return Ok(Outcome::Negative);
    };
    let forum_keys = AllowedSigners::parse(&g.keys, "allowed_signers")?;
    let evidence = Evidence {
        record: &g.record,
        signature: &g.signature,
        pem: g.pem.as_deref(),
        forum_keys: &forum_keys,
        ca: g.ca.as_deref(),
        crl: g.crl.as_deref(),
    };
    let answer = check::check(&evidence, at)?;
    let mut steps = check::steps(&evidence, &answer);
    // The record is read only once its signature by a forum key has verified.
    let record = match &answer {
        Ok(valid) => Some(valid.record.clone()),
        Err(Invalid::Forged { .. }) => None,
        Err(_) => CertificateRecord::parse(&String::from_utf8_lossy(&g.record), "record").ok(),
    };
    let mut trusted: BTreeSet<Fingerprint> = forum_keys
        .entries()
        .iter()
        .map(|e| Fingerprint::of(e.key()))
        .collect();
    if let Some(view) = &g.registry {
        trusted.extend(view.forum_keys.iter().copied());
        steps.push(match &view.broken {
            None => Step::passed(REGISTRY_HISTORY),
            Some(first) => Step::failed(REGISTRY_HISTORY, first),
        });
        steps.push(if view.status == "active" {
            Step::passed(REGISTRY_STATUS)
        } else {
            Step::failed(
                REGISTRY_STATUS,
                format!("{} according to the registry", view.status),
            )
        });
    } else {
        steps.push(Step::skipped(
            REGISTRY_HISTORY,
            "a record file, not an id in a registry",
        ));
        steps.push(Step::skipped(
            REGISTRY_STATUS,
            "a record file, not an id in a registry",
        ));
    }
    let expected: BTreeSet<Fingerprint> = args.expect_key.iter().copied().collect();
    let pin = (!expected.is_empty()).then(|| pin::check(&trusted, &expected));
    steps.push(match &pin {
        None => Step::skipped(FORUM_KEYS, "no --expect-key given"),
        Some(Ok(())) => Step::passed(FORUM_KEYS),
        Some(Err(mismatch)) => Step::failed(FORUM_KEYS, mismatch),
    });
    let revocation = g.revocation();
    let answer = decide(ctx, &args, &g, &answer, pin.as_ref());
    let mut out = CertificateCheck::new(
        args.certificate.clone(),
        at,
        answer.outcome == Outcome::Success,
        &answer.status,
        revocation,
        answer.line,
    );
    if let Some(r) = &record {
        out = out.record(r);
    }
    out.forum_keys = trusted.iter().map(ToString::to_string).collect();
    out.checks = steps.iter().map(CheckEntry::new).collect();
    let pinned = pin.as_ref().map(Result::is_ok);
    emit(ctx, &args, out, Some(trusted_line(&trusted, pinned)))?;
    Ok(answer.outcome)
}

/// The answer from the checks, most fundamental first: keys not as expected undo every other
/// answer; then the files' own verdict; then the registry's history and events.
fn decide(
    ctx: &Ctx,
    args: &VerifyArgs,
    g: &Gathered,
    answer: &Result<check::Valid, Invalid>,
    pin: Option<&Result<(), PinMismatch>>,
) -> Answer {
    let no = |status: &str, line: String| Answer {
        outcome: Outcome::Negative,
        status: status.to_owned(),
        line,
    };
    if let Some(Err(mismatch)) = pin {
        return no(
            "unexpected-forum-key",
            format!(
                "{} {}: not trusted: {mismatch}",
                ctx.printer.paint("invalid", Tone::Bad),
                args.certificate
            ),
        );
    }
    let valid = match answer {
        Ok(valid) => valid,
        Err(why) => {
            return no(
                why.code(),
                format!(
                    "{} {}: {why}",
                    ctx.printer.paint("invalid", Tone::Bad),
                    args.certificate
                ),
            );
        }
    };
    if let Some(view) = &g.registry {
        if view.broken.is_some() {
            return no(
                "forged",
                format!(
                    "{}: not verified: the registry history does not verify (run scs-cert registry verify)",
                    args.certificate
                ),
            );
        }
        if view.status != "active" {
            return no(
                &view.status,
                format!(
                    "{}: {} according to the registry",
                    valid.record.id(),
                    view.status
                ),
            );
        }
    }
    let r = &valid.record;
    if g.revocation() != "checked" && args.require_crl {
        return Answer {
            outcome: Outcome::Error,
            status: "revocation-not-checked".to_owned(),
            line: format!(
                "{}: could not decide: revocation not checked (--require-crl without a CRL)",
                r.id()
            ),
        };
    }
    let mut checked = vec!["record signature by a forum key"];
    if valid.x509_checked {
        checked.push("X.509 chain to the forum CA");
    }
    if valid.crl_number.is_some() {
        checked.push("CRL");
    }
    if g.registry.is_some() {
        checked.push("registry history");
    }
    Answer {
        outcome: Outcome::Success,
        status: "active".to_owned(),
        line: format!(
            "{} {}: {} {} for {} ({}), valid until {} [{}]",
            ctx.printer.paint("valid", Tone::Good),
            r.id(),
            r.scope().name,
            r.version(),
            r.subject_name(),
            r.holder(),
            scs_cert::time::format_instant(r.valid_until_at()),
            checked.join(", ")
        ),
    }
}

/// The answer as one JSON record, or as its line and the line naming the trusted keys.
fn emit(
    ctx: &Ctx,
    args: &VerifyArgs,
    check: CertificateCheck,
    keys_line: Option<String>,
) -> std::io::Result<()> {
    if args.json {
        ctx.printer.record(&check)
    } else {
        ctx.printer.result(&check.message)?;
        match keys_line {
            Some(line) => ctx.printer.result(&line),
            None => Ok(()),
        }
    }
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    let bytes = cli::read_input(path, MAX_BYTES)?;
    String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8 text", cli::shown(&path)))
}

fn sibling(path: &Path, from: &str, to: &str) -> PathBuf {
    let s = cli::shown(&path).to_string();
    PathBuf::from(match s.strip_suffix(from) {
        Some(stem) => format!("{stem}{to}"),
        None => format!("{s}{to}"),
    })
}

/// The nearest folder at or above the record file's folder that holds `keys/allowed_signers`:
/// the root of the clone (or published site) the record sits in.
fn copy_root(record: &Path) -> Option<PathBuf> {
    let file = record.canonicalize().ok()?;
    file.ancestors()
        .skip(1)
        .find(|dir| dir.join(state::FORUM_ALLOWED_SIGNERS).is_file())
        .map(Path::to_path_buf)
}

/// The evidence: from a registry (an id) or from files (a record path, with the keys, CA and
/// CRL named or found in the copy it sits in).
fn gather(
    ctx: &Ctx,
    args: &VerifyArgs,
    at: scs_cert::time::Instant,
) -> anyhow::Result<Option<Gathered>> {
    let as_file = Path::new(&args.certificate);
    if args.keys.is_some() || as_file.is_file() {
        // Named keys: only what is named counts. Otherwise the copy the record sits in.
        let (keys_path, default_ca, default_crl) = match &args.keys {
            Some(keys) => (keys.clone(), keys.with_file_name("forum-ca.pem"), None),
            None => {
                let root = copy_root(as_file).ok_or_else(|| {
                    anyhow!(
                        "{} is not inside a clone of a registry (no keys/allowed_signers above it): name the forum's keys with --keys allowed_signers (and --crl crl.pem)",
                        cli::shown(&as_file)
                    )
                })?;
                ctx.printer.info(&format!(
                    "checking with the forum keys, CA and CRL of {}",
                    cli::shown(&root)
                ));
                (
                    root.join(state::FORUM_ALLOWED_SIGNERS),
                    root.join(state::FORUM_CA),
                    Some(root.join(state::CRL)).filter(|p| p.is_file()),
                )
            }
        };
        let record = cli::read_input(as_file, MAX_BYTES)?;
        let signature = cli::read_input(&cli::with_suffix(as_file, ".sig"), MAX_BYTES)?;
        let pem_path = sibling(as_file, ".yaml", ".pem");
        let pem = pem_path
            .is_file()
            .then(|| read_text(&pem_path))
            .transpose()?;
        let ca_path = args.ca.clone().unwrap_or(default_ca);
        let ca = ca_path.is_file().then(|| read_text(&ca_path)).transpose()?;
        let crl = args
            .crl
            .clone()
            .or(default_crl)
            .as_deref()
            .map(read_text)
            .transpose()?;
        if crl.is_none() {
            ctx.printer.warn(
                "revocation not checked: without a CRL (--crl), suspension and withdrawal cannot be seen",
            );
        }
        return Ok(Some(Gathered {
            record,
            signature,
            pem,
            keys: read_text(&keys_path)?,
            ca,
            crl,
            registry: None,
        }));
    }
    let id: CertificateId = args.certificate.parse()?;
    let registry: Registry = ctx.open()?;
    let held = certificates::load(&registry)?;
    let Some(h) = held.get(&id) else {
        return Ok(None);
    };
    let read = |p: &str| -> anyhow::Result<Option<String>> {
        Ok(registry
            .read(p)?
            .map(|b| String::from_utf8_lossy(&b).into_owned()))
    };
    let signature = registry
        .read(&id.signature_path())?
        .ok_or_else(|| anyhow!("{id} has no signature in the registry"))?;
    let keys = read(state::FORUM_ALLOWED_SIGNERS)?
        .ok_or_else(|| anyhow!("the registry has no keys/allowed_signers"))?;
    if keys.is_empty() {
        bail!("the registry's keys/allowed_signers is empty");
    }
    let status = h.status_at(at).code().to_owned();
    // The record must be in a history that verifies (signed commits, append-only files).
    let audit = scs_registry::audit::verify_history(&registry, &Default::default())?;
    if let Some(first) = audit.first() {
        ctx.printer
            .warn(&format!("the registry history does not verify: {first}"));
    }
    Ok(Some(Gathered {
        record: h.bytes.clone(),
        signature,
        pem: read(&id.pem_path())?,
        keys,
        ca: read(state::FORUM_CA)?,
        crl: read(state::CRL)?,
        registry: Some(RegistryView {
            broken: audit.first().map(ToString::to_string),
            status,
            forum_keys: audit.forum_keys().clone(),
        }),
    }))
}
