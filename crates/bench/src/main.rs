//! `generate`: a realistic, deterministic registry input for the benchmarks
//! (`cargo run --release -p scs-bench --bin generate -- --out DIR`).
//!
//! Writes, under `--out`:
//! - `keys/<account>` and `.pub`: one Ed25519 key per subject and per shared CI account, made
//!   from the seed (so the whole output is byte-identical for a seed);
//! - `bootstrap.yaml`: the compliance monitor's accounts (subjects with `group` and
//!   `delegates`, CI accounts with `append_any`), for `scs-cert subject import`;
//! - `reports/<YYYY-MM>/<subject>.<scope>.<YYYY-MM-DD>.yaml` and `.sig`: one signed report per
//!   subject, scope and day in the current (invocation) form, with log lines of a real run's
//!   size, missed days and weeks, FAIL and ABORT streaks, aborted runs and broken months;
//! - `manifest.json`: what was made (months, instants to ingest and judge at, counts).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use chrono::{Datelike as _, Duration, NaiveDate, NaiveTime};
use clap::{Parser, ValueHint};
use serde_json::json;

use scs_cert::sig::{self, Namespace, SigningKey};
use scs_cert::spec::Spec;
use scs_cert::time::format_instant;
use scs_cert::{parallel, seed};
use scs_cli::{Color, Outcome, Printer};

/// Shared CI accounts that sign for the subjects delegating to them (as upstream's `zuul_ci`).
const CI_ACCOUNTS: [&str; 3] = ["zuul_ci", "gh_actions_ci", "gitlab_ci"];

/// A tiny deterministic generator (Knuth's MMIX LCG, high bits out); good enough for test data.
struct Lcg(u64);

impl Lcg {
    fn new(seed: u64, stream: u64) -> Lcg {
        let mut l = Lcg(seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        for _ in 0..4 {
            l.next();
        }
        l
    }

    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0.rotate_left(32)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        (self.next() >> 16) % n.max(1)
    }

    /// An index into a slice of `len` items (`len` > 0).
    fn index(&mut self, len: usize) -> usize {
        let n = u64::try_from(len).unwrap_or(u64::MAX);
        usize::try_from(self.below(n)).unwrap_or(0)
    }

    /// A number in `0..n`.
    fn small(&mut self, n: u32) -> u32 {
        u32::try_from(self.below(u64::from(n))).unwrap_or(0)
    }

    /// True with probability `per_mille`/1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }
}

/// One scope as the generator uses it.
struct ScopeInfo {
    slug: &'static str,
    uuid: String,
    name: String,
    url: String,
    /// Automated testcases of the main targets, grouped by the invocation that runs them.
    invocations: Vec<(String, Vec<String>)>,
    /// Debug lines per invocation (so the report is ~20 KB whatever the testcase count).
    debug_lines: usize,
}

fn scope_info(slug: &'static str, text: &str) -> anyhow::Result<ScopeInfo> {
    let spec = Spec::load(text, slug)?;
    let mut ids: Vec<String> = Vec::new();
    for v in spec.versions() {
        for id in v.main() {
            if v.testcase(id).is_some_and(|t| !t.is_manual()) && !ids.contains(id) {
                ids.push(id.clone());
            }
        }
    }
    ids.sort();
    let iaas = slug.contains("iaas");
    let invocations: Vec<(String, Vec<String>)> = if iaas {
        ids.chunks(10)
            .map(|c| {
                (
                    format!(
                        "OS_CLOUD={{subject}} ./iaas/openstack_test.py -c {{subject}} {}",
                        c.join(" ")
                    ),
                    c.to_vec(),
                )
            })
            .collect()
    } else {
        ids.iter()
            .map(|id| {
                (
                    format!(
                        "./kaas/run_check.py -k {{subject_root}}/kubeconfig.yaml -r {{subject_root}}/results-{id} -c '{id}'"
                    ),
                    vec![id.clone()],
                )
            })
            .collect()
    };
    let debug_lines = if iaas { 120 } else { 200 } / invocations.len().max(1);
    Ok(ScopeInfo {
        slug,
        uuid: spec.uuid().to_owned(),
        name: spec.name().to_owned(),
        url: spec.url().unwrap_or("").to_owned(),
        invocations,
        debug_lines,
    })
}

/// One subject as generated.
struct SubjectPlan {
    name: String,
    group: String,
    /// The CI account signing for it, if it delegates.
    delegate: Option<usize>,
    /// The month (index from the start) in which its runs all break, if any.
    broken_month: Option<u32>,
    /// Hour of the day its runs start.
    hour: u32,
}

fn key_from_seed(seed: u64, index: u64, comment: &str) -> anyhow::Result<SigningKey> {
    let mut rng = Lcg::new(seed, 0x6b65_7973_0000_0000 | index);
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&rng.next().to_le_bytes());
    }
    let pair = ssh_key::private::Ed25519Keypair::from_seed(&bytes);
    let key = ssh_key::PrivateKey::new(ssh_key::private::KeypairData::Ed25519(pair), comment)?;
    let text = key.to_openssh(ssh_key::LineEnding::LF)?;
    Ok(SigningKey::from_openssh(&text, None)?)
}

fn main() -> ExitCode {
    let args = GenerateArgs::parse();
    let printer = Printer::new(0, Color::Auto);
    scs_cli::finish("generate", run(&printer, args))
}

/// Write a realistic, deterministic registry input for the benchmarks (see the module docs).
#[derive(Debug, Parser)]
#[command(name = "generate", version, about)]
struct GenerateArgs {
    /// How many subjects (each reports for the IaaS and the KaaS scope).
    #[arg(long, default_value_t = 100)]
    subjects: usize,
    /// How many months of daily reports.
    #[arg(long, default_value_t = 18)]
    months: u32,
    /// Where to write (a new or empty directory).
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    out: PathBuf,
    /// The seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The first day of reports (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", default_value = "2025-01-01")]
    start: NaiveDate,
}

fn run(printer: &Printer, args: GenerateArgs) -> anyhow::Result<Outcome> {
    if args.subjects == 0 || args.months == 0 {
        bail!("--subjects and --months must be at least 1");
    }
    if args.out.exists() && fs::read_dir(&args.out)?.next().is_some() {
        bail!("{} exists and is not empty", scs_cli::shown(&args.out));
    }
    let start = args.start;
    let end = start
        .checked_add_months(chrono::Months::new(args.months))
        .context("--start plus --months is out of range")?;
    let scopes = [
        scope_info("scs-compatible-iaas", seed::IAAS_SPEC)?,
        scope_info("scs-compatible-kaas", seed::KAAS_SPEC)?,
    ];
    let mut rng = Lcg::new(args.seed, 0);
    let mut plans = Vec::with_capacity(args.subjects);
    let mut group = 0usize;
    let mut regions_left = 0u64;
    let mut region = 0u64;
    for _ in 0..args.subjects {
        if regions_left == 0 {
            group += 1;
            regions_left = 1 + rng.below(3);
            region = 0;
        }
        regions_left -= 1;
        region += 1;
        // About 60% of the clouds let a shared CI account sign for them.
        let delegate = rng.chance(600).then(|| rng.index(CI_ACCOUNTS.len()));
        let broken_month = rng.chance(150).then(|| rng.small(args.months));
        plans.push(SubjectPlan {
            name: format!("cloud{group:03}-r{region}"),
            group: format!("cloud{group:03}"),
            delegate,
            broken_month,
            hour: rng.small(24),
        });
    }
    // Keys: CI accounts first, then subjects.
    let key_dir = args.out.join("keys");
    fs::create_dir_all(&key_dir)?;
    let mut ci_keys = Vec::new();
    for (i, name) in CI_ACCOUNTS.iter().enumerate() {
        let key = key_from_seed(args.seed, i as u64, name)?;
        sig::write_key_pair(&key_dir.join(name), &key, None)?;
        ci_keys.push(key);
    }
    let mut subject_keys = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        let key = key_from_seed(args.seed, 1000 + i as u64, &p.name)?;
        sig::write_key_pair(&key_dir.join(&p.name), &key, None)?;
        subject_keys.push(key);
    }
    fs::write(
        args.out.join("bootstrap.yaml"),
        bootstrap(&plans, &ci_keys, &subject_keys),
    )?;
    // Months and their directories.
    let mut months = Vec::new();
    let mut m = start.with_day(1).unwrap_or(start);
    while m < end {
        let name = format!("{:04}-{:02}", m.year(), m.month());
        fs::create_dir_all(args.out.join("reports").join(&name))?;
        let next = m.checked_add_months(chrono::Months::new(1)).unwrap_or(end);
        months.push((name, next.min(end)));
        m = next;
    }
    let streams: Vec<(usize, usize)> = (0..plans.len())
        .flat_map(|s| (0..scopes.len()).map(move |c| (s, c)))
        .collect();
    let out_dir = args.out.join("reports");
    let results = parallel::map(&streams, parallel::workers(), |&(s, c)| {
        let plan = &plans[s];
        let key = match plan.delegate {
            Some(d) => (&ci_keys[d], Some(&subject_keys[s])),
            None => (&subject_keys[s], None),
        };
        let stream = Stream {
            seed: args.seed,
            index: (s * scopes.len() + c) as u64,
            plan,
            scope: &scopes[c],
            start,
            end,
        };
        stream.write(&out_dir, key)
    });
    let (mut reports, mut bytes) = (0u64, 0u64);
    for r in results {
        let (n, b) = r?;
        reports += n;
        bytes += b;
    }
    let month_list: Vec<_> = months
        .iter()
        .map(|(name, next)| {
            json!({
                "month": name,
                "dir": format!("reports/{name}"),
                "received_at": format_instant(next.and_time(NaiveTime::MIN).and_utc()),
            })
        })
        .collect();
    let at = end.and_time(NaiveTime::MIN).and_utc();
    let keys_from = (start - Duration::days(1))
        .and_time(NaiveTime::MIN)
        .and_utc();
    let manifest = json!({
        "seed": args.seed,
        "subjects": plans.len(),
        "accounts": plans.len() + CI_ACCOUNTS.len(),
        "delegated_subjects": plans.iter().filter(|p| p.delegate.is_some()).count(),
        "broken_months": plans.iter().filter(|p| p.broken_month.is_some()).count(),
        "scopes": scopes.iter().map(|s| s.slug).collect::<Vec<_>>(),
        "start": start.to_string(),
        "end": end.to_string(),
        "keys_valid_from": format_instant(keys_from),
        "at": format_instant(at),
        "reports": reports,
        "report_bytes": bytes,
        "months": month_list,
        "sample_subject": plans.first().map(|p| p.name.clone()),
    });
    fs::write(
        args.out.join("manifest.json"),
        format!("{}\n", serde_json::to_string_pretty(&manifest)?),
    )?;
    printer.info(&format!(
        "wrote {reports} signed reports ({} MB) for {} subjects x {} scopes, {} to {}, in {}",
        bytes / 1_000_000,
        plans.len(),
        scopes.len(),
        start,
        end,
        scs_cli::shown(&args.out)
    ));
    Ok(Outcome::Success)
}

fn bootstrap(plans: &[SubjectPlan], ci_keys: &[SigningKey], subject_keys: &[SigningKey]) -> String {
    let key_b64 = |k: &SigningKey| {
        k.public_line()
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned()
    };
    let mut y = String::from(
        "# Generated by `scs-cert generate` for benchmarks: made-up clouds and test-only keys.\naccounts:\n",
    );
    for (name, key) in CI_ACCOUNTS.iter().zip(ci_keys) {
        let _ = write!(
            y,
            "  - subject: {name}\n    keys:\n      - public_key: \"{}\"\n        public_key_type: \"ssh-ed25519\"\n        public_key_name: \"{name}_sign\"\n    roles:\n      - append_any\n",
            key_b64(key)
        );
    }
    for (p, key) in plans.iter().zip(subject_keys) {
        let _ = write!(y, "  - subject: {}\n    group: {}\n", p.name, p.group);
        if let Some(d) = p.delegate {
            let _ = write!(y, "    delegates:\n      - {}\n", CI_ACCOUNTS[d]);
        }
        let _ = write!(
            y,
            "    keys:\n      - public_key: \"{}\"\n        public_key_type: \"ssh-ed25519\"\n        public_key_name: \"primary\"\n",
            key_b64(key)
        );
    }
    y
}

/// The daily reports of one subject and scope.
struct Stream<'a> {
    seed: u64,
    index: u64,
    plan: &'a SubjectPlan,
    scope: &'a ScopeInfo,
    start: NaiveDate,
    end: NaiveDate,
}

impl Stream<'_> {
    /// Writes the stream's reports; returns how many and their bytes. `key` is the signer and,
    /// for delegating subjects, the subject's own key (which signs now and then).
    fn write(
        &self,
        out: &Path,
        key: (&SigningKey, Option<&SigningKey>),
    ) -> anyhow::Result<(u64, u64)> {
        let mut rng = Lcg::new(self.seed, 0x7374_7265_616d_0000 | self.index);
        let ids: Vec<&String> = self
            .scope
            .invocations
            .iter()
            .flat_map(|(_, t)| t.iter())
            .collect();
        let namespace = Namespace::report();
        let (mut n, mut bytes) = (0u64, 0u64);
        let mut gap = 0u32;
        // Failing testcases: (index into ids, verdict, days left).
        let mut streaks: Vec<(usize, i8, u32)> = Vec::new();
        let mut day = self.start;
        let mut month_index = 0u32;
        let mut month = self.start.month();
        while day < self.end {
            if day.month() != month {
                month = day.month();
                month_index += 1;
            }
            let today = day;
            day += Duration::days(1);
            streaks.retain_mut(|s| {
                s.2 -= 1;
                s.2 > 0
            });
            if gap > 0 {
                gap -= 1;
                continue;
            }
            if rng.chance(15) {
                gap = 1 + rng.small(3); // missed days
                continue;
            }
            if rng.chance(4) {
                gap = 6 + rng.small(9); // a week or two without reports
                continue;
            }
            if rng.chance(25) {
                let verdict = if rng.chance(700) { -1 } else { 0 };
                streaks.push((rng.index(ids.len()), verdict, 1 + rng.small(10)));
            }
            let broken = self.plan.broken_month == Some(month_index);
            let aborted = broken || rng.chance(10);
            let mut results: Vec<i8> = vec![1; ids.len()];
            for (i, v, _) in &streaks {
                results[*i] = (*v).min(results[*i]);
            }
            for r in results.iter_mut() {
                if rng.chance(2) {
                    *r = -1;
                }
            }
            if aborted {
                for r in results.iter_mut() {
                    if !broken || rng.chance(700) {
                        *r = 0;
                    }
                }
            }
            let checked_at = today.and_hms_micro_opt(
                self.plan.hour,
                rng.small(60),
                rng.small(60),
                rng.small(1_000_000),
            );
            let Some(checked_at) = checked_at else {
                continue;
            };
            let text = self.report(&mut rng, checked_at, &ids, &results, aborted);
            let signer = match key.1 {
                Some(own) if rng.chance(50) => own,
                _ => key.0,
            };
            let signature = sig::sign(signer, &namespace, text.as_bytes())?;
            let name = format!(
                "{}.{}.{}.yaml",
                self.plan.name,
                self.scope.slug.trim_start_matches("scs-compatible-"),
                today
            );
            let path: PathBuf = out
                .join(format!("{:04}-{:02}", today.year(), today.month()))
                .join(name);
            fs::write(&path, text.as_bytes())
                .with_context(|| format!("while writing {}", scs_cli::shown(&path)))?;
            let mut sig_path = path.into_os_string();
            sig_path.push(".sig");
            fs::write(&sig_path, signature.to_armored())?;
            n += 1;
            bytes += text.len() as u64;
        }
        Ok((n, bytes))
    }

    /// One report as upstream's `scs-compliance-check.py` writes it (PyYAML `safe_dump`,
    /// `sort_keys=False`, `explicit_start=True`): one invocation per script run.
    fn report(
        &self,
        rng: &mut Lcg,
        checked_at: chrono::NaiveDateTime,
        ids: &[&String],
        results: &[i8],
        aborted: bool,
    ) -> String {
        let subject = &self.plan.name;
        let scope = self.scope;
        let mut y = String::with_capacity(24 * 1024);
        let iaas = scope.slug.contains("iaas");
        let assignment = if iaas {
            format!("    os_cloud: {subject}\n")
        } else {
            format!("    subject_root: {subject}\n    kubeconfig: {subject}/kubeconfig.yaml\n")
        };
        let _ = write!(
            y,
            "---\nspec:\n  uuid: {}\n  name: {}\n  url: {}\nchecked_at: {}\nreference_date: {}\nsubject: {subject}\nrun:\n  uuid: {}\n  argv:\n  - ./scs-compliance-check.py\n  - Tests/{}.yaml\n  - --subject={subject}\n  - --output=report.yaml\n  assignment:\n{assignment}  sections: null\n  forced_version: null\n  forced_tests: null\n  invocations:\n",
            scope.uuid,
            scope.name,
            scope.url,
            checked_at.format("%Y-%m-%d %H:%M:%S%.6f"),
            checked_at.date(),
            rng.uuid(),
            scope.slug,
        );
        let verdict_word = |v: i8| match v {
            1 => "PASS",
            -1 => "FAIL",
            _ => "ABORT",
        };
        let mut at = 0usize;
        for (cmd, tcs) in &scope.invocations {
            let inv = rng.uuid();
            let cmd = cmd
                .replace("{subject}", subject)
                .replace("{subject_root}", subject);
            let _ = write!(
                y,
                "    {inv}:\n      id: {inv}\n      cmd: {cmd}\n      results:\n"
            );
            let mine = &results[at..at + tcs.len()];
            for (id, v) in tcs.iter().zip(mine) {
                let _ = writeln!(y, "        {id}: {v}");
            }
            let rc = if aborted && mine.iter().all(|v| *v == 0) {
                1
            } else {
                0
            };
            let _ = writeln!(y, "      rc: {rc}\n      stdout:");
            for k in 0..scope.debug_lines {
                let what = ["listing", "checking", "fetching", "comparing"][rng.index(4)];
                let object =
                    ["flavor", "image", "volume type", "network", "node", "pod"][rng.index(6)];
                let tc = ids[rng.index(ids.len())];
                let _ = writeln!(
                    y,
                    "      - 'DEBUG: {what} {object} {k} ({}) for {tc}'",
                    rng.below(100_000)
                );
            }
            for (id, v) in tcs.iter().zip(mine) {
                let _ = writeln!(y, "      - '{id}: {}'", verdict_word(*v));
            }
            y.push_str("      stderr:\n");
            let (mut info, mut warning, mut error, mut critical) = (0, 0, 0, 0);
            let stderr_lines = 50 / scope.invocations.len().max(1) + 1;
            for k in 0..stderr_lines {
                let level = match rng.below(10) {
                    0..=3 => {
                        info += 1;
                        "INFO"
                    }
                    4..=7 => {
                        warning += 1;
                        "WARNING"
                    }
                    _ => {
                        error += 1;
                        "ERROR"
                    }
                };
                let tc = &tcs[rng.index(tcs.len())];
                let _ = writeln!(
                    y,
                    "      - '{level}: object {k} has a property mismatch in {tc}'"
                );
            }
            if rc != 0 {
                critical += 1;
                y.push_str("      - 'CRITICAL: the API endpoint did not answer within 300 s'\n");
            }
            let _ = write!(
                y,
                "      info: {info}\n      warning: {warning}\n      error: {error}\n      critical: {critical}\n"
            );
            at += tcs.len();
        }
        y
    }
}
