//! `service`: what tracing costs a real server. Two servers, each in a temp dir on
//! 127.0.0.1 only, with two workers, answer wrk over loopback: nginx serving a small
//! static file (the most syscalls per request a server makes: the worst case), and
//! PHP's built-in server running a small script (the PHP workers rtrace is for, and the
//! workload of the reference figures). Each runs untraced, with an empty program on the
//! syscall tracepoints (the floor for any tracer there), with rtrace on every worker,
//! and with strace on every worker; requests/s compared.

use std::{
    fs,
    net::{TcpListener, TcpStream},
    os::unix::process::CommandExt as _,
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
    report::{Table, as_f64, grouped, median, median_count, range, times},
};

const WORKERS: usize = 2;
const WRK_THREADS: u32 = 2;
const WRK_CONNECTIONS: u32 = 50;
/// The page wrk fetches: small, so the cost is in the syscalls, not the copying.
const PAGE_BYTES: usize = 1024;

/// The servers measured, in this order.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Nginx,
    Php,
}

impl Kind {
    const ALL: [Self; 2] = [Self::Nginx, Self::Php];

    /// The server's program, and the name of its temp dir and trace files.
    fn name(self) -> &'static str {
        match self {
            Self::Nginx => "nginx",
            Self::Php => "php",
        }
    }

    fn title(self) -> String {
        match self {
            Self::Nginx => format!("nginx ({WORKERS} workers, a {PAGE_BYTES}-byte static file)"),
            Self::Php => format!(
                "php -S (PHP_CLI_SERVER_WORKERS={WORKERS}: they and the master answer; \
                 a script printing {PAGE_BYTES} bytes)"
            ),
        }
    }
}

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
    /// The tracer's CPU time while wrk ran: what it took from the server's two CPUs
    /// (its start-up, the kernel's check of its programs, is before).
    tracer_cpu: Duration,
}

/// What wrk reported.
struct Load {
    requests: u64,
    per_second: f64,
    /// wrk's socket-error or non-2xx lines, when it printed any.
    errors: Vec<String>,
}

/// Runs the benchmark and prints its tables, one per server.
pub fn run(bench: &Bench) -> Result<()> {
    for kind in Kind::ALL {
        let server = Server::start(kind)?;
        wrk(&server.url, 2).context("warm-up run")?;
        let samples = interleaved(&Config::ALL, bench.runs, |config| {
            measure(bench, &server, config).with_context(|| format!("service: {}", config.name()))
        })?;
        server.stop()?;
        print(bench, kind, &samples);
    }
    Ok(())
}

fn measure(bench: &Bench, server: &Server, config: Config) -> Result<Sample> {
    let out = bench.dir.join(format!(
        "service.{}.{}.out",
        server.kind.name(),
        config.name().split(' ').next().unwrap_or("x")
    ));
    let pids: Vec<String> = server.workers.iter().map(u32::to_string).collect();
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
    let cpu_before = tracer
        .as_ref()
        .map(|t| process::cpu_so_far(t.child.id()))
        .transpose()?;
    let load = wrk(&server.url, bench.seconds);
    let cpu_during = match (&tracer, cpu_before) {
        (Some(t), Some(before)) => process::cpu_so_far(t.child.id())?.saturating_sub(before),
        _ => Duration::ZERO,
    };
    let exit = match tracer {
        Some(mut tracer) => {
            tracer.interrupt()?;
            Some(tracer.finish()?)
        }
        None => None,
    };
    let load = load?;
    server.check_workers()?;
    let (lines, syscalls, lost) = match exit {
        Some(exit) => (
            process::count_lines(&out),
            process::count_syscalls(&out),
            exit.rtrace_lost(),
        ),
        None => (0, 0, 0),
    };
    Ok(Sample {
        load,
        lines,
        syscalls,
        lost,
        tracer_cpu: cpu_during,
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
        .filter(|l| {
            l.starts_with("Non-2xx") || l.starts_with("Socket errors") && !only_closes(l, requests)
        })
        .map(str::to_owned)
        .collect();
    Some(Load {
        requests,
        per_second,
        errors,
    })
}

/// Whether a `Socket errors:` line counts nothing but one read error per request at
/// most: a server that closes each connection after its answer (php -S does), which
/// wrk counts as a read error, not a failed request.
fn only_closes(line: &str, requests: u64) -> bool {
    let count = |name: &str| -> Option<u64> {
        let at = line.find(&format!("{name} "))? + name.len() + 1;
        line[at..].split(',').next()?.trim().parse().ok()
    };
    matches!(
        (count("connect"), count("read"), count("write"), count("timeout")),
        (Some(0), Some(read), Some(0), Some(0)) if read <= requests
    )
}

fn print(bench: &Bench, kind: Kind, samples: &[Vec<Sample>]) {
    let mut table = Table::new(
        format!(
            "service: {} under wrk (-t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{}s) on 127.0.0.1",
            kind.title(),
            bench.seconds
        ),
        bench.command(Benchmark::Service),
        &[
            "config",
            "requests/s",
            "range",
            "vs untraced",
            "per round",
            "lines",
            "syscalls/request",
            "lost",
            "tracer µs/request",
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
            times(median(
                runs.iter()
                    .zip(&samples[0])
                    .map(|(s, u)| s.load.per_second / u.load.per_second),
            )),
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
                format!(
                    "{:.2}",
                    median(runs.iter().map(|s| {
                        s.tracer_cpu.as_secs_f64() * 1e6 / as_f64(s.load.requests.max(1))
                    }))
                )
            } else {
                "-".into()
            },
        ]);
        for error in runs.iter().flat_map(|s| &s.load.errors) {
            table.note(format!("{}: wrk reported {error}", config.name()));
        }
    }
    table.note(
        "per round: the median of each round's ratio to that round's untraced run (the \
         machine's speed drifts between rounds; a round's runs are next to each other)",
    );
    table.note(
        "syscalls/request: trace lines, less strace's `<... resumed>` halves, per request wrk counted; \
         tracer µs/request: the tracer's CPU time while wrk ran, per request; \
         lines, lost and it: median per run",
    );
    table.print();
}

/// A server of our own: config and content in a temp dir, one port on 127.0.0.1, in
/// the foreground as our child, in a process group of its own (killed whole when done,
/// or when the benchmark fails).
struct Server {
    kind: Kind,
    master: Child,
    dir: PathBuf,
    url: String,
    workers: Vec<u32>,
}

impl Server {
    fn start(kind: Kind) -> Result<Self> {
        let name = kind.name();
        let dir = std::env::temp_dir().join(format!("rtrace-bench-{name}-{}", std::process::id()));
        let port = free_port()?;
        let (mut cmd, page) = match kind {
            Kind::Nginx => {
                write_nginx_site(&dir, port)?;
                let mut cmd = Command::new("nginx");
                cmd.arg("-p")
                    .arg(&dir)
                    .arg("-c")
                    .arg(dir.join("nginx.conf"))
                    .arg("-e")
                    .arg(dir.join("error.log"));
                (cmd, "index.html")
            }
            Kind::Php => {
                write_php_site(&dir)?;
                let mut cmd = Command::new("php");
                cmd.arg("-S")
                    .arg(format!("127.0.0.1:{port}"))
                    .arg("-t")
                    .arg(dir.join("www"))
                    .env("PHP_CLI_SERVER_WORKERS", WORKERS.to_string())
                    .stderr(fs::File::create(dir.join("error.log"))?);
                (cmd, "index.php")
            }
        };
        let master = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .process_group(0)
            .spawn()
            .with_context(|| format!("starting {name}"))?;
        let mut server = Self {
            kind,
            master,
            dir,
            url: format!("http://127.0.0.1:{port}/{page}"),
            workers: Vec::new(),
        };
        let master = server.master.id();
        server.workers = process::poll_until(Duration::from_secs(10), "server workers", || {
            let mut workers = process::children_of(master);
            (workers.len() == WORKERS && TcpStream::connect(("127.0.0.1", port)).is_ok()).then(
                || {
                    // php -S's master accepts and answers too: traced like a worker
                    // (untraced, it would take the load off traced workers).
                    if kind == Kind::Php {
                        workers.insert(0, master);
                    }
                    workers
                },
            )
        })
        .with_context(|| {
            format!(
                "{name} did not come up; see {}",
                server.dir.join("error.log").display()
            )
        })?;
        Ok(server)
    }

    /// Fails when a worker died (say, a tracer broke it).
    fn check_workers(&self) -> Result<()> {
        let mut now = process::children_of(self.master.id());
        now.push(self.master.id());
        if self.workers.iter().any(|w| !now.contains(w)) {
            bail!(
                "{} workers {:?} are gone (now {now:?})",
                self.kind.name(),
                self.workers
            );
        }
        Ok(())
    }

    fn stop(mut self) -> Result<()> {
        self.shut_down()
    }

    /// SIGTERM to the whole group: php -S's workers outlive a signalled master.
    fn shut_down(&mut self) -> Result<()> {
        let group = libc::pid_t::try_from(self.master.id()).context("pid out of range")?;
        // SAFETY: kill takes no pointers.
        unsafe { libc::kill(-group, libc::SIGTERM) };
        process::reap_within(&mut self.master, Duration::from_secs(10))?;
        fs::remove_dir_all(&self.dir).ok();
        Ok(())
    }
}

impl Drop for Server {
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
fn write_nginx_site(dir: &Path, port: u16) -> Result<()> {
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

/// The document root of php -S: one script that prints the page.
fn write_php_site(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir.join("www"))?;
    let script = format!(
        "<?php\nheader('Content-Type: text/plain');\necho str_repeat('x', {}), \"\\n\";\n",
        PAGE_BYTES - 1
    );
    fs::write(dir.join("www/index.php"), script).context("writing index.php")
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
                    \x20 Socket errors: connect 0, read 3, write 0, timeout 2\n\
                    Requests/sec:  48284.76\nTransfer/sec:     59.78MB\n";
        let load = parse_wrk(text).unwrap();
        assert_eq!(load.requests, 482_915);
        assert!((load.per_second - 48_284.76).abs() < 1e-6);
        assert_eq!(load.errors.len(), 1);
    }

    #[test]
    fn a_close_per_request_is_not_an_error() {
        let line = "Socket errors: connect 0, read 60872, write 0, timeout 0";
        assert!(only_closes(line, 60_872));
        assert!(!only_closes(line, 60_000));
        assert!(!only_closes(
            "Socket errors: connect 1, read 0, write 0, timeout 0",
            10
        ));
    }
}
