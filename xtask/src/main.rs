//! `cargo xtask`: everything around the code. Provisions the eBPF toolchain, builds the
//! kernel object and the daemon with the object embedded, runs, tests, benchmarks.

mod bench;
mod codegen;
mod fidelity;
mod toolchain;

use std::{
    env,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Xtask {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Install what the eBPF build needs (Debian packages, bpf-linker) if missing.
    Setup,
    /// Build the eBPF object and `target/release/rtrace` with it embedded.
    Build,
    /// Build, then run rtrace with these arguments (`cargo xtask run -- -p PID`).
    Run {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Build, then run the unit tests and the end-to-end tests (root, real kernel).
    Test {
        /// Extra arguments for the end-to-end test run (a filter, `--nocapture`...).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Build, then benchmark rtrace against no tracer, strace, perf trace and an empty eBPF
    /// program: `cargo xtask bench [floor] [service] [bystander] [daemon]` (all by default).
    Bench(bench::BenchArgs),
    /// Regenerate the syscall argument-count table from this kernel's tracepoints.
    Codegen,
    /// Build, then trace a corpus of real programs with strace and rtrace and count the
    /// lines rtrace reproduces.
    Fidelity(fidelity::FidelityArgs),
}

/// The workspace root (xtask lives one level down).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is in the workspace")
        .to_path_buf()
}

fn cargo() -> Command {
    Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Builds the eBPF object with Debian's rustc; returns its path.
fn build_ebpf(root: &Path) -> Result<PathBuf> {
    let linker = toolchain::ensure_bpf_toolchain()?;
    let target_dir = root.join("target/bpf");
    let rustflags = [
        "--cfg=bpf_target_arch=\"x86_64\"",
        "-Cdebuginfo=2",
        "-Clink-arg=--btf",
    ];
    toolchain::run(
        Command::new(toolchain::BPF_CARGO)
            .current_dir(root.join("rtrace-ebpf"))
            .args(["build", "--release", "--target", "bpfel-unknown-none"])
            .env("RUSTC", toolchain::BPF_RUSTC)
            .env_remove("RUSTC_WRAPPER")
            .env_remove("RUSTFLAGS")
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_TARGET_DIR", &target_dir)
            .env("CARGO_TARGET_BPFEL_UNKNOWN_NONE_LINKER", &linker)
            .env("CARGO_ENCODED_RUSTFLAGS", rustflags.join("\x1f")),
    )
    .context("building the eBPF programs")?;
    Ok(target_dir.join("bpfel-unknown-none/release/rtrace"))
}

/// Builds everything; returns the path of the rtrace binary.
fn build(root: &Path) -> Result<PathBuf> {
    let object = build_ebpf(root)?;
    toolchain::run(
        cargo()
            .current_dir(root)
            .args(["build", "--release", "--package", "rtrace"])
            .env("RTRACE_EBPF_OBJECT", &object),
    )
    .context("building rtrace")?;
    Ok(root.join("target/release/rtrace"))
}

fn main() -> Result<()> {
    let task = Xtask::parse();
    let root = workspace_root();
    match task.command {
        Task::Setup => {
            toolchain::ensure_bpf_toolchain()?;
        }
        Task::Build => {
            let bin = build(&root)?;
            eprintln!("xtask: built {}", bin.display());
        }
        Task::Run { args } => {
            let bin = build(&root)?;
            // Ctrl-C reaches rtrace too, which detaches and writes the end of the trace:
            // wait for it, as a shell does, rather than die first.
            // SAFETY: signal(2) with SIG_IGN. rtrace inherits it, and installs its own
            // handler first thing.
            unsafe { libc::signal(libc::SIGINT, libc::SIG_IGN) };
            let status = Command::new(&bin)
                .args(&args)
                .status()
                .context("starting rtrace")?;
            let code = status
                .code()
                .or_else(|| Some(128 + std::os::unix::process::ExitStatusExt::signal(&status)?))
                .unwrap_or(1);
            std::process::exit(code);
        }
        Task::Test { args } => {
            // strace to compare with; PHP-FPM, the workers rtrace is for; python3, the
            // servers and clients of the socket tests; bpftool, to see what rtrace leaves
            // loaded; pgrep, to find the sleep a launched shell started.
            toolchain::ensure_packages(&[
                ("strace", "/usr/bin/strace"),
                ("bpftool", "/usr/sbin/bpftool"),
                ("procps", "/usr/bin/pgrep"),
                ("php-fpm", "/usr/sbin/php-fpm8.2"),
                ("python3", "/usr/bin/python3"),
            ])?;
            let bin = build(&root)?;
            toolchain::run(cargo().current_dir(&root).args([
                "test",
                "--workspace",
                "--exclude",
                "rtrace-tests",
            ]))
            .context("unit tests")?;
            toolchain::run(
                cargo()
                    .current_dir(&root)
                    .args(["test", "--release", "--package", "rtrace-tests", "--"])
                    .args(&args)
                    .env("RTRACE_BIN", &bin),
            )
            .context("end-to-end tests")?;
        }
        Task::Codegen => codegen::run(&root)?,
        Task::Fidelity(args) => fidelity::run(&root, &build(&root)?, &args)?,
        Task::Bench(args) => {
            toolchain::ensure_packages(&[("strace", "/usr/bin/strace")])?;
            let bin = build(&root)?;
            bench::run(&root, &bin, &args)?;
        }
    }
    Ok(())
}
