//! rtrace: strace's view of running processes, from eBPF programs on the syscall
//! tracepoints, without stopping them.

mod btf;
mod cli;
mod clock;
mod decode;
mod filter;
mod inflight;
mod launch;
mod loader;
mod mapped;
mod output;
mod session;
mod stack;
mod summary;
mod threads;
mod timing;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help, --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // One line: clap's message without its usage block.
            let text = e.to_string();
            let message: Vec<&str> = text
                .lines()
                .map(str::trim)
                .take_while(|l| !l.is_empty() && !l.starts_with("Usage:"))
                .collect();
            let message = message.join(" ");
            let message = message.strip_prefix("error: ").unwrap_or(&message);
            eprintln!("rtrace: {message} (see rtrace --help)");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rtrace: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(session::run(cli)) {
        Ok(ending) => ending.finish(),
        Err(e) => {
            eprintln!("rtrace: {e:#}");
            ExitCode::FAILURE
        }
    }
}
