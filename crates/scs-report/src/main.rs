//! `scs-report`: create report-signing keys, sign compliance run reports, verify them and read
//! their verdicts. A thin layer over the `scs_cert` library.

mod cli;
mod cmd;

use std::process::ExitCode;

use clap::CommandFactory as _;

fn main() -> ExitCode {
    scs_cli::exit_2_on_panic("scs-report");
    let args: cli::Args = scs_cli::parse_args("scs-report", cli::Args::command());
    let printer = args.global.output.printer();
    let result = match args.command {
        cli::Command::Keygen(a) => cmd::keygen::run(&printer, a),
        cli::Command::Sign(a) => cmd::sign::run(&printer, a),
        cli::Command::Verify(a) => cmd::verify::run(&printer, a),
        cli::Command::Show(a) => cmd::show::run(&printer, a),
        cli::Command::Demo(a) => cmd::demo::run(&printer, a),
        cli::Command::Completions(a) => scs_cli::completions(cli::Args::command(), &a),
        cli::Command::Man(a) => scs_cli::man_pages(cli::Args::command(), &a, &printer),
        #[cfg(feature = "sigstore")]
        cli::Command::Sigstore(a) => cmd::sigstore::run(&printer, a),
    };
    scs_cli::finish("scs-report", result)
}
