//! The `coro` command line: parse arguments, call the library, map results to exit codes.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "coro", version, about = "Coro: a Python 3.11 subset built around coroutines")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check that files parse; report every syntax error found.
    Check {
        /// Files to check.
        files: Vec<String>,
    },
    /// Print the syntax tree of a file (for debugging).
    Parse {
        /// The file to parse.
        file: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check { files }) => {
            let mut ok = true;
            for f in files {
                ok &= coro::cli::check_file(&f);
            }
            if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Some(Command::Parse { file }) => {
            if coro::cli::parse_file(&file) { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        None => ExitCode::SUCCESS,
    }
}
