//! `forum.toml`: who the forum is, who signs for it, and its policy.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The forum's identity, signers and policy, as `forum.toml` holds them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForumConfig {
    /// Who the forum is.
    pub forum: Identity,
    /// People who sign for the forum; their keys are in `keys/allowed_signers`.
    #[serde(default)]
    pub signers: Vec<ForumSigner>,
    /// Decisions the forum made once for all.
    #[serde(default)]
    pub policy: Policy,
    /// What `scs-cert publish` may show beyond the defaults.
    #[serde(default, skip_serializing_if = "Publishing::is_default")]
    pub publishing: Publishing,
}

/// The publishing policy (`[publishing]` in forum.toml).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publishing {
    /// Publish every report's signed bytes and signature beside its page (default: no; the
    /// pages show the results and the logs redacted by upstream's rule).
    #[serde(default)]
    pub signed_reports: bool,
}

impl Publishing {
    fn is_default(&self) -> bool {
        *self == Publishing::default()
    }
}

/// The issuing body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// Short name, e.g. "Forum SCS-Standards".
    pub name: String,
    /// Legal name of the body behind it.
    pub legal_name: String,
    /// Place of issue printed on certificates.
    pub city: String,
    /// Base URL of the certificate status pages; a certificate's page is this plus its id.
    pub status_base_url: String,
}

/// One person signing for the forum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForumSigner {
    /// Name, as printed on certificates.
    pub name: String,
    /// Role, e.g. "Secretary".
    pub role: String,
    /// E-mail, used as the git author and committer of registry changes.
    pub email: String,
    /// The OpenSSH public key line.
    pub key: String,
}

/// The forum's policy settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Observation window for eligibility, in days (DESIGN §4; 0 = point in time).
    #[serde(default = "default_window_days")]
    pub observation_window_days: u32,
    /// Reports whose `checked_at` lies more than this many minutes after receipt are refused.
    #[serde(default = "default_future_minutes")]
    pub max_future_minutes: u32,
    /// A certificate may be renewed only in the last this many days of its validity; the
    /// renewal then supersedes it (its status ends when the successor starts).
    #[serde(default = "default_renewal_window_days")]
    pub renewal_window_days: u32,
    /// Extra settings later versions may read; kept so old tools do not drop them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

fn default_window_days() -> u32 {
    28
}

fn default_future_minutes() -> u32 {
    60
}

fn default_renewal_window_days() -> u32 {
    60
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            observation_window_days: default_window_days(),
            max_future_minutes: default_future_minutes(),
            renewal_window_days: default_renewal_window_days(),
            extra: BTreeMap::new(),
        }
    }
}

/// `forum.toml` that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("forum.toml: {message}")]
pub struct ConfigError {
    /// What was wrong.
    pub message: String,
}

impl ForumConfig {
    /// Reads `forum.toml`.
    ///
    /// # Errors
    ///
    /// Syntax errors, unknown keys, missing keys.
    pub fn parse(text: &str) -> Result<ForumConfig, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError {
            message: e.to_string().lines().collect::<Vec<_>>().join(" "),
        })
    }

    /// Checks what the Urkunde shows of the forum (its names, place, signers' names and
    /// roles).
    ///
    /// # Errors
    ///
    /// The first field that the Urkunde cannot show.
    pub fn check_text(&self) -> Result<(), scs_cert::text::TextError> {
        use scs_cert::text::Field;
        use scs_cert::text::{Display, check};
        check(
            "the forum's name",
            &self.forum.name,
            Display::Urkunde(Field::IssuerName),
        )?;
        check(
            "the forum's legal name",
            &self.forum.legal_name,
            Display::Urkunde(Field::IssuerLegalName),
        )?;
        check(
            "the forum's city",
            &self.forum.city,
            Display::Urkunde(Field::Place),
        )?;
        for signer in &self.signers {
            check(
                "a signer's name",
                &signer.name,
                Display::Urkunde(Field::SignerName),
            )?;
            check(
                "a signer's role",
                &signer.role,
                Display::Urkunde(Field::SignerRole),
            )?;
        }
        Ok(())
    }

    /// Writes `forum.toml` (deterministic: fields in declaration order).
    ///
    /// # Errors
    ///
    /// Never in practice; TOML serialisation of these types cannot fail.
    pub fn to_toml(&self) -> Result<String, ConfigError> {
        let body = toml::to_string_pretty(self).map_err(|e| ConfigError {
            message: e.to_string(),
        })?;
        Ok(format!(
            "# The forum's identity, signers and policy (scs-cert registry, DESIGN §5).\n\n{body}"
        ))
    }

    /// The status page URL of a certificate.
    pub fn status_url(&self, id: &str) -> String {
        let base = self.forum.status_base_url.trim_end_matches('/');
        format!("{base}/{id}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_defaults() {
        let text = "[forum]\nname = \"F\"\nlegal_name = \"F e.V.\"\ncity = \"Berlin\"\nstatus_base_url = \"https://x.example/c/\"\n";
        let c = ForumConfig::parse(text).unwrap();
        assert_eq!(c.policy.observation_window_days, 28);
        assert_eq!(c.policy.renewal_window_days, 60);
        assert_eq!(
            c.status_url("SCS-IAAS-2026-0001"),
            "https://x.example/c/SCS-IAAS-2026-0001"
        );
        let again = ForumConfig::parse(&c.to_toml().unwrap()).unwrap();
        assert_eq!(again, c);
        assert!(ForumConfig::parse("[forum]\nname = 1\n").is_err());
        assert!(ForumConfig::parse(&format!("{text}surprise = 1\n")).is_err());
    }
}
