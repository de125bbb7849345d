//! `scs-cert`: the forum's certificate registry. A thin layer over the `scs_cert` library.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    let printer = scs_cert::cli::Printer::new(args.global.quiet, args.global.color);
    let ctx = cmd::Ctx::new(printer, args.global);
    let result = match args.command {
        cli::Command::Init(a) => cmd::init::run(&ctx, a),
        cli::Command::Scope(c) => cmd::scope::run(&ctx, c),
        cli::Command::Subject(c) => cmd::subject::run(&ctx, c),
        cli::Command::Ingest(a) => cmd::ingest::run(&ctx, a),
        cli::Command::Status(a) => cmd::status::run(&ctx, a),
        cli::Command::Eligible(a) => cmd::eligible::run(&ctx, a),
        cli::Command::Registry(c) => cmd::registry::run(&ctx, c),
        cli::Command::Demo(a) => cmd::demo::run(&ctx, a),
    };
    scs_cert::cli::finish("scs-cert", result)
}
