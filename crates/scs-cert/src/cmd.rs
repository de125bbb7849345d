//! One module per subcommand, and what they share: finding the registry and the forum key.

pub(crate) mod attention;
pub(crate) mod demo;
pub(crate) mod eligible;
pub(crate) mod ingest;
pub(crate) mod init;
pub(crate) mod lifecycle;
pub(crate) mod manual;
pub(crate) mod publish;
pub(crate) mod registry;
pub(crate) mod render;
pub(crate) mod scope;
pub(crate) mod status;
pub(crate) mod subject;
pub(crate) mod verify;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow};
use scs_cert::output::ChangeRecord;
use scs_cert::sig::SigningKey;
use scs_cert::time::Instant;
use scs_cli::{self as cli, Printer};
use scs_registry::state::State;
use scs_registry::{Error as StoreError, Registry};

use crate::cli::GlobalArgs;

/// The local setting naming the forum's private key file.
pub(crate) const KEY_SETTING: &str = "scs-cert.key";

/// What every command needs: output, where the registry is, how to sign.
pub(crate) struct Ctx {
    pub(crate) printer: Printer,
    global: GlobalArgs,
}

impl Ctx {
    pub(crate) fn new(printer: Printer, global: GlobalArgs) -> Ctx {
        Ctx { printer, global }
    }

    /// `--registry`, else `SCS_REGISTRY`, else the registry the current directory lies in
    /// (walking up, as git does), else the current directory.
    pub(crate) fn registry_dir(&self) -> PathBuf {
        self.global
            .registry
            .clone()
            .or_else(|| cli::env_var("SCS_REGISTRY").map(PathBuf::from))
            .or_else(enclosing_registry)
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// Opens the registry, saying what to do when a crash left a change unfinished.
    pub(crate) fn open(&self) -> anyhow::Result<Registry> {
        let dir = self.registry_dir();
        Registry::open(&dir).map_err(|e| {
            let hint = match &e {
                StoreError::UnfinishedChange { .. } => {
                    "\n  hint: run `scs-cert registry recover` to go back to the last commit"
                }
                StoreError::NotARegistry { .. } => {
                    "\n  hint: create one with `scs-cert init DIR`, or name it with --registry DIR / SCS_REGISTRY"
                }
                _ => "",
            };
            anyhow!("{e}{hint}")
        })
    }

    /// The registry and its content at the last commit.
    pub(crate) fn open_state(&self) -> anyhow::Result<(Registry, State)> {
        let registry = self.open()?;
        let state = State::load(&registry).context("while reading the registry")?;
        Ok((registry, state))
    }

    /// The forum key: `--key`, else the key `init` recorded in this clone's local settings.
    pub(crate) fn signing_key(&self, registry: &Registry) -> anyhow::Result<SigningKey> {
        let path = match &self.global.key {
            Some(p) => p.clone(),
            None => registry
                .local_setting(KEY_SETTING)?
                .map(PathBuf::from)
                .ok_or_else(|| {
                    anyhow!(
                        "no forum key: this clone has none recorded\n  hint: pass --key FILE (the forum's private key)"
                    )
                })?,
        };
        cli::load_signing_key(&path, self.global.passphrase_file.as_deref())
    }

    /// Says what a change did: its record with `--json`, else `record.summary` on stderr.
    pub(crate) fn changed(&self, json: bool, record: &ChangeRecord) -> anyhow::Result<()> {
        if json {
            self.printer.record(record)?;
        } else {
            self.printer.info(&record.summary);
        }
        Ok(())
    }

    /// The wall clock.
    pub(crate) fn now(&self) -> Instant {
        cli::now()
    }
}

/// The nearest folder at or above the current one that holds a registry (its `forum.toml`
/// beside a `.git`), as a relative path (`..`, `../..`) so messages stay short.
fn enclosing_registry() -> Option<PathBuf> {
    let here = std::env::current_dir().ok()?;
    let mut relative = PathBuf::from(".");
    for dir in here.ancestors() {
        if dir.join(scs_registry::state::FORUM_TOML).is_file() && dir.join(".git").exists() {
            return Some(relative);
        }
        relative = if relative == Path::new(".") {
            PathBuf::from("..")
        } else {
            relative.join("..")
        };
    }
    None
}
