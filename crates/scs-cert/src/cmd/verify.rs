//! `scs-cert verify`: a certificate checked as anyone holding it would.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use scs_cert::output::CertificateCheck;

use scs_cert::cert::CertificateId;
use scs_cert::cert::check::{self, Evidence};
use scs_cert::trust::AllowedSigners;
use scs_cli::{self as cli, Outcome, Tone};
use scs_registry::state;
use scs_registry::{Registry, certificates};

use crate::cli::VerifyArgs;
use crate::cmd::Ctx;

/// Largest file read.
const MAX_BYTES: usize = 4 * 1024 * 1024;

struct Gathered {
    record: Vec<u8>,
    signature: Vec<u8>,
    pem: Option<String>,
    keys: String,
    ca: Option<String>,
    crl: Option<String>,
    /// The registry's view, when a registry was used: the record as committed and the status
    /// its events give.
    registry_status: Option<(bool, String)>,
}

impl Gathered {
    /// Whether suspension and withdrawal were looked at: by the registry's events, or by a CRL.
    fn revocation(&self) -> &'static str {
        if self.registry_status.is_some() || self.crl.is_some() {
            "checked"
        } else {
            "not checked"
        }
    }
}

pub(crate) fn run(ctx: &Ctx, args: VerifyArgs) -> anyhow::Result<Outcome> {
    let at = args.at.map_or_else(|| ctx.now(), |t| t.instant());
    let g = match gather(ctx, &args, at)? {
        Some(g) => g,
        None => {
            say(
                ctx,
                &args,
                "checked",
                false,
                "unknown",
                &format!(
                    "{}: unknown: no such certificate in the registry",
                    args.certificate
                ),
            )?;
            return Ok(Outcome::Negative);
        }
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
    let revocation = g.revocation();
    let say =
        |valid: bool, status: &str, line: &str| say(ctx, &args, revocation, valid, status, line);
    match check::check(&evidence, at)? {
        Ok(valid) => {
            if let Some((in_history, status)) = &g.registry_status {
                if !in_history {
                    say(
                        false,
                        "forged",
                        &format!(
                            "{}: not verified: the registry history does not verify (run scs-cert registry verify)",
                            args.certificate
                        ),
                    )?;
                    return Ok(Outcome::Negative);
                }
                if status != "active" {
                    say(
                        false,
                        status,
                        &format!("{}: {status} according to the registry", valid.record.id()),
                    )?;
                    return Ok(Outcome::Negative);
                }
            }
            let r = &valid.record;
            let mut checked = vec!["record signature by a forum key"];
            if valid.x509_checked {
                checked.push("X.509 chain to the forum CA");
            }
            if valid.crl_number.is_some() {
                checked.push("CRL");
            }
            if g.registry_status.is_some() {
                checked.push("registry history");
            }
            let line = format!(
                "{} {}: {} {} for {} ({}), valid until {} [{}]",
                ctx.printer.paint("valid", Tone::Good),
                r.id(),
                r.scope().name,
                r.version(),
                r.subject_name(),
                r.holder(),
                scs_cert::time::format_instant(r.valid_until_at()),
                checked.join(", ")
            );
            if revocation != "checked" && args.require_crl {
                say(
                    false,
                    "revocation-not-checked",
                    &format!(
                        "{}: could not decide: revocation not checked (--require-crl without --crl)",
                        r.id()
                    ),
                )?;
                return Ok(Outcome::Error);
            }
            say(true, "active", &line)?;
            Ok(Outcome::Success)
        }
        Err(why) => {
            say(
                false,
                why.code(),
                &format!(
                    "{} {}: {why}",
                    ctx.printer.paint("invalid", Tone::Bad),
                    args.certificate
                ),
            )?;
            Ok(Outcome::Negative)
        }
    }
}

fn say(
    ctx: &Ctx,
    args: &VerifyArgs,
    revocation: &str,
    valid: bool,
    status: &str,
    line: &str,
) -> std::io::Result<()> {
    if args.json {
        ctx.printer.record(&CertificateCheck {
            certificate: args.certificate.clone(),
            valid,
            status: status.to_owned(),
            revocation: revocation.to_owned(),
            message: line.to_owned(),
        })
    } else {
        ctx.printer.result(line)
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

/// The evidence: from a registry (an id) or from files (a record path plus --keys/--crl/--ca).
fn gather(
    ctx: &Ctx,
    args: &VerifyArgs,
    at: scs_cert::time::Instant,
) -> anyhow::Result<Option<Gathered>> {
    let as_file = Path::new(&args.certificate);
    if args.keys.is_some() || as_file.is_file() {
        let keys_path = args.keys.clone().ok_or_else(|| {
            anyhow!("checking a record file needs --keys allowed_signers (and --crl crl.pem)")
        })?;
        let record = cli::read_input(as_file, MAX_BYTES)?;
        let signature = cli::read_input(&cli::with_suffix(as_file, ".sig"), MAX_BYTES)?;
        let pem_path = sibling(as_file, ".yaml", ".pem");
        let pem = pem_path
            .is_file()
            .then(|| read_text(&pem_path))
            .transpose()?;
        let ca_path = args
            .ca
            .clone()
            .unwrap_or_else(|| keys_path.with_file_name("forum-ca.pem"));
        let ca = ca_path.is_file().then(|| read_text(&ca_path)).transpose()?;
        let crl = args.crl.as_deref().map(read_text).transpose()?;
        if crl.is_none() {
            ctx.printer.warn(
                "revocation not checked: without --crl, suspension and withdrawal cannot be seen",
            );
        }
        return Ok(Some(Gathered {
            record,
            signature,
            pem,
            keys: read_text(&keys_path)?,
            ca,
            crl,
            registry_status: None,
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
    let in_history = audit.is_clean();
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
        registry_status: Some((in_history, status)),
    }))
}
