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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin;
    use crate::forum::{ForumSigner, Identity, Policy};
    use crate::state::{FORUM_ALLOWED_SIGNERS, FORUM_TOML};
    use scs_cert::sig::SigningKey;

    fn forum(keys: &[&SigningKey]) -> ForumConfig {
        ForumConfig {
            forum: Identity {
                name: "Forum".into(),
                legal_name: "Forum e.V.".into(),
                city: "Berlin".into(),
                status_base_url: "https://x.example/certificates/".into(),
            },
            signers: keys
                .iter()
                .enumerate()
                .map(|(i, k)| ForumSigner {
                    name: format!("Signer {i}"),
                    role: "Secretary".into(),
                    email: format!("s{i}@forum.invalid"),
                    key: k.public_line(),
                })
                .collect(),
            policy: Policy::default(),
            publishing: Default::default(),
        }
    }

    fn readme_at_head(registry: &crate::Registry) -> String {
        String::from_utf8(registry.read(README).unwrap().unwrap()).unwrap()
    }

    /// The README is made by `init` and re-written in the commit that adds a forum key; a
    /// commit that changes nothing it states leaves it alone.
    #[test]
    fn init_writes_it_and_a_key_change_rewrites_it_in_the_same_commit() {
        let tmp = tempfile::tempdir().unwrap();
        let first = SigningKey::generate("s0@forum.invalid").unwrap();
        let second = SigningKey::generate("s1@forum.invalid").unwrap();
        let now = scs_cert::time::parse_rfc3339("2026-03-01T00:00:00Z").unwrap();
        let (registry, _) = admin::init(
            &tmp.path().join("reg"),
            &forum(&[&first]),
            &first,
            &[("iaas", scs_cert::seed::IAAS_SPEC)],
            now,
        )
        .unwrap();
        let readme = readme_at_head(&registry);
        assert!(
            readme.contains(&format!("- `{}`", first.fingerprint())),
            "{readme}"
        );
        assert!(
            readme.contains("https://x.example/certificates/<ID>"),
            "{readme}"
        );
        assert!(
            readme.contains("-I s0@forum.invalid -n scs-certificate"),
            "{readme}"
        );
        assert!(!readme.contains("{{"), "every placeholder filled: {readme}");

        let identity = admin::identity(&forum(&[&first]), &first, now).unwrap();
        let mut change = registry.begin().unwrap();
        let both = forum(&[&first, &second]);
        change
            .write(FORUM_TOML, both.to_toml().unwrap().as_bytes())
            .unwrap();
        let allowed = format!(
            "{}{}",
            admin::forum_allowed_signers_line("s0@forum.invalid", &first, None),
            admin::forum_allowed_signers_line("s1@forum.invalid", &second, Some(now))
        );
        change
            .write(FORUM_ALLOWED_SIGNERS, allowed.as_bytes())
            .unwrap();
        let commit = change.commit("add a signer", &first, &identity).unwrap();
        let readme = readme_at_head(&registry);
        for key in [&first, &second] {
            assert!(
                readme.contains(&format!("- `{}`", key.fingerprint())),
                "{readme}"
            );
        }
        assert!(
            readme.contains(&format!(
                "--expect-key {} --expect-key {}",
                first.fingerprint().min(second.fingerprint()),
                first.fingerprint().max(second.fingerprint())
            )),
            "{readme}"
        );
        assert!(
            readme.contains("one of s0@forum.invalid, s1@forum.invalid"),
            "{readme}"
        );
        assert_eq!(registry.history().unwrap().last(), Some(&commit));
        assert_eq!(
            readme,
            String::from_utf8(registry.read_at(commit, README).unwrap().unwrap()).unwrap(),
            "in the same commit"
        );

        // A change that states nothing new leaves the README as it is, and an empty change
        // stays empty.
        let mut change = registry.begin().unwrap();
        change
            .write("scopes/other.yaml", scs_cert::seed::KAAS_SPEC.as_bytes())
            .unwrap();
        change.commit("adopt", &first, &identity).unwrap();
        assert_eq!(readme_at_head(&registry), readme);
        let change = registry.begin().unwrap();
        assert!(matches!(
            change.commit("nothing", &first, &identity),
            Err(crate::Error::EmptyChange)
        ));
    }
}
