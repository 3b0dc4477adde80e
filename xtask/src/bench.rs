//! `cargo xtask bench`: measures what tracing costs, every configuration side by side in
//! one run (interleaved per round, medians reported), so numbers taken on a shared,
//! noisy machine still compare. Four benchmarks, each printing a small table:
//!
//! - `floor`: a one-byte read/write loop untraced, under rtrace, strace and `perf trace`;
//! - `service`: nginx's and php -S's requests/s under wrk, untraced and with their
//!   workers traced;
//! - `bystander`: what tracing one process costs another, untraced, process;
//! - `daemon`: rtrace's own CPU and memory per event, and the event rate it sustains.

mod bystander;
mod daemon;
mod empty_program;
mod floor;
mod load;
mod process;
mod report;
mod service;

use std::{fmt::Write as _, fs, path::Path};

use anyhow::Result;
use clap::ValueEnum;

use crate::toolchain;

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Benchmarks to run, in this order (all of them when none is named).
    #[arg(value_enum)]
    benchmarks: Vec<Benchmark>,
    /// Rounds per benchmark; each round runs every configuration once.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Blocks the floor loop (dd bs=1) copies: two syscalls each.
    #[arg(long, default_value_t = 300_000)]
    blocks: u64,
    /// Seconds of each wrk run (service).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Seconds of each rate step of the daemon's ladder.
    #[arg(long, default_value_t = 5)]
    step_seconds: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Benchmark {
    Floor,
    Service,
    Bystander,
    Daemon,
}

impl Benchmark {
    const ALL: [Self; 4] = [Self::Floor, Self::Service, Self::Bystander, Self::Daemon];

    fn name(self) -> &'static str {
        match self {
            Self::Floor => "floor",
            Self::Service => "service",
            Self::Bystander => "bystander",
            Self::Daemon => "daemon",
        }
    }
}

/// What every benchmark gets: the rtrace binary, a scratch directory, the options.
pub struct Bench<'a> {
    pub rtrace: &'a Path,
    /// Where traces are written (`target/bench`).
    pub dir: &'a Path,
    pub runs: usize,
    pub blocks: u64,
    pub seconds: u64,
    pub step_seconds: u64,
}

impl Bench<'_> {
    /// Syscalls one floor loop makes.
    pub fn loop_syscalls(&self) -> u64 {
        self.blocks * 2
    }

    /// The command line that reproduces `benchmark` with these options.
    fn command(&self, benchmark: Benchmark) -> String {
        let mut cmd = format!(
            "cargo xtask bench {} --runs {}",
            benchmark.name(),
            self.runs
        );
        if matches!(
            benchmark,
            Benchmark::Floor | Benchmark::Bystander | Benchmark::Daemon
        ) {
            let _ = write!(cmd, " --blocks {}", self.blocks);
        }
        if benchmark == Benchmark::Service {
            let _ = write!(cmd, " --seconds {}", self.seconds);
        }
        if benchmark == Benchmark::Daemon {
            let _ = write!(cmd, " --step-seconds {}", self.step_seconds);
        }
        cmd
    }
}

/// Runs `measure` for every configuration, `runs` rounds, rotating the order each round
/// (see [`report::rotated`]); returns the samples of each configuration, in `configs` order.
fn interleaved<C: Copy + PartialEq, S>(
    configs: &[C],
    runs: usize,
    mut measure: impl FnMut(C) -> Result<S>,
) -> Result<Vec<Vec<S>>> {
    let mut samples: Vec<Vec<S>> = configs.iter().map(|_| Vec::new()).collect();
    for round in 0..runs {
        for config in report::rotated(configs, round) {
            let slot = configs
                .iter()
                .position(|&c| c == config)
                .expect("a listed configuration");
            samples[slot].push(measure(config)?);
        }
    }
    Ok(samples)
}

/// Debian packages, each with a file it installs (see `toolchain::ensure_packages`).
type Packages = Vec<(&'static str, &'static str)>;

/// The packages a benchmark needs, then those that only add a row (whose absence is
/// reported instead of failing the run).
fn packages(benchmark: Benchmark) -> (Packages, Packages) {
    let strace = ("strace", "/usr/bin/strace");
    match benchmark {
        Benchmark::Floor => (vec![strace], vec![("linux-perf", "/usr/bin/perf")]),
        Benchmark::Service => (
            vec![
                strace,
                ("nginx", "/usr/sbin/nginx"),
                ("php-cli", "/usr/bin/php"),
                ("wrk", "/usr/bin/wrk"),
            ],
            vec![],
        ),
        Benchmark::Bystander => (vec![], vec![("bpftrace", "/usr/bin/bpftrace")]),
        Benchmark::Daemon => (vec![], vec![]),
    }
}

fn ensure_tools(benchmarks: &[Benchmark]) -> Result<()> {
    for &benchmark in benchmarks {
        let (required, optional) = packages(benchmark);
        toolchain::ensure_packages(&required)?;
        for package in optional {
            if let Err(e) = toolchain::ensure_packages(&[package]) {
                eprintln!(
                    "xtask: bench {}: going on without {}: {e:#}",
                    benchmark.name(),
                    package.0
                );
            }
        }
    }
    Ok(())
}

/// Runs the chosen benchmarks and prints their tables.
///
/// # Errors
/// When a tool cannot be installed or a run fails.
pub fn run(root: &Path, rtrace: &Path, args: &BenchArgs) -> Result<()> {
    let benchmarks = if args.benchmarks.is_empty() {
        Benchmark::ALL.to_vec()
    } else {
        args.benchmarks.clone()
    };
    ensure_tools(&benchmarks)?;
    let dir = root.join("target/bench");
    fs::create_dir_all(&dir)?;
    let bench = Bench {
        rtrace,
        dir: &dir,
        runs: args.runs.max(1),
        blocks: args.blocks.max(1),
        seconds: args.seconds.max(1),
        step_seconds: args.step_seconds.max(1),
    };
    println!(
        "rtrace bench: {} rounds each, configurations interleaved per round; medians. \
         Machine: {} CPUs, shared (other work may run).",
        bench.runs,
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    for benchmark in benchmarks {
        eprintln!("xtask: bench {}...", benchmark.name());
        match benchmark {
            Benchmark::Floor => floor::run(&bench)?,
            Benchmark::Service => service::run(&bench)?,
            Benchmark::Bystander => bystander::run(&bench)?,
            Benchmark::Daemon => daemon::run(&bench)?,
        }
    }
    Ok(())
}
