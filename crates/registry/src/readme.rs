//! The registry's public `README.md`: who the forum is, its key fingerprints, and the commands
//! that verify a clone offline. Written from a template built into the binary
//! ([`scs_cert::seed::REGISTRY_README_TEMPLATE`]) and filled from `forum.toml` and
//! `keys/allowed_signers`; [`crate::Change::commit`] re-writes it in the same commit whenever
//! what it states changes (a key change, a new name), and adds it to a registry made before it
//! existed with that registry's next change.

use std::collections::BTreeSet;

use crate::forum::ForumConfig;
use scs_cert::sig::Fingerprint;
use scs_cert::trust::AllowedSigners;

/// Where the README lives.
pub const README: &str = "README.md";

/// The README for a forum and its keys.
pub fn render(forum: &ForumConfig, keys: &AllowedSigners) -> String {
    let mut fingerprints = BTreeSet::new();
    let mut key_lines = Vec::new();
    let mut principals: Vec<&str> = Vec::new();
    for entry in keys.entries() {
        let fingerprint = Fingerprint::of(entry.key());
        fingerprints.insert(fingerprint);
        key_lines.push(format!(
            "- `{fingerprint}` ({}, {})",
            entry.key().algorithm(),
            entry.principals()
        ));
        for p in entry.principals().split(',') {
            if !principals.contains(&p) {
                principals.push(p);
            }
        }
    }
    let keys_text = if key_lines.is_empty() {
        "`keys/allowed_signers` names no key.".to_owned()
    } else {
        key_lines.join("\n")
    };
    let principal = principals.first().copied().unwrap_or("SIGNER-EMAIL");
    let principal_note = if principals.len() > 1 {
        format!(
            "; one of {}: `ssh-keygen -Y find-principals -f keys/allowed_signers -s certificates/<ID>.yaml.sig` tells which",
            principals.join(", ")
        )
    } else {
        String::new()
    };
    let expect_keys = fingerprints
        .iter()
        .map(|f| format!("--expect-key {f}"))
        .collect::<Vec<_>>()
        .join(" ");
    let f = &forum.forum;
    scs_cert::seed::REGISTRY_README_TEMPLATE
        .replace("{{forum_name}}", &f.name)
        .replace("{{legal_name}}", &f.legal_name)
        .replace("{{city}}", &f.city)
        .replace(
            "{{status_base_url}}",
            f.status_base_url.trim_end_matches('/'),
        )
        .replace("{{keys}}", &keys_text)
        .replace("{{principal_note}}", &principal_note)
        .replace("{{principal}}", principal)
        .replace("{{expect_keys}}", &expect_keys)
}

/// The README for the registry as `forum_toml` and `allowed_signers` describe it; `None` when
/// either is missing or unreadable (then the README is left as it is: `registry verify`
/// reports the broken file, and the README must not hide that).
pub(crate) fn for_files(
    forum_toml: Option<&[u8]>,
    allowed_signers: Option<&[u8]>,
) -> Option<String> {
    let forum = ForumConfig::parse(std::str::from_utf8(forum_toml?).ok()?).ok()?;
    let keys = AllowedSigners::parse(
        std::str::from_utf8(allowed_signers?).ok()?,
        scs_cert::layout::FORUM_ALLOWED_SIGNERS,
    )
    .ok()?;
    Some(render(&forum, &keys))
}
