//! The Urkunde judged with real tools: typst 0.15.1 renders it; poppler's pdfinfo, pdftotext and
//! pdftoppm and zbar's zbarimg read it back (Debian poppler-utils, zbar-tools).
//!
//! A missing tool fails these tests when `CI` is set and skips them visibly otherwise. Set
//! `URKUNDE_KEEP=<dir>` to keep the PDFs and 150 dpi PNGs of the variants for a look.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] fns")]

use scs_testkit::tools;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use scs_urkunde::{
    self as render, Error, Field, Lang, Layer, TEMPLATE, Tier, Typst, UrkundeData, UrkundeKind,
};

const STATUS_BASE: &str = "https://registry.scs.community/certificates/";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn creation() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 5, 10, 30, 0).unwrap()
}

fn data(lang: Lang, kind: UrkundeKind, id: &str) -> UrkundeData {
    let (environment, scope_name, scope_version) = match kind {
        UrkundeKind::ScopeIaas => ("Süd-Wolke Öffentlich", "SCS-compatible IaaS", Some("v5.1")),
        UrkundeKind::ScopeKaas => ("Kubernetes-Dienst Nord", "SCS-compatible KaaS", Some("v2")),
        UrkundeKind::Integrator {
            layer: Layer::Iaas, ..
        } => ("Referenzumgebung Köln", "SCS-compatible IaaS", None),
        UrkundeKind::Integrator { .. } => ("Prüfumgebung Jülich", "SCS-compatible KaaS", None),
    };
    UrkundeData {
        lang,
        kind,
        issuer_name: "Forum SCS-Standards".into(),
        issuer_legal_name: "Open Source Business Alliance e.V.".into(),
        holder: "Müller & Söhne GmbH".into(),
        environment: environment.into(),
        scope_name: scope_name.into(),
        scope_version: scope_version.map(Into::into),
        issued_on: date(2025, 6, 5),
        valid_until: date(2026, 6, 4),
        place: "Berlin".into(),
        signer_name: "Dr. Jürgen Weiß".into(),
        signer_role: match lang {
            Lang::De => "Vorsitz Forum SCS-Standards".into(),
            Lang::En => "Chair, Forum SCS-Standards".into(),
        },
        certificate_id: id.into(),
        record_fingerprint: "SHA256:q1mQ0rTgGB3lPnXJwC0y1vE6yGkM4X6vJ6W7v1p3uWs".into(),
        status_url: format!("{STATUS_BASE}{id}"),
        stamp: None,
    }
}

/// The variants of DESIGN §7 as the issue lists them.
fn variants() -> Vec<(&'static str, UrkundeData)> {
    let integrator = |layer, tier| UrkundeKind::Integrator { layer, tier };
    vec![
        (
            "iaas-de",
            data(Lang::De, UrkundeKind::ScopeIaas, "SCS-IAAS-2025-0042"),
        ),
        (
            "kaas-de",
            data(Lang::De, UrkundeKind::ScopeKaas, "SCS-KAAS-2025-0007"),
        ),
        (
            "iaas-en",
            data(Lang::En, UrkundeKind::ScopeIaas, "SCS-IAAS-2025-0043"),
        ),
        (
            "integrator-silver-de",
            data(
                Lang::De,
                integrator(Layer::Iaas, Tier::Silver),
                "SCS-INT-2025-0003",
            ),
        ),
        (
            "integrator-bronze-en",
            data(
                Lang::En,
                integrator(Layer::Kaas, Tier::Bronze),
                "SCS-INT-2025-0004",
            ),
        ),
    ]
}

/// The tools, or `None` when one is missing (skip note printed; panics under CI).
struct Tools {
    typst: Typst,
}

fn tools() -> Option<Tools> {
    let typst = tools::require("typst")?;
    for tool in ["pdfinfo", "pdftotext", "pdftoppm", "zbarimg"] {
        tools::require(tool)?;
    }
    let typst = Typst::locate(Some(&typst), None, None).unwrap();
    Some(Tools { typst })
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Text of the PDF with all whitespace runs turned into one space.
fn pdf_text(pdf: &Path) -> String {
    let text = run(Command::new("pdftotext").arg(pdf).arg("-"));
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn qr_of(pdf: &Path, dir: &Path) -> String {
    let stem = dir.join(pdf.file_stem().unwrap());
    run(Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-singlefile"])
        .arg(pdf)
        .arg(&stem));
    let png = stem.with_extension("png");
    run(Command::new("zbarimg").args(["-q", "--raw"]).arg(&png))
        .trim_end()
        .to_owned()
}

fn write(dir: &Path, name: &str, pdf: &[u8]) -> PathBuf {
    let path = dir.join(format!("{name}.pdf"));
    fs::write(&path, pdf).unwrap();
    path
}

#[test]
fn every_variant_renders_as_designed() {
    let Some(t) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let variants = variants();
    // Several documents in parallel, as `scs-cert render` does.
    let pdfs = scs_cert::parallel::map(&variants, 3, |(_, d)| {
        t.typst.render(TEMPLATE, d, creation()).unwrap()
    });
    for ((name, d), pdf) in variants.iter().zip(&pdfs) {
        let path = write(dir.path(), name, pdf);

        let info = run(Command::new("pdfinfo").arg(&path));
        assert!(
            info.lines()
                .any(|l| l.split_whitespace().eq(["Pages:", "1"])),
            "{name}: {info}"
        );
        let meta = run(Command::new("pdfinfo").arg("-meta").arg(&path));
        assert!(
            meta.contains("<pdfaid:part>2</pdfaid:part>"),
            "{name}: {meta}"
        );
        assert!(
            meta.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
            "{name}: {meta}"
        );

        let text = pdf_text(&path);
        let (issued, valid) = match d.lang {
            Lang::De => ("Berlin, den 05. Juni 2025", "Gültig bis 04. Juni 2026"),
            Lang::En => ("Berlin, 5 June 2025", "Valid until 4 June 2026"),
        };
        let mut wanted = vec![
            d.holder.as_str(),
            &d.environment,
            &d.scope_name,
            issued,
            valid,
            &d.certificate_id,
            &d.record_fingerprint,
            &d.signer_name,
            &d.signer_role,
            &d.status_url,
        ];
        if let Some(v) = &d.scope_version {
            wanted.push(v);
        }
        let title = match (d.kind, d.lang) {
            (UrkundeKind::Integrator { .. }, Lang::De) => {
                "Zertifizierter SCS-IaaS-Integrator (Silber)"
            }
            (UrkundeKind::Integrator { .. }, Lang::En) => "Certified SCS KaaS Integrator (Bronze)",
            (_, Lang::De) => "Urkunde",
            (_, Lang::En) => "Certificate",
        };
        wanted.push(title);
        for w in wanted {
            assert!(text.contains(w), "{name}: {w:?} missing in {text:?}");
        }

        assert_eq!(qr_of(&path, dir.path()), d.status_url, "{name}");

        let again = t.typst.render(TEMPLATE, d, creation()).unwrap();
        assert!(again == *pdf, "{name}: two renders differ");
    }
    if let Some(keep) = std::env::var_os("URKUNDE_KEEP") {
        for (name, _) in &variants {
            for ext in ["pdf", "png"] {
                let file = format!("{name}.{ext}");
                fs::copy(dir.path().join(&file), Path::new(&keep).join(&file)).unwrap();
            }
        }
    }
}

#[test]
fn markup_in_values_prints_literally() {
    let Some(t) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut d = data(Lang::De, UrkundeKind::ScopeIaas, "SCS-IAAS-2025-0099");
    d.holder = "Evil #strong[x] *bold* $x$ <l> // c".into();
    d.environment = "#panic(\"no\") \\ _u_ @ref `raw` = h".into();
    d.signer_role = "]) #let x = 1 /* c".into();
    let pdf = t.typst.render(TEMPLATE, &d, creation()).unwrap();
    let text = pdf_text(&write(dir.path(), "evil", &pdf));
    for w in [&d.holder, &d.environment, &d.signer_role] {
        assert!(text.contains(w.as_str()), "{w:?} missing in {text:?}");
    }
}

#[test]
fn every_allowed_character_survives_in_both_fonts() {
    let Some(t) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    // Whitespace is left out: pdftotext turns no-break spaces into spaces.
    let chars: Vec<char> = ('\u{0}'..='\u{2FFF}')
        .filter(|&c| render::allowed(c) && !c.is_whitespace())
        .collect();
    for (i, chunk) in chars.chunks(60).enumerate() {
        let s: String = chunk.iter().collect();
        let mut d = data(Lang::De, UrkundeKind::ScopeIaas, "SCS-IAAS-2025-0001");
        d.holder = s.clone(); // Libertinus Serif
        d.certificate_id = s.clone(); // DejaVu Sans Mono
        let pdf = t.typst.render(TEMPLATE, &d, creation()).unwrap();
        let text: String = pdf_text(&write(dir.path(), &format!("chars{i}"), &pdf))
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert_eq!(
            text.matches(&s).count(),
            2,
            "chunk {i}: {s:?} not twice in {text:?}"
        );
    }
}

#[test]
fn longest_values_still_fit_one_page() {
    let Some(t) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let long =
        "Norddeutsche Rechenzentrums- und Cloud-Infrastruktur-Betriebsgesellschaft mbH & Co. KG ";
    let fill = |n: usize| {
        long.repeat(3)
            .chars()
            .take(n)
            .collect::<String>()
            .trim()
            .to_owned()
    };
    for lang in [Lang::De, Lang::En] {
        for kind in [
            UrkundeKind::ScopeKaas,
            UrkundeKind::Integrator {
                layer: Layer::Kaas,
                tier: Tier::Bronze,
            },
        ] {
            let mut d = data(lang, kind, "SCS-KAAS-2025-0002");
            for field in Field::ALL {
                let n = field.max_chars();
                let value = match field {
                    Field::CertificateId => "X".repeat(n),
                    Field::RecordFingerprint => "F".repeat(n),
                    Field::ScopeVersion => format!("v{}", "1".repeat(n - 1)),
                    Field::StatusUrl => {
                        format!("{STATUS_BASE}{}", "u".repeat(n - STATUS_BASE.len()))
                    }
                    _ => fill(n),
                };
                let slot = match field {
                    Field::IssuerName => &mut d.issuer_name,
                    Field::IssuerLegalName => &mut d.issuer_legal_name,
                    Field::Holder => &mut d.holder,
                    Field::Environment => &mut d.environment,
                    Field::ScopeName => &mut d.scope_name,
                    Field::ScopeVersion if d.scope_version.is_none() => continue,
                    Field::ScopeVersion => d.scope_version.as_mut().unwrap(),
                    Field::Place => &mut d.place,
                    Field::SignerName => &mut d.signer_name,
                    Field::SignerRole => &mut d.signer_role,
                    Field::CertificateId => &mut d.certificate_id,
                    Field::RecordFingerprint => &mut d.record_fingerprint,
                    Field::StatusUrl => &mut d.status_url,
                    _ => unreachable!("a field this test does not know"),
                };
                *slot = value;
            }
            d.validate().unwrap();
            let pdf = t.typst.render(TEMPLATE, &d, creation()).unwrap();
            let path = write(dir.path(), "long", &pdf);
            let info = run(Command::new("pdfinfo").arg(&path));
            assert!(
                info.lines()
                    .any(|l| l.split_whitespace().eq(["Pages:", "1"])),
                "{info}"
            );
            assert_eq!(qr_of(&path, dir.path()), d.status_url);
        }
    }
}

#[test]
fn a_second_page_is_refused() {
    let Some(t) = tools() else { return };
    let d = data(Lang::En, UrkundeKind::ScopeIaas, "SCS-IAAS-2025-0005");
    let template = format!("{TEMPLATE}\n#pagebreak()\nmore\n");
    assert_eq!(
        t.typst.render(&template, &d, creation()),
        Err(Error::Overflow)
    );
}

#[test]
fn typst_errors_are_reported() {
    let Some(t) = tools() else { return };
    let d = data(Lang::En, UrkundeKind::ScopeIaas, "SCS-IAAS-2025-0006");
    let err = t
        .typst
        .render("#let x = \n#(1 + \"a\")\n", &d, creation())
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::TypstFailed {
                status: Some(1),
                ..
            }
        ),
        "{err:?}"
    );
    // A warning is a failure too: the page would not be as designed.
    let warn = format!("#set text(font: \"No Such Font\")\n{TEMPLATE}");
    let err = t.typst.render(&warn, &d, creation()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::TypstFailed {
                status: Some(0),
                ..
            }
        ),
        "{err:?}"
    );
}

/// A stand-in typst: prints `version` for `--version`, and leaves a mark when asked to compile.
fn fake_typst(dir: &Path, version: &str) -> PathBuf {
    let path = dir.join("typst");
    let mark = dir.join("compiled");
    let script = format!(
        "#!/bin/sh\nif [ \"$1\" = --version ]; then echo '{version}'; exit 0; fi\ntouch '{}'\nexit 1\n",
        mark.display()
    );
    fs::write(&path, script).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// `Typst::locate`, retried while the just-written script is still "busy" (another test thread
/// may hold it open across a fork for a moment).
fn locate(path: &Path) -> Result<Typst, Error> {
    for _ in 0..50 {
        match Typst::locate(Some(path), None, None) {
            Err(Error::TypstUnusable {
                kind: std::io::ErrorKind::ExecutableFileBusy,
                ..
            }) => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return other,
        }
    }
    Typst::locate(Some(path), None, None)
}

#[test]
fn unshowable_text_is_refused_before_typst_runs() {
    let dir = tempfile::tempdir().unwrap();
    let typst = locate(&fake_typst(dir.path(), "typst 0.15.1 (fake)")).unwrap();
    let mut d = data(Lang::De, UrkundeKind::ScopeIaas, "SCS-IAAS-2025-0007");
    d.holder = "Müller 中 GmbH".into();
    let err = typst.render(TEMPLATE, &d, creation()).unwrap_err();
    assert_eq!(
        err,
        Error::UnsupportedCharacter {
            field: Field::Holder,
            character: '中'
        }
    );
    assert_eq!(
        err.to_string(),
        "holder contains \"中\" (U+4E2D), which the certificate fonts cannot show"
    );
    assert!(!dir.path().join("compiled").exists(), "typst ran");
}

#[test]
fn another_typst_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = fake_typst(dir.path(), "typst 0.14.0 (b3b4f1c2)");
    let err = locate(&path).unwrap_err();
    assert_eq!(
        err,
        Error::TypstVersion {
            path: path.clone(),
            found: "typst 0.14.0 (b3b4f1c2)".into()
        }
    );
    let line = err.to_string();
    assert!(
        line.contains(render::TYPST_INSTALL) && !line.contains('\n'),
        "{line}"
    );
    // Found through PATH as well.
    let err = Typst::locate(None, None, Some(dir.path().as_os_str())).unwrap_err();
    assert!(matches!(err, Error::TypstVersion { .. }), "{err:?}");
}
