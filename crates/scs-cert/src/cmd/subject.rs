//! `scs-cert subject …`

use anyhow::Context as _;
use scs_cert::output::{ChangeRecord, SubjectEntry};
use scs_cert::subject::Subject;
use scs_cert::subject::record::{self as subjects, BoundKey, SubjectRecord};
use scs_cert::time::format_instant;
use scs_cert::trust::Bootstrap;
use scs_cli::{self as cli, Outcome};
use scs_registry::admin;

use crate::cli::{KeyCommand, SubjectCommand};
use crate::cmd::Ctx;

/// Largest bootstrap file read.
const MAX_BOOTSTRAP_BYTES: usize = 16 * 1024 * 1024;

pub(crate) fn run(ctx: &Ctx, command: SubjectCommand) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let now = ctx.now();
    match command {
        SubjectCommand::Add(a) => {
            let subject: Subject = a.subject.parse()?;
            if state.subjects.contains_key(&subject) {
                return Err(admin::AdminError::SubjectExists { subject }.into());
            }
            let at = a.at.map_or(now, |t| t.instant());
            let mut record = SubjectRecord::new(subject.clone());
            record.name = a.display.name;
            record.operator = a.display.operator;
            record.description = a.display.description;
            record.group = a.display.group;
            record.health_monitor = a.display.health_monitor;
            record.delegates = a
                .delegates
                .iter()
                .map(|d| d.parse())
                .collect::<Result<_, _>>()?;
            record.keys = a
                .keys
                .iter()
                .map(|k| BoundKey {
                    key: k.trim().to_owned(),
                    name: None,
                    added: format_instant(at),
                    retired: None,
                })
                .collect();
            let key = ctx.signing_key(&registry)?;
            let commit = admin::save_subject(
                &registry,
                &state,
                &record,
                &format!("add subject {subject}"),
                &key,
                now,
            )?;
            let mut record = ChangeRecord::new(
                "subject add",
                Some(commit.to_string()),
                format!("added subject {subject} (commit {commit})"),
            );
            record.subject = Some(subject.to_string());
            ctx.changed(a.json, &record)?;
        }
        SubjectCommand::Show(a) => {
            let subject: Subject = a.subject.parse()?;
            let entry = SubjectEntry::new(state.subject(&subject)?);
            if a.json {
                ctx.printer.record(&entry)?;
            } else {
                for line in show(&entry, now) {
                    ctx.printer.result(&line)?;
                }
            }
        }
        SubjectCommand::Set(a) => {
            let subject: Subject = a.subject.parse()?;
            let mut record = state.subject(&subject)?.clone();
            let mut changed = Vec::new();
            for (field, value, slot) in [
                ("name", a.display.name, &mut record.name),
                ("operator", a.display.operator, &mut record.operator),
                (
                    "description",
                    a.display.description,
                    &mut record.description,
                ),
                ("group", a.display.group, &mut record.group),
                (
                    "health monitor",
                    a.display.health_monitor,
                    &mut record.health_monitor,
                ),
            ] {
                let Some(value) = value else { continue };
                // An empty value removes the field.
                let value = Some(value).filter(|v| !v.is_empty());
                if *slot != value {
                    *slot = value;
                    changed.push(field);
                }
            }
            if changed.is_empty() {
                let mut record = ChangeRecord::new(
                    "subject set",
                    None,
                    format!("nothing to change: {subject} says so already"),
                );
                record.subject = Some(subject.to_string());
                ctx.changed(a.json, &record)?;
                return Ok(Outcome::Success);
            }
            let key = ctx.signing_key(&registry)?;
            let commit = admin::save_subject(
                &registry,
                &state,
                &record,
                &format!("set the {} of {subject}", changed.join(", ")),
                &key,
                now,
            )?;
            let mut record = ChangeRecord::new(
                "subject set",
                Some(commit.to_string()),
                format!(
                    "set the {} of {subject} (commit {commit})",
                    changed.join(", ")
                ),
            );
            record.subject = Some(subject.to_string());
            ctx.changed(a.json, &record)?;
        }
        SubjectCommand::List => {
            let mut rows =
                vec![["SUBJECT", "NAME", "OPERATOR", "KEYS", "DELEGATES"].map(String::from)];
            for r in state.subjects.values() {
                let active = r.keys.iter().filter(|k| k.retired.is_none()).count();
                let delegates: Vec<String> = r.delegates.iter().map(ToString::to_string).collect();
                rows.push([
                    r.subject.to_string(),
                    r.name.clone().unwrap_or_else(|| "-".into()),
                    r.operator.clone().unwrap_or_else(|| "-".into()),
                    active.to_string(),
                    if delegates.is_empty() {
                        "-".into()
                    } else {
                        delegates.join(",")
                    },
                ]);
            }
            for line in cli::table(&rows) {
                ctx.printer.result(&line)?;
            }
        }
        SubjectCommand::Import(a) => {
            let bytes = cli::read_input(&a.file, MAX_BOOTSTRAP_BYTES)?;
            let text = String::from_utf8(bytes)
                .with_context(|| format!("{} is not UTF-8 text", cli::shown(&a.file)))?;
            let bootstrap = Bootstrap::parse(&text, &cli::shown(&a.file).to_string())?;
            let key = ctx.signing_key(&registry)?;
            let at = a.keys_valid_from.map_or(now, |t| t.instant());
            let redate = a.keys_valid_from.is_some();
            let imported =
                admin::import_bootstrap(&registry, &state, &bootstrap, &key, at, redate, now);
            let (created, updated, commit) = match imported {
                Err(admin::AdminError::NothingToChange) => {
                    let summary = format!(
                        "nothing to change: the registry already holds {} as it is",
                        cli::shown(&a.file)
                    );
                    ctx.changed(a.json, &ChangeRecord::new("subject import", None, summary))?;
                    return Ok(Outcome::Success);
                }
                r => r?,
            };
            let summary = format!(
                "imported {}: {created} new, {updated} updated subject(s) (commit {commit})",
                cli::shown(&a.file)
            );
            let record = ChangeRecord::new("subject import", Some(commit.to_string()), summary);
            ctx.changed(a.json, &record)?;
        }
        SubjectCommand::Key(KeyCommand::Add(a)) => {
            let subject: Subject = a.subject.parse()?;
            let line = if std::path::Path::new(&a.public_key).is_file() {
                std::fs::read_to_string(&a.public_key)
                    .with_context(|| format!("while reading {}", a.public_key))?
            } else {
                a.public_key.clone()
            };
            let at = a.at.map_or(now, |t| t.instant());
            let record = admin::bind_key(&state, &subject, &line, a.name.as_deref(), at)?;
            let key = ctx.signing_key(&registry)?;
            let commit = admin::save_subject(
                &registry,
                &state,
                &record,
                &format!("bind a key to {subject}"),
                &key,
                now,
            )?;
            let summary = format!(
                "bound the key to {subject} from {} (commit {commit})",
                format_instant(at)
            );
            let mut record =
                ChangeRecord::new("subject key add", Some(commit.to_string()), summary);
            record.subject = Some(subject.to_string());
            ctx.changed(a.json, &record)?;
        }
        SubjectCommand::Key(KeyCommand::Retire(a)) => {
            let subject: Subject = a.subject.parse()?;
            let at = a.at.map_or(now, |t| t.instant());
            let record = admin::retire_key(&state, &subject, &a.fingerprint, at)?;
            let key = ctx.signing_key(&registry)?;
            let commit = admin::save_subject(
                &registry,
                &state,
                &record,
                &format!("retire key {} of {subject}", a.fingerprint),
                &key,
                now,
            )?;
            let summary = format!(
                "retired the key of {subject} from {} (commit {commit})",
                format_instant(at)
            );
            let mut record =
                ChangeRecord::new("subject key retire", Some(commit.to_string()), summary);
            record.subject = Some(subject.to_string());
            ctx.changed(a.json, &record)?;
        }
        SubjectCommand::Sigstore(a) => {
            let subject: Subject = a.subject.parse()?;
            let mut record = state.subject(&subject)?.clone();
            let public_key = a
                .public_key
                .as_deref()
                .map(|p| {
                    String::from_utf8(cli::read_input(p, 64 * 1024)?)
                        .with_context(|| format!("{} is not UTF-8 text", cli::shown(&p)))
                })
                .transpose()?;
            if let Some(pem) = &public_key
                && !pem.contains("-----BEGIN PUBLIC KEY-----")
            {
                anyhow::bail!(
                    "{} is not a PEM public key",
                    cli::shown(&a.public_key.unwrap_or_default())
                );
            }
            let at = a.at.map_or(now, |t| t.instant());
            record.sigstore.push(subjects::SigstoreBinding {
                issuer: a.issuer,
                identity: a.identity,
                public_key,
                added: format_instant(at),
                retired: None,
            });
            let key = ctx.signing_key(&registry)?;
            let commit = admin::save_subject(
                &registry,
                &state,
                &record,
                &format!("bind a Sigstore signer to {subject}"),
                &key,
                now,
            )?;
            let summary = format!("bound the Sigstore signer to {subject} (commit {commit})");
            let mut record =
                ChangeRecord::new("subject sigstore", Some(commit.to_string()), summary);
            record.subject = Some(subject.to_string());
            ctx.changed(a.json, &record)?;
        }
        SubjectCommand::AllowedSigners => {
            let text = subjects::allowed_signers(&state.subject_records())?;
            ctx.printer.result(text.trim_end())?;
        }
    }
    Ok(Outcome::Success)
}

/// `scs-cert trusted-root FILE`: the registry's Sigstore trusted root.
pub(crate) fn trusted_root(
    ctx: &Ctx,
    args: crate::cli::TrustedRootArgs,
) -> anyhow::Result<Outcome> {
    let (registry, state) = ctx.open_state()?;
    let bytes = cli::read_input(&args.file, 4 * 1024 * 1024)?;
    #[cfg(feature = "sigstore")]
    scs_cert::sigstore::TrustedRoot::from_json(&bytes)
        .with_context(|| format!("{} is not a Sigstore trusted root", cli::shown(&args.file)))?;
    let key = ctx.signing_key(&registry)?;
    let now = ctx.now();
    let identity = admin::identity(&state.forum, &key, now)?;
    let mut change = registry.begin()?;
    change.write(scs_registry::state::SIGSTORE_TRUSTED_ROOT, &bytes)?;
    let commit = change.commit("set the Sigstore trusted root", &key, &identity)?;
    let summary = format!(
        "{} is the registry's Sigstore trusted root (commit {commit})",
        scs_registry::state::SIGSTORE_TRUSTED_ROOT
    );
    ctx.changed(
        args.json,
        &ChangeRecord::new("trusted-root", Some(commit.to_string()), summary),
    )?;
    Ok(Outcome::Success)
}

/// A subject for a reader: what is printed about it, then who may sign for it and since when.
fn show(entry: &SubjectEntry, now: scs_cert::time::Instant) -> Vec<String> {
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut rows: Vec<[String; 2]> = vec![
        ["name".into(), or_dash(&entry.name)],
        ["operator".into(), or_dash(&entry.operator)],
        ["description".into(), or_dash(&entry.description)],
        ["group".into(), or_dash(&entry.group)],
        ["health monitor".into(), or_dash(&entry.health_monitor)],
        [
            "delegates".into(),
            if entry.delegates.is_empty() {
                "-".into()
            } else {
                entry.delegates.join(", ")
            },
        ],
    ];
    let state_of = |from: &str, retired: &Option<String>| {
        let started = scs_cert::time::parse_instant(from).is_some_and(|t| t <= now);
        match retired {
            Some(r) => format!("retired {r} (bound {from})"),
            None if started => format!("valid from {from}"),
            None => format!("valid from {from} (not yet)"),
        }
    };
    for k in &entry.keys {
        rows.push([
            "key".into(),
            format!(
                "{}  {}  {}",
                k.fingerprint.as_deref().unwrap_or("(unreadable key)"),
                k.name.as_deref().unwrap_or("-"),
                state_of(&k.valid_from, &k.retired)
            ),
        ]);
    }
    if entry.keys.is_empty() {
        rows.push(["key".into(), "none: no report can be signed for it".into()]);
    }
    for s in &entry.sigstore {
        let who = match (&s.issuer, &s.identity) {
            (Some(issuer), Some(identity)) => format!("{identity} (issuer {issuer})"),
            _ => "a managed public key".into(),
        };
        rows.push([
            "sigstore".into(),
            format!("{who}  {}", state_of(&s.valid_from, &s.retired)),
        ]);
    }
    let mut lines = vec![entry.subject.clone()];
    lines.extend(cli::table(&rows).into_iter().map(|l| format!("  {l}")));
    lines
}
