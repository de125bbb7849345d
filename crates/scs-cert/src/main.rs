//! `scs-cert`: the forum's certificate registry. A thin layer over the `scs_cert` library.

mod cli;
mod cmd;

use std::process::ExitCode;

fn main() -> ExitCode {
    scs_cli::exit_2_on_panic("scs-cert");
    let args: cli::Args = scs_cli::parse_args("scs-cert", cli::command());
    let printer = args.global.output.printer();
    let ctx = cmd::Ctx::new(printer, args.global);
    let result = match args.command {
        cli::Command::Init(a) => cmd::init::run(&ctx, a),
        cli::Command::Scope(c) => cmd::scope::run(&ctx, c),
        cli::Command::Subject(c) => cmd::subject::run(&ctx, c),
        cli::Command::Ingest(a) => cmd::ingest::run(&ctx, a),
        cli::Command::Status(a) => cmd::status::run(&ctx, a),
        cli::Command::Eligible(a) => cmd::eligible::run(&ctx, a),
        cli::Command::Issue(a) => cmd::lifecycle::issue(&ctx, a),
        cli::Command::Renew(a) => cmd::lifecycle::renew(&ctx, a),
        cli::Command::Suspend(a) => cmd::lifecycle::suspend(&ctx, a),
        cli::Command::Reinstate(a) => cmd::lifecycle::reinstate(&ctx, a),
        cli::Command::Withdraw(a) => cmd::lifecycle::withdraw(&ctx, a),
        cli::Command::Certificates(a) => cmd::lifecycle::list(&ctx, a),
        cli::Command::Certificate(cli::CertificateCommand::Show(a)) => {
            cmd::lifecycle::show(&ctx, a)
        }
        cli::Command::Attention(a) => cmd::attention::run(&ctx, a),
        cli::Command::Manual(c) => cmd::manual::run(&ctx, c),
        cli::Command::Render(a) => cmd::render::run(&ctx, a),
        cli::Command::Publish(a) => cmd::publish::run(&ctx, a),
        cli::Command::Crl(a) => cmd::lifecycle::crl(&ctx, a),
        cli::Command::TrustedRoot(a) => cmd::subject::trusted_root(&ctx, a),
        cli::Command::Verify(a) => cmd::verify::run(&ctx, a),
        cli::Command::Registry(c) => cmd::registry::run(&ctx, c),
        cli::Command::Demo(a) => cmd::demo::run(&ctx, a),
        cli::Command::Completions(a) => scs_cli::completions(cli::command(), &a),
        cli::Command::Man(a) => scs_cli::man_pages(cli::command(), &a, &ctx.printer),
    };
    scs_cli::finish("scs-cert", result)
}
