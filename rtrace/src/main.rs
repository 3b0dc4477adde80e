//! rtrace: strace's view of running processes, from eBPF programs on the syscall
//! tracepoints, without stopping them.

mod btf;
mod cli;
mod decode;
mod loader;
mod output;
mod session;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rtrace: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(session::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rtrace: {e:#}");
            ExitCode::FAILURE
        }
    }
}
