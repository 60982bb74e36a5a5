use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = techbridge::cli::Cli::parse();
    techbridge::cli::run(cli)
}
