//! `service`: what tracing costs a real server. nginx (its own config, in a temp dir,
//! on 127.0.0.1 only) serves a small static file to wrk over loopback, untraced, with
//! an empty program on the syscall tracepoints (the floor for any tracer there), with
//! rtrace on every worker, and with strace on every worker; requests/s compared.

use std::{
    fs,
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use anyhow::{Context, Result, bail};

use super::{
    Bench, Benchmark,
    empty_program::{EmptyProgram, SYSCALL_TRACEPOINTS},
    interleaved,
    process::{self, Tracer},
    report::{Table, as_f64, grouped, median, median_count, median_secs, range, times},
};

const WORKERS: usize = 2;
const WRK_THREADS: u32 = 2;
const WRK_CONNECTIONS: u32 = 50;
/// The file wrk fetches: small, so the cost is in the syscalls, not the copying.
const PAGE_BYTES: usize = 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Config {
    Untraced,
    /// The empty program on both syscall tracepoints: what any such tracer costs.
    EmptyProgram,
    Rtrace,
    Strace,
}

impl Config {
    const ALL: [Self; 4] = [
        Self::Untraced,
        Self::EmptyProgram,
        Self::Rtrace,
        Self::Strace,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Untraced => "untraced",
            Self::EmptyProgram => "empty program (raw tp)",
            Self::Rtrace => "rtrace -o",
            Self::Strace => "strace -f -o",
        }
    }
}

/// One wrk run, and what the tracer (if any) wrote and used meanwhile.
struct Sample {
    load: Load,
    lines: u64,
    /// Lines less strace's `resumed` halves: one per syscall.
    syscalls: u64,
    lost: u64,
    tracer_cpu: Duration,
}

/// What wrk reported.
struct Load {
    requests: u64,
    per_second: f64,
    /// wrk's socket-error or non-2xx lines, when it printed any.
    errors: Vec<String>,
}

/// Runs the benchmark and prints its table.
pub fn run(bench: &Bench) -> Result<()> {
    let nginx = Nginx::start()?;
    let url = format!("http://127.0.0.1:{}/index.html", nginx.port);
    wrk(&url, 2).context("warm-up run")?;
    let samples = interleaved(&Config::ALL, bench.runs, |config| {
        measure(bench, &nginx, &url, config).with_context(|| format!("service: {}", config.name()))
    })?;
    nginx.stop()?;
    print(bench, &samples);
    Ok(())
}

fn measure(bench: &Bench, nginx: &Nginx, url: &str, config: Config) -> Result<Sample> {
    let out = bench.dir.join(format!(
        "service.{}.out",
        config.name().split(' ').next().unwrap_or("x")
    ));
    let pids: Vec<String> = nginx.workers.iter().map(u32::to_string).collect();
    let _empty = match config {
        Config::EmptyProgram => Some(EmptyProgram::attach(&SYSCALL_TRACEPOINTS)?),
        _ => None,
    };
    let tracer = match config {
        Config::Untraced | Config::EmptyProgram => None,
        Config::Rtrace => {
            let mut cmd = Command::new(bench.rtrace);
            cmd.arg("-o").arg(&out).arg("-p").arg(pids.join(","));
            Some(Tracer::start(&mut cmd, pids.len())?)
        }
        Config::Strace => {
            let mut cmd = Command::new("strace");
            cmd.arg("-f").arg("-o").arg(&out);
            for pid in &pids {
                cmd.args(["-p", pid]);
            }
            Some(Tracer::start(&mut cmd, pids.len())?)
        }
    };
    let load = wrk(url, bench.seconds);
    let exit = match tracer {
        Some(mut tracer) => {
            tracer.interrupt()?;
            Some(tracer.finish()?)
        }
        None => None,
    };
    let load = load?;
    nginx.check_workers()?;
    let (lines, syscalls, lost, tracer_cpu) = match exit {
        Some(exit) => (
            process::count_lines(&out),
            process::count_syscalls(&out),
            exit.rtrace_lost(),
            exit.usage.cpu,
        ),
        None => (0, 0, 0, Duration::ZERO),
    };
    Ok(Sample {
        load,
        lines,
        syscalls,
        lost,
        tracer_cpu,
    })
}

/// Runs wrk on `url` for `seconds` and reads its summary.
fn wrk(url: &str, seconds: u64) -> Result<Load> {
    let out = Command::new("wrk")
        .arg(format!("-t{WRK_THREADS}"))
        .arg(format!("-c{WRK_CONNECTIONS}"))
        .arg(format!("-d{seconds}s"))
        .arg(url)
        .stdin(Stdio::null())
        .output()
        .context("running wrk")?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("wrk failed: {text}{}", String::from_utf8_lossy(&out.stderr));
    }
    parse_wrk(&text).with_context(|| format!("unexpected wrk output:\n{text}"))
}

fn parse_wrk(text: &str) -> Option<Load> {
    let per_second = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:")?.trim().parse().ok())?;
    let requests = text.lines().find_map(|l| {
        let (count, rest) = l.trim().split_once(' ')?;
        rest.starts_with("requests in")
            .then(|| count.parse().ok())?
    })?;
    let errors = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("Socket errors") || l.starts_with("Non-2xx"))
        .map(str::to_owned)
        .collect();
    Some(Load {
        requests,
        per_second,
        errors,
    })
}

fn print(bench: &Bench, samples: &[Vec<Sample>]) {
    let mut table = Table::new(
        format!(
            "service: nginx ({WORKERS} workers, {PAGE_BYTES}-byte file) under wrk \
             (-t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{}s) on 127.0.0.1",
            bench.seconds
        ),
        bench.command(Benchmark::Service),
        &[
            "config",
            "requests/s",
            "range",
            "vs untraced",
            "lines",
            "syscalls/request",
            "lost",
            "tracer CPU s",
        ],
    );
    let base = median(samples[0].iter().map(|s| s.load.per_second));
    for (config, runs) in Config::ALL.iter().zip(samples) {
        let per_second = median(runs.iter().map(|s| s.load.per_second));
        let traced = matches!(config, Config::Rtrace | Config::Strace);
        let per_request = median(
            runs.iter()
                .map(|s| as_f64(s.syscalls) / as_f64(s.load.requests.max(1))),
        );
        table.row(vec![
            config.name().to_owned(),
            grouped(per_second),
            range(runs.iter().map(|s| s.load.per_second), grouped),
            times(per_second / base),
            if traced {
                grouped(median_count(runs.iter().map(|s| s.lines)))
            } else {
                "-".into()
            },
            if traced {
                format!("{per_request:.1}")
            } else {
                "-".into()
            },
            if *config == Config::Rtrace {
                grouped(median_count(runs.iter().map(|s| s.lost)))
            } else {
                "-".into()
            },
            if traced {
                format!("{:.2}", median_secs(runs.iter().map(|s| &s.tracer_cpu)))
            } else {
                "-".into()
            },
        ]);
        for error in runs.iter().flat_map(|s| &s.load.errors) {
            table.note(format!("{}: wrk reported {error}", config.name()));
        }
    }
    table.note(
        "syscalls/request: trace lines, less strace's `<... resumed>` halves, per request wrk counted; \
         lines, lost, tracer CPU s (user+sys of the tracer over the run): median per run",
    );
    table.print();
}

/// An nginx of our own: config, document root and logs in a temp dir, one port on
/// 127.0.0.1, in the foreground as our child (killed if the benchmark fails).
struct Nginx {
    master: Child,
    dir: PathBuf,
    port: u16,
    workers: Vec<u32>,
}

impl Nginx {
    fn start() -> Result<Self> {
        let dir = std::env::temp_dir().join(format!("rtrace-bench-nginx-{}", std::process::id()));
        let port = free_port()?;
        write_site(&dir, port)?;
        let master = Command::new("nginx")
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdin(Stdio::null())
            .spawn()
            .context("starting nginx")?;
        let mut nginx = Self {
            master,
            dir,
            port,
            workers: Vec::new(),
        };
        let master = nginx.master.id();
        nginx.workers = process::poll_until(Duration::from_secs(10), "nginx workers", || {
            let workers = process::children_of(master);
            (workers.len() == WORKERS && TcpStream::connect(("127.0.0.1", port)).is_ok())
                .then_some(workers)
        })
        .with_context(|| {
            format!(
                "nginx did not come up; see {}",
                nginx.dir.join("error.log").display()
            )
        })?;
        Ok(nginx)
    }

    /// Fails when a worker died (say, a tracer broke it).
    fn check_workers(&self) -> Result<()> {
        let now = process::children_of(self.master.id());
        if self.workers.iter().any(|w| !now.contains(w)) {
            bail!("nginx workers {:?} are gone (now {now:?})", self.workers);
        }
        Ok(())
    }

    fn stop(mut self) -> Result<()> {
        self.shut_down()
    }

    fn shut_down(&mut self) -> Result<()> {
        process::signal(self.master.id(), libc::SIGTERM)?;
        process::reap_within(&mut self.master, Duration::from_secs(10))?;
        fs::remove_dir_all(&self.dir).ok();
        Ok(())
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        if matches!(self.master.try_wait(), Ok(None)) {
            self.shut_down().ok();
        }
    }
}

/// A port nobody listens on right now.
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

/// nginx.conf, the document root and the temp dirs, under `dir`.
fn write_site(dir: &Path, port: u16) -> Result<()> {
    fs::create_dir_all(dir.join("www"))?;
    fs::create_dir_all(dir.join("tmp"))?;
    fs::write(
        dir.join("www/index.html"),
        "x".repeat(PAGE_BYTES - 1) + "\n",
    )?;
    let d = dir.display();
    let conf = format!(
        "worker_processes {WORKERS};\n\
         daemon off;\n\
         pid {d}/nginx.pid;\n\
         error_log {d}/error.log warn;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n\
         \x20   access_log off;\n\
         \x20   client_body_temp_path {d}/tmp/body;\n\
         \x20   proxy_temp_path {d}/tmp/proxy;\n\
         \x20   fastcgi_temp_path {d}/tmp/fastcgi;\n\
         \x20   uwsgi_temp_path {d}/tmp/uwsgi;\n\
         \x20   scgi_temp_path {d}/tmp/scgi;\n\
         \x20   server {{\n\
         \x20       listen 127.0.0.1:{port};\n\
         \x20       root {d}/www;\n\
         \x20   }}\n\
         }}\n"
    );
    fs::write(dir.join("nginx.conf"), conf).context("writing nginx.conf")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_summary() {
        let text = "Running 10s test @ http://127.0.0.1:8080/index.html\n  2 threads and 50 connections\n\
                    \x20 Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
                    \x20   Latency     1.06ms  385.20us  12.42ms   88.69%\n\
                    \x20 482915 requests in 10.00s, 597.91MB read\n\
                    \x20 Socket errors: connect 0, read 3, write 0, timeout 0\n\
                    Requests/sec:  48284.76\nTransfer/sec:     59.78MB\n";
        let load = parse_wrk(text).unwrap();
        assert_eq!(load.requests, 482_915);
        assert!((load.per_second - 48_284.76).abs() < 1e-6);
        assert_eq!(load.errors.len(), 1);
    }
}
