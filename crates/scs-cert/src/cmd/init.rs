//! `scs-cert init`

use anyhow::{Context as _, bail};
use scs_cert::output::ChangeRecord;
use scs_cert::{seed, sig};
use scs_cli::{self as cli, Outcome};
use scs_registry::admin;
use scs_registry::forum::{ForumConfig, ForumSigner, Identity, Policy};

use crate::cli::InitArgs;
use crate::cmd::{Ctx, KEY_SETTING};

pub(crate) fn run(ctx: &Ctx, args: InitArgs) -> anyhow::Result<Outcome> {
    let now = ctx.now();
    let (key, existing) = match &args.use_key {
        Some(path) => (
            cli::load_signing_key(path, None)?,
            Some(path.canonicalize()?),
        ),
        None => (sig::SigningKey::generate(&args.signer_email)?, None),
    };
    let passphrase = if args.ask_passphrase && existing.is_none() {
        let first = cli::prompt_passphrase("Passphrase for the new forum key: ")?;
        let again = cli::prompt_passphrase("The same passphrase again: ")?;
        if *first != *again {
            bail!("the passphrases differ; nothing was created");
        }
        Some(first)
    } else {
        None
    };
    let forum = ForumConfig {
        forum: Identity {
            name: args.name,
            legal_name: args.legal_name,
            city: args.city,
            status_base_url: args.status_base_url,
        },
        signers: vec![ForumSigner {
            name: args.signer_name,
            role: args.signer_role,
            email: args.signer_email,
            key: key.public_line(),
        }],
        policy: Policy::default(),
        publishing: Default::default(),
    };
    let scopes = [
        ("scs-compatible-iaas", seed::IAAS_SPEC),
        ("scs-compatible-kaas", seed::KAAS_SPEC),
    ];
    let (registry, commit) = admin::init(&args.dir, &forum, &key, &scopes, now)
        .with_context(|| format!("while creating the registry {}", cli::shown(&args.dir)))?;
    // The private key never enters the registry or its history: a generated key lives in the
    // clone's .git folder, and only its path goes into the clone's local settings.
    let key_path = match existing {
        Some(p) => p,
        None => {
            let p = registry
                .root()
                .join(".git")
                .join("scs-cert")
                .join("forum-key");
            std::fs::create_dir_all(p.parent().unwrap_or(registry.root()))?;
            sig::write_key_pair(&p, &key, passphrase.as_ref().map(|p| p.as_bytes())).with_context(|| {
                format!(
                    "the registry was created but its key could not be saved to {}; remove {} and run init again",
                    cli::shown(&p),
                    cli::shown(&args.dir)
                )
            })?;
            p
        }
    };
    registry.set_local_setting(KEY_SETTING, &key_path.display().to_string())?;
    let summary = format!(
        "created registry {} (commit {commit})\n  forum key: {} (kept out of the registry; back it up)\n  scopes: scs-compatible-iaas, scs-compatible-kaas",
        cli::shown(&registry.root()),
        cli::shown(&key_path)
    );
    if args.json {
        let summary = format!("{summary}\n  public key: {}", key.public_line());
        let record = ChangeRecord::new("init", Some(commit.to_string()), summary);
        ctx.changed(true, &record)?;
    } else {
        ctx.printer.info(&summary);
        ctx.printer.result(&key.public_line())?;
    }
    Ok(Outcome::Success)
}
