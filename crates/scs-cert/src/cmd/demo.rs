//! `scs-cert demo`: the whole flow on built-in data, narrated — keys, signed reports, checks by
//! this tool and by ssh-keygen/git, a registry, ingestion, status and eligibility.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use chrono::{Duration, NaiveDateTime, Timelike as _};

use scs_cert::cert::CertificateId;
use scs_cert::sig::{self, Namespace, SigningKey};
use scs_cert::spec::{Spec, Version};
use scs_cert::subject::record::{self as subjects, BoundKey, SubjectRecord};
use scs_cert::time::{Instant, format_instant};
use scs_cert::trust::Trust;
use scs_cert::{demo, seed, verify};
use scs_cli::{self as cli, Outcome};
use scs_registry::ingest::{self, FileOutcome, Receipt, Submission};
use scs_registry::state::{self, State};
use scs_registry::{Registry, admin, certificates};

use crate::cli::{DemoArgs, EligibleArgs, GlobalArgs, InitArgs, StatusArgs};
use crate::cmd::{self, Ctx};

/// Days of daily reports the demo makes.
const DAYS: u32 = 35;

/// The demo's folder, clock and output; each step below is one numbered paragraph of its
/// narration.
struct Demo<'c> {
    ctx: &'c Ctx,
    dir: PathBuf,
    registry_dir: PathBuf,
    reports_dir: PathBuf,
    /// The demo's "now", whole seconds.
    now: Instant,
    /// The first day of reports (five weeks and five days before now).
    start: Instant,
    /// Commands whose output the demo narrates itself.
    quiet: Ctx,
    /// Commands whose output is shown as it is.
    shown: Ctx,
}

/// The operators' keys: demo-cloud-a signs itself, demo-cloud-b through its CI account.
struct OperatorKeys {
    cloud_a: SigningKey,
    ci: SigningKey,
}

/// One day's signed reports, as checked and as handed in.
type Day = (NaiveDateTime, Vec<Submission>);

pub(crate) fn run(ctx: &Ctx, args: DemoArgs) -> anyhow::Result<Outcome> {
    let (tmp, dir) = cli::demo_dir(args.dir)?;
    let demo = Demo::new(ctx, dir)?;
    demo.say(&format!("== scs-cert demo, in {}", cli::shown(&demo.dir)))?;
    demo.init_registry()?;
    let (registry, _) = demo.quiet.open_state()?;
    let forum_key = demo.quiet.signing_key(&registry)?;
    let keys = demo.add_subjects(&registry, &forum_key)?;
    let state = State::load(&registry)?;
    let spec = Spec::load(seed::IAAS_SPEC, "scs-compatible-iaas.yaml")?;
    let version = demo::certifiable_version(&spec, demo.now.date_naive())
        .context("no certifiable version")?;
    let days = demo.sign_reports(&spec, version, &keys)?;
    demo.verify_reports(&state, &days)?;
    demo.ingest(&registry, &forum_key, &days)?;
    demo.refuse_future_report(&registry, &spec, version, &keys)?;
    demo.judge()?;
    if let Some(id) = demo.issue(&registry, &forum_key)? {
        demo.verify_certificate(&id)?;
        demo.render(&id, &State::load(&registry)?)?;
    }
    demo.verify_history(&registry)?;
    demo.publish(tmp.is_some())?;
    Ok(Outcome::Success)
}

impl<'c> Demo<'c> {
    fn new(ctx: &'c Ctx, dir: PathBuf) -> anyhow::Result<Demo<'c>> {
        let now = ctx.now().with_nanosecond(0).unwrap_or_else(|| ctx.now());
        let registry_dir = dir.join("registry");
        let reports_dir = dir.join("reports");
        std::fs::create_dir_all(&reports_dir)?;
        Ok(Demo {
            ctx,
            quiet: registry_ctx(&registry_dir, 2),
            shown: registry_ctx(&registry_dir, 0),
            dir,
            registry_dir,
            reports_dir,
            now,
            start: now - Duration::days(i64::from(DAYS) + 5),
        })
    }

    fn say(&self, s: &str) -> std::io::Result<()> {
        self.ctx.printer.result(s)
    }

    /// 1. The forum's registry.
    fn init_registry(&self) -> anyhow::Result<()> {
        cmd::init::run(&self.quiet, init_args(&self.registry_dir))?;
        self.say(&format!(
            "\n1. scs-cert init {}: a git registry with the forum's key and the IaaS/KaaS scopes",
            cli::shown(&self.registry_dir)
        ))?;
        self.say(&format!(
            "   git verify-commit HEAD: {}",
            git_verify(&self.registry_dir)
        ))?;
        Ok(())
    }

    /// 2. Subjects and their keys: demo-cloud-a signs itself; demo-cloud-b's reports are
    ///    signed by its CI account demo-ci (a delegate), as upstream's zuul_ci does.
    fn add_subjects(
        &self,
        registry: &Registry,
        forum_key: &SigningKey,
    ) -> anyhow::Result<OperatorKeys> {
        let keys = OperatorKeys {
            cloud_a: SigningKey::generate("demo-cloud-a")?,
            ci: SigningKey::generate("demo-ci")?,
        };
        sig::write_key_pair(&self.dir.join("demo-cloud-a.key"), &keys.cloud_a, None)?;
        sig::write_key_pair(&self.dir.join("demo-ci.key"), &keys.ci, None)?;
        let bound = |k: &SigningKey| BoundKey {
            key: k.public_line(),
            name: Some("primary".into()),
            added: format_instant(self.start),
            retired: None,
        };
        let mut a = SubjectRecord::new("demo-cloud-a".parse()?);
        a.name = Some("Demo Cloud A".into());
        a.operator = Some("Demo Operator GmbH".into());
        a.keys.push(bound(&keys.cloud_a));
        let mut ci = SubjectRecord::new("demo-ci".parse()?);
        ci.keys.push(bound(&keys.ci));
        let mut b = SubjectRecord::new("demo-cloud-b".parse()?);
        b.name = Some("Démo Wolke B".into());
        b.operator = Some("Beispiel Betreiber AG".into());
        b.delegates.push("demo-ci".parse()?);
        let mut state = State::load(registry)?;
        for record in [ci, a, b] {
            let name = record.subject.clone();
            admin::save_subject(
                registry,
                &state,
                &record,
                &format!("add subject {name}"),
                forum_key,
                self.now,
            )?;
            state = State::load(registry)?;
        }
        self.say(
            "\n2. scs-cert subject add: demo-cloud-a (own key), demo-cloud-b (signed by its CI account demo-ci)",
        )?;
        Ok(keys)
    }

    /// 3. Daily reports over five weeks, signed by the operators; demo-cloud-b fails one
    ///    testcase for three days, twelve days ago.
    fn sign_reports(
        &self,
        spec: &Spec,
        version: &Version,
        keys: &OperatorKeys,
    ) -> anyhow::Result<Vec<Day>> {
        let mut days = Vec::new();
        for day in 0..DAYS {
            let checked_at: NaiveDateTime =
                (self.start + Duration::days(i64::from(day) + 5)).naive_utc();
            let b_fails = (DAYS - 12..DAYS - 9).contains(&day);
            let doc_a = demo::report_document(
                spec,
                version,
                "demo-cloud-a",
                2 * u64::from(day),
                checked_at,
                |_, _| Some(1),
            );
            let doc_b = demo::report_document(
                spec,
                version,
                "demo-cloud-b",
                2 * u64::from(day) + 1,
                checked_at,
                |i, _| {
                    if b_fails && i == 3 { Some(-1) } else { Some(1) }
                },
            );
            let mut files = Vec::new();
            for (who, text, key) in [("a", doc_a, &keys.cloud_a), ("b", doc_b, &keys.ci)] {
                let path = self
                    .reports_dir
                    .join(format!("{}-{who}.yaml", checked_at.date()));
                let signature = sig::sign(key, &Namespace::report(), text.as_bytes())?;
                cli::write_new_file(&path, text.as_bytes(), false)?;
                cli::write_new_file(
                    &cli::with_suffix(&path, ".sig"),
                    signature.to_armored().as_bytes(),
                    false,
                )?;
                files.push(Submission::detached(
                    cli::shown(&path).to_string(),
                    text.as_bytes(),
                    Some(signature.to_armored().as_bytes()),
                ));
            }
            days.push((checked_at, files));
        }
        self.say(&format!(
            "\n3. scs-report sign: {} daily reports for each cloud in {}",
            DAYS,
            cli::shown(&self.reports_dir)
        ))?;
        Ok(days)
    }

    /// 3, continued: the last report checked by this tool and by ssh-keygen, and tampered.
    fn verify_reports(&self, state: &State, days: &[Day]) -> anyhow::Result<()> {
        let trust = Trust::AllowedSigners(subjects::trust(&state.subject_records())?);
        let (_, last) = days.last().context("no days")?;
        let last_path = PathBuf::from(&last[1].name);
        let signature = std::fs::read(cli::with_suffix(&last_path, ".sig"))?;
        let check = verify::check_file(
            &std::fs::read(&last_path)?,
            Some(&signature),
            &trust,
            self.now,
        );
        self.say(&format!(
            "   scs-report verify {}: {}",
            cli::shown(&last_path),
            match &check.result {
                Ok(()) => "valid (signed by demo-ci, a delegate of demo-cloud-b)".to_owned(),
                Err(p) => format!("INVALID: {p}"),
            }
        ))?;
        let allowed = self.dir.join("subjects.allowed_signers");
        std::fs::write(
            &allowed,
            subjects::allowed_signers(&state.subject_records())?,
        )?;
        self.say(&format!(
            "   ssh-keygen -Y verify -I demo-cloud-b: {}",
            ssh_keygen_verify(&allowed, &last_path)
        ))?;
        let tampered = std::fs::read_to_string(&last_path)?.replacen(": 1\n", ": -1\n", 1);
        let t = verify::check_file(tampered.as_bytes(), Some(&signature), &trust, self.now);
        self.say(&format!(
            "   the same report with one result changed: {}",
            t.result
                .err()
                .map_or("valid (unexpected!)".into(), |p| format!("invalid: {p}"))
        ))?;
        Ok(())
    }

    /// 4. Ingestion: each day's reports as received ten minutes after the run.
    fn ingest(
        &self,
        registry: &Registry,
        forum_key: &SigningKey,
        days: &[Day],
    ) -> anyhow::Result<()> {
        let mut ingested = 0;
        for (checked_at, files) in days {
            let received_at = checked_at.and_utc() + Duration::minutes(10);
            ingested += ingest_call(registry, forum_key, files, received_at, self.now)?;
        }
        self.say(&format!(
            "\n4. scs-cert ingest --received-at …: {ingested} reports recorded in the ledger, one signed commit per call"
        ))?;
        let first = days.first().context("no days")?;
        let again = ingest_call(registry, forum_key, &first.1, self.now, self.now)?;
        self.say(&format!(
            "   ingesting the first day again: {again} new (a no-op)"
        ))?;
        Ok(())
    }

    /// 4, continued: a report dated after its receipt is refused.
    fn refuse_future_report(
        &self,
        registry: &Registry,
        spec: &Spec,
        version: &Version,
        keys: &OperatorKeys,
    ) -> anyhow::Result<()> {
        let text = demo::report_document(
            spec,
            version,
            "demo-cloud-a",
            9999,
            (self.now + Duration::hours(3)).naive_utc(),
            |_, _| Some(1),
        );
        let signature = sig::sign(&keys.cloud_a, &Namespace::report(), text.as_bytes())?;
        let future = Submission::detached(
            "future.yaml".into(),
            text.as_bytes(),
            Some(signature.to_armored().as_bytes()),
        );
        let state = State::load(registry)?;
        let known = state::ledger_index(registry)?;
        let outcome = ingest::decide(
            &state,
            &known,
            &[future],
            Receipt {
                received_at: self.now,
                declared: false,
                ingested_at: self.now,
            },
        )?;
        if let Some(FileOutcome::Rejected(r)) = outcome.first() {
            self.say(&format!(
                "   a report dated three hours ahead: rejected: {r}"
            ))?;
        }
        Ok(())
    }

    /// 5. Who is compliant; 6. who may be certified.
    fn judge(&self) -> anyhow::Result<()> {
        self.say(&format!(
            "\n5. scs-cert status --at {}\n",
            format_instant(self.now)
        ))?;
        cmd::status::run(
            &self.shown,
            StatusArgs {
                subjects: vec!["demo-cloud-a".into(), "demo-cloud-b".into()],
                scope: None,
                at: Some(at_arg(self.now)?),
                all_versions: false,
                json: false,
            },
        )?;
        self.say(
            "\n6. scs-cert eligible SUBJECT --scope scs-compatible-iaas (28-day observation window)\n",
        )?;
        for s in ["demo-cloud-a", "demo-cloud-b"] {
            cmd::eligible::run(
                &self.shown,
                EligibleArgs {
                    subject: s.into(),
                    scope: Some("scs-compatible-iaas".into()),
                    version: None,
                    at: Some(at_arg(self.now)?),
                    window: None,
                    json: false,
                },
            )?;
        }
        Ok(())
    }

    /// 7. Certificates: issued to the eligible cloud, refused to the other; the issued one
    ///    judged by openssl. Returns the issued certificate.
    fn issue(
        &self,
        registry: &Registry,
        forum_key: &SigningKey,
    ) -> anyhow::Result<Option<CertificateId>> {
        self.say("\n7. scs-cert issue SUBJECT --scope scs-compatible-iaas\n")?;
        let state = State::load(registry)?;
        let mut issued = None;
        for s in ["demo-cloud-a", "demo-cloud-b"] {
            let subject = s.parse()?;
            let request = certificates::Request {
                subject: &subject,
                scope: "scs-compatible-iaas",
                version: None,
                holder: None,
                override_reason: None,
                renews: None,
                at: self.now,
            };
            match certificates::issue(registry, &state, &request, forum_key, self.now) {
                Ok((id, _)) => {
                    self.say(&format!(
                        "   {s}: issued {id}, valid until {}",
                        format_instant(scs_cert::cert::one_year_after(self.now)?)
                    ))?;
                    issued = Some(id);
                }
                Err(certificates::CertError::NotEligible { .. }) => self.say(&format!(
                    "   {s}: refused (not eligible; the reasons are those of step 6)"
                ))?,
                Err(e) => return Err(e.into()),
            }
        }
        if let Some(id) = &issued {
            self.say(&format!(
                "   openssl verify -crl_check {}: {}",
                id.pem_path(),
                openssl_verify(&self.registry_dir, &id.pem_path())
            ))?;
        }
        Ok(issued)
    }

    /// 8. The certificate checked as anyone would check it.
    fn verify_certificate(&self, id: &CertificateId) -> anyhow::Result<()> {
        self.say(&format!("\n8. scs-cert verify {id}\n"))?;
        cmd::verify::run(
            &self.shown,
            crate::cli::VerifyArgs {
                certificate: id.to_string(),
                keys: None,
                crl: None,
                ca: None,
                require_crl: false,
                expect_key: Vec::new(),
                at: Some(at_arg(self.now)?),
                json: false,
            },
        )?;
        Ok(())
    }

    /// 9. The Urkunde in both languages.
    fn render(&self, id: &CertificateId, state: &State) -> anyhow::Result<()> {
        self.say(&format!("\n9. scs-cert render {id} --lang de|en\n"))?;
        for lang in ["de", "en"] {
            let out = self.dir.join(format!("{id}.{lang}.pdf"));
            let args = crate::cli::RenderArgs {
                ids: vec![id.to_string()],
                all: false,
                output: Some(out.clone()),
                lang: lang.into(),
                typst: None,
                force: false,
                at: None,
            };
            match cmd::render::run(&self.quiet, args) {
                Ok(_) => self.say(&format!(
                    "   {}: the Urkunde (PDF/A-2b, one page, QR code to {})",
                    cli::shown(&out),
                    state.forum.status_url(id.as_str())
                ))?,
                Err(e) => self.say(&format!("   not rendered: {}", cli::one_line(&e)))?,
            }
        }
        Ok(())
    }

    /// 10. The whole history audited.
    fn verify_history(&self, registry: &Registry) -> anyhow::Result<()> {
        self.say("\n10. scs-cert registry verify\n")?;
        cmd::registry::run(
            &self.shown,
            crate::cli::RegistryCommand::Verify {
                json: false,
                require_archive: true,
                expect_key: Vec::new(),
            },
        )?;
        self.say(&format!(
            "\n   git log: {} signed commits; the registry is in {}",
            registry.history()?.len(),
            cli::shown(&self.registry_dir)
        ))?;
        Ok(())
    }
}

impl Demo<'_> {
    /// 11. The public face: the site, PDFs included when typst is there.
    fn publish(&self, temporary: bool) -> anyhow::Result<()> {
        self.say("\n11. scs-cert publish -o site\n")?;
        let site = self.dir.join("site");
        let no_pdf = cmd::render::locate_typst(None).is_err();
        if no_pdf {
            self.say("   (typst not found: the site links no Urkunden; `make demo` installs the pinned typst)")?;
        }
        cmd::publish::run(
            &self.shown,
            crate::cli::PublishArgs {
                output: site.clone(),
                at: Some(at_arg(self.now + Duration::minutes(1))?),
                templates: None,
                no_pdf,
                typst: None,
                json: false,
            },
        )?;
        if temporary {
            self.say("   (this demo's folder is temporary: run `scs-cert demo --dir DIR` to keep the site)")?;
        }
        Ok(())
    }
}

/// What the real openssl says of a certificate against the forum CA and the CRL.
fn openssl_verify(dir: &Path, pem: &str) -> String {
    let out = Command::new("openssl")
        .args([
            "verify",
            "-crl_check",
            "-CAfile",
            "keys/forum-ca.pem",
            "-CRLfile",
            "crl.pem",
            pem,
        ])
        .current_dir(dir)
        .output();
    what_it_said("openssl", out, Stream::Stdout)
}

/// Which stream of a tool carries its verdict.
#[derive(Clone, Copy)]
enum Stream {
    Stdout,
    Stderr,
}

/// A real tool's verdict as the demo narrates it: its line and exit status, or that it is not
/// installed.
fn what_it_said(tool: &str, out: std::io::Result<std::process::Output>, stream: Stream) -> String {
    match out {
        Ok(o) => {
            let text = match stream {
                Stream::Stdout => &o.stdout,
                Stream::Stderr => &o.stderr,
            };
            format!(
                "{} (exit {})",
                String::from_utf8_lossy(text).trim(),
                o.status.code().unwrap_or(-1)
            )
        }
        Err(_) => format!("not run ({tool} is not installed)"),
    }
}

/// A context acting on the demo's registry, printing at `quiet` level, without colour.
fn registry_ctx(dir: &Path, quiet: u8) -> Ctx {
    Ctx::new(
        cli::Printer::new(quiet, cli::Color::Never),
        GlobalArgs {
            registry: Some(dir.to_owned()),
            key: None,
            passphrase_file: None,
            output: cli::OutputArgs {
                quiet,
                color: cli::Color::Never,
            },
        },
    )
}

fn init_args(dir: &Path) -> InitArgs {
    InitArgs {
        dir: dir.to_owned(),
        use_key: None,
        ask_passphrase: false,
        name: "Forum SCS-Standards".into(),
        legal_name: "Open Source Business Alliance e.V.".into(),
        city: "Berlin".into(),
        status_base_url: "https://registry.scs.community/certificates/".into(),
        signer_name: "Demo Secretary".into(),
        signer_role: "Secretary".into(),
        signer_email: "secretary@forum.invalid".into(),
        json: false,
    }
}

fn at_arg(t: Instant) -> anyhow::Result<scs_cert::time::InstantArg> {
    Ok(format_instant(t).parse()?)
}

fn ingest_call(
    registry: &Registry,
    key: &SigningKey,
    files: &[Submission],
    received_at: Instant,
    now: Instant,
) -> anyhow::Result<usize> {
    let state = State::load(registry)?;
    let receipt = Receipt {
        received_at,
        declared: received_at != now,
        ingested_at: now,
    };
    let mut batch = ingest::Ingest::new(registry, &state, receipt)?;
    let outcomes = batch.add(files)?;
    for o in &outcomes {
        if let FileOutcome::Rejected(r) = o {
            bail!("the demo's own report was rejected: {r}; please report this bug");
        }
    }
    let identity = admin::identity(&state.forum, key, now)?;
    batch.commit(key, &identity)?;
    Ok(outcomes
        .iter()
        .filter(|o| matches!(o, FileOutcome::Ingested { .. }))
        .count())
}

/// What plain git says of the registry's last commit.
fn git_verify(dir: &Path) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "gpg.format=ssh",
            "-c",
            "gpg.ssh.allowedSignersFile=keys/allowed_signers",
            "verify-commit",
            "HEAD",
        ])
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output();
    what_it_said("git", out, Stream::Stderr)
}

/// What the real ssh-keygen says of a report's signature under the subjects' allowed_signers.
fn ssh_keygen_verify(allowed: &Path, report: &Path) -> String {
    let Ok(input) = std::fs::File::open(report) else {
        return "not run".into();
    };
    let out = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-n", "report", "-I", "demo-cloud-b", "-f"])
        .arg(allowed)
        .arg("-s")
        .arg(cli::with_suffix(report, ".sig"))
        .stdin(input)
        .output();
    what_it_said("ssh-keygen", out, Stream::Stdout)
}
