//! `cargo xtask fidelity`: how many of strace's lines rtrace reproduces on real programs.
//!
//! Each program of the corpus runs three times from fresh, fixed inputs: once untraced
//! (to warm caches), once under strace and once under rtrace, both tracing the same
//! deterministic run: ASLR off (`setarch -R`), the same environment and working
//! directory, `-o FILE`, `-f` where the program forks or threads. The traces are then
//! compared process by process: strace's `<unfinished ...>`/`<... resumed>` pairs are
//! joined back, each process's lines are aligned as a longest common subsequence, and
//! a line counts when it is identical after normalising only what differs between two
//! runs by nature (see [`NORMALISED`]). Traces stay in `target/fidelity/traces`.

use std::{
    collections::HashMap,
    ffi::OsString,
    fs::{self, FileTimes},
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    thread,
    time::{Duration, Instant, SystemTime},
};

use anyhow::{Context, Result, bail};

use crate::toolchain;

#[derive(clap::Args)]
pub struct FidelityArgs {
    /// Programs to run, by name (all of them when none is named).
    programs: Vec<String>,
    /// Differing stretches shown per program.
    #[arg(long, default_value_t = 3)]
    show: usize,
    /// Seconds before a run (tracer and program) is killed.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Also trace each program with strace a second time and score that run against the
    /// first one: the run-to-run noise the normalisation leaves.
    #[arg(long)]
    baseline: bool,
}

// ---------------------------------------------------------------------------------
// The corpus.

/// The network peer a program needs.
#[derive(Clone, Copy)]
enum Peer {
    Alone,
    /// The program serves on this port: once it listens, curl (untraced) asks it once.
    Curl(u16),
    /// The program is a client: an untraced one-request server listens here first.
    Server(u16),
}

struct Program {
    name: &'static str,
    /// `{data}` stands for `xtask/fidelity`, `{bin}` for where its C files are compiled.
    argv: &'static [&'static str],
    /// Trace with `-f`.
    follow: bool,
    peer: Peer,
    /// `-s`: the most bytes of a string shown.
    strsize: usize,
}

/// strace's default `-s`.
const STRSIZE: usize = 32;

const fn program(name: &'static str, argv: &'static [&'static str]) -> Program {
    Program {
        name,
        argv,
        follow: false,
        peer: Peer::Alone,
        strsize: STRSIZE,
    }
}

const fn forking(name: &'static str, argv: &'static [&'static str]) -> Program {
    Program {
        name,
        argv,
        follow: true,
        peer: Peer::Alone,
        strsize: STRSIZE,
    }
}

impl Program {
    /// The same program traced with `-s strsize`.
    const fn strings(self, strsize: usize) -> Self {
        Program { strsize, ..self }
    }
}

const PY_FILE: &str =
    "open('out.txt', 'w').write('hello\\n' * 3); print(open('out.txt').read(), end='')";
const PY_SOCKETPAIR: &str = "import socket; a, b = socket.socketpair(); a.sendall(b'ping'); \
                             print(b.recv(16)); a.close(); b.close()";
const PY_JSON: &str = "import json; d = json.load(open('data.json')); \
                       json.dump(d, open('copy.json', 'w'), indent=1); print(sorted(d))";
const PY_SUBPROCESS: &str = "import subprocess; \
                             print(subprocess.run(['cat', 'hello.txt'], capture_output=True).stdout)";
const PERL: &str = "open(my $f, '>', 'p.txt') or die; print $f 'perl'; close $f; \
                    opendir(my $d, 'tree') or die; print join(' ', sort readdir $d), qq(\\n)";
const PHP_FILE: &str =
    "file_put_contents('out.txt', \"php\\n\"); echo file_get_contents('out.txt');";
const PHP_JSON: &str =
    "echo json_encode(json_decode(file_get_contents('data.json'), true)), \"\\n\";";
const PHP_DIR: &str = "mkdir('made/deeper', 0750, true); rename('hello.txt', 'made/moved.txt'); \
                       print_r(scandir('made')); unlink('made/moved.txt');";

const CORPUS: &[Program] = &[
    program("ls-l", &["ls", "-l", "tree"]),
    program("cat", &["cat", "hello.txt"]),
    program("cat-s200", &["cat", "hello.txt", "data.json", "tree/a.txt"]).strings(200),
    program("cp", &["cp", "hello.txt", "copy.txt"]),
    program("cp-a", &["cp", "-a", "tree", "tree2"]),
    program("mkdir-p", &["mkdir", "-p", "made/a/b/c"]),
    program("stat", &["stat", "hello.txt", "tree"]),
    program("tar-cf", &["tar", "cf", "tree.tar", "tree"]),
    program("find", &["find", "tree", "-name", "*.txt"]),
    program("du", &["du", "-s", "tree"]),
    program("rm-r", &["rm", "-r", "tree"]),
    program("touch", &["touch", "-d", "@0", "hello.txt", "new.txt"]),
    program("truncate", &["truncate", "-s", "1K", "hello.txt"]),
    program("mkfifo", &["mkfifo", "-m", "600", "fifo"]),
    program(
        "install",
        &["install", "-m", "600", "hello.txt", "installed.txt"],
    ),
    program("id", &["id"]),
    program("df", &["df", "."]),
    program("realpath", &["realpath", "tree/sub/../sub/deep"]),
    program("split", &["split", "-b", "4", "hello.txt", "part_"]),
    forking(
        "tar-xf",
        &[
            "sh",
            "-c",
            "tar cf t.tar tree && mkdir x && tar xf t.tar -C x",
        ],
    ),
    forking("nice", &["nice", "-n", "5", "true"]),
    forking("ionice", &["ionice", "-c", "3", "true"]),
    forking("taskset", &["taskset", "-c", "0", "true"]),
    forking("chrt", &["chrt", "-b", "0", "true"]),
    forking("setsid", &["setsid", "true"]),
    forking("flock", &["flock", "hello.txt", "true"]),
    program(
        "sort",
        &["sort", "-r", "-o", "sorted.txt", "tree/a.txt", "tree/b.txt"],
    ),
    program(
        "dd",
        &["dd", "if=hello.txt", "of=dd.out", "bs=4", "status=none"],
    ),
    program("gzip", &["gzip", "-k", "hello.txt"]),
    program("xz", &["xz", "-k", "-T1", "hello.txt"]),
    forking(
        "ln-mv-rm",
        &[
            "sh",
            "-c",
            "ln -s hello.txt link && readlink link && mv link l2 && rm l2",
        ],
    ),
    forking(
        "chmod-ls",
        &["sh", "-c", "chmod 600 hello.txt && ls -ln hello.txt"],
    ),
    forking(
        "sh-pipe",
        &[
            "sh",
            "-c",
            "cat tree/a.txt tree/b.txt | sort -r > sorted.txt; wc -l sorted.txt",
        ],
    ),
    program("perl", &["perl", "-e", PERL]),
    program("py-file", &["python3", "-c", PY_FILE]),
    program("py-socketpair", &["python3", "-c", PY_SOCKETPAIR]),
    program("py-json", &["python3", "-c", PY_JSON]),
    program("py-os", &["python3", "{data}/os_calls.py"]),
    forking("py-fork", &["python3", "{data}/fork.py"]),
    forking("py-subprocess", &["python3", "-c", PY_SUBPROCESS]),
    program("php-file", &["php", "-r", PHP_FILE]),
    program("php-json", &["php", "-r", PHP_JSON]),
    program("php-dir", &["php", "-r", PHP_DIR]),
    Program {
        name: "http-server",
        argv: &["python3", "{data}/serve_once.py", "18080"],
        follow: false,
        peer: Peer::Curl(18080),
        strsize: STRSIZE,
    },
    Program {
        name: "php-server",
        argv: &["php", "{data}/serve_once.php", "18083"],
        follow: false,
        peer: Peer::Curl(18083),
        strsize: STRSIZE,
    },
    Program {
        name: "curl",
        argv: &[
            "curl",
            "-sS",
            "--local-port",
            "18191",
            "http://127.0.0.1:18081/hello.txt",
        ],
        follow: true,
        peer: Peer::Server(18081),
        strsize: STRSIZE,
    },
    forking("c-threads", &["{bin}/threads"]),
    forking("c-syscalls", &["{bin}/syscalls"]),
];

/// Debian packages the corpus needs, each with a file it installs.
const PACKAGES: &[(&str, &str)] = &[
    ("strace", "/usr/bin/strace"),
    ("php-cli", "/usr/bin/php"),
    ("curl", "/usr/bin/curl"),
    ("python3", "/usr/bin/python3"),
    ("gcc", "/usr/bin/gcc"),
    ("libc6-dev", "/usr/include/pthread.h"),
    ("tar", "/usr/bin/tar"),
    ("gzip", "/usr/bin/gzip"),
    ("xz-utils", "/usr/bin/xz"),
    ("perl-base", "/usr/bin/perl"),
];

/// C programs of the corpus, compiled into `{bin}` before the runs.
const C_PROGRAMS: &[&str] = &["threads", "syscalls"];

/// The environment of every run (plus `HOME`, the scratch directory).
const ENV: &[(&str, &str)] = &[
    ("PATH", "/usr/bin:/bin"),
    ("LANG", "C.UTF-8"),
    ("TERM", "dumb"),
    ("PYTHONHASHSEED", "0"),
    ("PYTHONDONTWRITEBYTECODE", "1"),
    ("PERL_HASH_SEED", "0"),
    ("PERL_PERTURB_KEYS", "0"),
];

/// The inputs laid out afresh in the scratch directory before every run.
const FILES: &[(&str, &str)] = &[
    ("hello.txt", "hello, world\n"),
    (
        "data.json",
        "{\"name\": \"rtrace\", \"values\": [1, 2, 3], \"nested\": {\"ok\": true}}\n",
    ),
    ("tree/a.txt", "alpha\n"),
    ("tree/b.txt", "bravo\n"),
    ("tree/sub/c.txt", "charlie\n"),
    ("tree/sub/deep/d.txt", "delta\n"),
];

/// Every input file and directory gets this atime and mtime (2020-01-01T00:00:00Z).
const MTIME: Duration = Duration::from_hours(438_288);

/// What the comparison normalises, printed in the header.
const NORMALISED: &[&str] = &[
    "pids/tids: each run's, wherever they print (prefix, arguments, return values), \
     become P1, P2... (P1 the command, then the tasks it creates, in creation order)",
    "the padding before ` = `: strace aligns it at column 40 counting the pid prefix; \
     lines whose padding follows that rule are re-aligned for the prefix-less P-name form",
    "getrandom's returned bytes: `\\xNN` -> `\\x??` (random by definition)",
    "the machine's moving counters, to `?`: sysinfo's uptime, loads, freeram, sharedram, \
     bufferram, freeswap, procs, freehigh; statfs/fstatfs's f_bfree, f_bavail, f_ffree",
    "the execve envp pointer of the traced command's first line: it lies in the \
     tracer's own forked memory, strace's or rtrace's",
];

// ---------------------------------------------------------------------------------
// Running.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tracer {
    Untraced,
    Strace,
    Rtrace,
}

/// Where a fidelity run works, and with what.
struct Runner<'a> {
    rtrace: &'a Path,
    data: PathBuf,
    bin: PathBuf,
    scratch: PathBuf,
    traces: PathBuf,
    timeout: u64,
}

/// How one traced run ended.
struct Outcome {
    status: ExitStatus,
    trace: Option<String>,
}

impl Runner<'_> {
    fn expand(&self, arg: &str) -> String {
        arg.replace("{data}", &self.data.to_string_lossy())
            .replace("{bin}", &self.bin.to_string_lossy())
    }

    /// A command run in the scratch directory with the fixed environment.
    fn fixed(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.scratch)
            .env_clear()
            .envs(ENV.iter().copied())
            .env("HOME", &self.scratch);
        cmd.stdin(Stdio::null());
        cmd
    }

    /// The tracer's part of a command line: `strace -o TRACE [-f] [-s N] --`.
    fn tracer_args(&self, prog: &Program, tracer: Tracer, trace: &Path) -> Vec<OsString> {
        let program: OsString = match tracer {
            Tracer::Untraced => return Vec::new(),
            Tracer::Strace => "strace".into(),
            Tracer::Rtrace => self.rtrace.into(),
        };
        let mut args = vec![program, "-o".into(), trace.into()];
        if prog.follow {
            args.push("-f".into());
        }
        if prog.strsize != STRSIZE {
            args.extend(["-s".into(), prog.strsize.to_string().into()]);
        }
        args.push("--".into());
        args
    }

    /// `timeout ... setarch -R [TRACER -o TRACE [-f] [-s N] --] ARGV`, its output to
    /// `output`.
    fn command(
        &self,
        prog: &Program,
        tracer: Tracer,
        trace: &Path,
        output: &Path,
    ) -> Result<Command> {
        let mut cmd = self.fixed("timeout");
        cmd.args(["-k", "3", &self.timeout.to_string(), "setarch", "-R"]);
        cmd.args(self.tracer_args(prog, tracer, trace));
        cmd.args(prog.argv.iter().map(|a| self.expand(a)));
        let out = fs::File::create(output)?;
        cmd.stdout(out.try_clone()?).stderr(out);
        Ok(cmd)
    }

    /// Lays out the inputs afresh, with fixed modes and times.
    fn reset_scratch(&self) -> Result<()> {
        if self.scratch.exists() {
            fs::remove_dir_all(&self.scratch).context("clearing the scratch directory")?;
        }
        fs::create_dir_all(&self.scratch)?;
        for (path, text) in FILES {
            let file = self.scratch.join(path);
            fs::create_dir_all(file.parent().expect("a file has a parent"))?;
            fs::write(&file, text)?;
        }
        set_times(&self.scratch)
    }

    /// Runs `prog` once, with its peer; returns how it went.
    fn run(&self, prog: &Program, tracer: Tracer, label: &str) -> Result<Outcome> {
        self.reset_scratch()?;
        let trace = self.traces.join(format!("{}.{label}", prog.name));
        let output = self.traces.join(format!("{}.{label}.out", prog.name));
        let _ = fs::remove_file(&trace);
        let server = match prog.peer {
            Peer::Server(port) => Some(self.start_server(port)?),
            _ => None,
        };
        let mut child = self
            .command(prog, tracer, &trace, &output)?
            .spawn()
            .context("starting a run")?;
        if let Peer::Curl(port) = prog.peer {
            self.ask_once(port);
        }
        let status = child.wait()?;
        if let Some(mut server) = server {
            server.wait()?;
        }
        let trace =
            (tracer != Tracer::Untraced).then(|| fs::read_to_string(&trace).unwrap_or_default());
        Ok(Outcome { status, trace })
    }

    /// An untraced server for one request; returns once it listens.
    fn start_server(&self, port: u16) -> Result<Child> {
        let script = self.data.join("serve_once.py");
        let mut cmd = self.fixed("timeout");
        cmd.args(["-k", "3", &self.timeout.to_string(), "python3"])
            .arg(script)
            .arg(port.to_string());
        let child = cmd
            .stdout(Stdio::null())
            .spawn()
            .context("starting the server")?;
        wait_listening(port, Duration::from_secs(self.timeout));
        Ok(child)
    }

    /// Waits for `port` to listen, then fetches a file from it with curl, untraced.
    fn ask_once(&self, port: u16) {
        wait_listening(port, Duration::from_secs(self.timeout));
        let url = format!("http://127.0.0.1:{port}/hello.txt");
        let local = (port + 100).to_string();
        let _ = self
            .fixed("timeout")
            .args([
                "10",
                "curl",
                "-sS",
                "-o",
                "/dev/null",
                "--local-port",
                &local,
                &url,
            ])
            .status();
    }

    fn compile(&self) -> Result<()> {
        fs::create_dir_all(&self.bin)?;
        for name in C_PROGRAMS {
            let source = self.data.join(format!("{name}.c"));
            toolchain::run(
                Command::new("gcc")
                    .args(["-O2", "-pthread", "-o"])
                    .arg(self.bin.join(name))
                    .arg(source),
            )
            .with_context(|| format!("compiling {name}.c"))?;
        }
        Ok(())
    }
}

/// Sets every file and directory under `dir` (and `dir`) to [`MTIME`], deepest first.
fn set_times(dir: &Path) -> Result<()> {
    let time = SystemTime::UNIX_EPOCH + MTIME;
    let times = FileTimes::new().set_accessed(time).set_modified(time);
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            set_times(&path)?;
        } else {
            fs::File::options()
                .write(true)
                .open(&path)?
                .set_times(times)?;
        }
    }
    fs::File::open(dir)?.set_times(times)?;
    Ok(())
}

/// Whether 127.0.0.1:`port` is in LISTEN state (per `/proc/net/tcp`).
fn listening(port: u16) -> bool {
    let wanted = format!("0100007F:{port:04X}");
    fs::read_to_string("/proc/net/tcp").is_ok_and(|table| {
        table.lines().skip(1).any(|line| {
            let mut fields = line.split_whitespace().skip(1);
            fields.next() == Some(wanted.as_str()) && fields.nth(1) == Some("0A")
        })
    })
}

fn wait_listening(port: u16, limit: Duration) {
    let start = Instant::now();
    while !listening(port) && start.elapsed() < limit {
        thread::sleep(Duration::from_millis(10));
    }
}

// ---------------------------------------------------------------------------------
// Parsing and normalising traces.

/// One line of a trace, split from its pid prefix.
struct Line {
    pid: u32,
    /// Characters of the pid prefix (strace's alignment counts them).
    prefix: usize,
    body: String,
    /// Joined from an `<unfinished ...>`/`<... resumed>` pair (padding is strace's artifact).
    joined: bool,
}

/// Splits `1234  body` into pid, prefix width and body (pid 0 when not prefixed).
fn split_prefix(line: &str) -> (u32, usize, &str) {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let spaces = line[digits..].bytes().take_while(|&b| b == b' ').count();
    match line[..digits].parse() {
        Ok(pid) if digits > 0 && spaces > 0 => (pid, digits + spaces, &line[digits + spaces..]),
        _ => (0, 0, line),
    }
}

const UNFINISHED: &str = " <unfinished ...>";

/// `<... NAME resumed>REST` -> REST.
fn resumed(body: &str) -> Option<&str> {
    let rest = body.strip_prefix("<... ")?;
    let end = rest.find(" resumed>")?;
    Some(&rest[end + " resumed>".len()..])
}

/// The trace's lines, with `<unfinished ...>` pairs joined; tracer messages apart.
fn parse(text: &str) -> (Vec<Line>, Vec<String>) {
    let mut lines: Vec<Line> = Vec::new();
    let mut notes = Vec::new();
    let mut pending: HashMap<u32, usize> = HashMap::new();
    for raw in text.lines().filter(|l| !l.trim().is_empty()) {
        if raw.starts_with("strace: ") || raw.starts_with("rtrace: ") {
            notes.push(raw.to_string());
            continue;
        }
        let (pid, prefix, body) = split_prefix(raw);
        if let Some(rest) = resumed(body)
            && let Some(at) = pending.remove(&pid)
        {
            let line = &mut lines[at];
            line.body.push_str(rest);
            line.joined = true;
            if let Some(cut) = line.body.strip_suffix(UNFINISHED).map(str::len) {
                line.body.truncate(cut);
                pending.insert(pid, at);
            }
            continue;
        }
        let mut line = Line {
            pid,
            prefix,
            body: body.to_string(),
            joined: false,
        };
        if let Some(cut) = body.strip_suffix(UNFINISHED).map(str::len) {
            line.body.truncate(cut);
            pending.insert(pid, lines.len());
        }
        lines.push(line);
    }
    (lines, notes)
}

/// strace's column for ` = ` (the pid prefix included).
const RETURN_COLUMN: usize = 40;

/// Splits `call(...)   = ret` into `call(...)`, the spaces, `ret`.
fn split_return(body: &str) -> Option<(&str, usize, &str)> {
    let mut search = body.len();
    while let Some(eq) = body[..search].rfind("= ") {
        let call = body[..eq].trim_end_matches(' ');
        let spaces = eq - call.len();
        if spaces > 0 && call.ends_with(')') {
            return Some((call, spaces, &body[eq + 2..]));
        }
        search = eq;
    }
    None
}

fn padding(column: usize) -> usize {
    RETURN_COLUMN.saturating_sub(column).max(1)
}

/// Drops the alignment of a line whose padding follows strace's rule (or is an
/// artifact of joining), so that it can be re-aligned after pids are renamed.
fn strip_padding(line: &mut Line) -> bool {
    let Some((call, spaces, ret)) = split_return(&line.body) else {
        return false;
    };
    if !line.joined && spaces != padding(line.prefix + call.len()) {
        return false;
    }
    line.body = format!("{call} = {ret}");
    true
}

/// Re-aligns a line stripped by [`strip_padding`] as strace does without a prefix.
fn realign(body: &str) -> String {
    match split_return(body) {
        Some((call, _, ret)) => format!("{call}{}= {ret}", " ".repeat(padding(call.len()))),
        None => body.to_string(),
    }
}

/// The name of the call a body shows (`openat` for `openat(...) = 3`).
fn call_name(body: &str) -> &str {
    body.split('(').next().unwrap_or("")
}

/// The return value a body shows, when it is a plain number.
fn return_number(body: &str) -> Option<u32> {
    let (_, _, ret) = split_return(body)?;
    ret.split(' ').next()?.parse().ok()
}

const CREATORS: &[&str] = &["clone", "clone3", "fork", "vfork"];
const SELF_PIDS: &[&str] = &["set_tid_address", "getpid", "gettid"];
const OTHER_PIDS: &[&str] = &["getppid", "getpgrp", "getpgid", "getsid", "wait4", "waitid"];

/// Names each pid of a trace: P1 the first task, then the tasks each creates in the
/// order it creates them (breadth first), then other pids in order of appearance.
fn name_pids(lines: &[Line]) -> HashMap<u32, String> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for line in lines
        .iter()
        .filter(|l| CREATORS.contains(&call_name(&l.body)))
    {
        if let Some(child) = return_number(&line.body).filter(|&c| c > 0) {
            children.entry(line.pid).or_default().push(child);
        }
    }
    let mut order: Vec<u32> = lines.first().map(|l| l.pid).into_iter().collect();
    let mut next = 0;
    while next < order.len() {
        for &child in children.get(&order[next]).into_iter().flatten() {
            if !order.contains(&child) {
                order.push(child);
            }
        }
        next += 1;
    }
    let mut names: HashMap<u32, String> = HashMap::new();
    for &pid in order.iter().chain(lines.iter().map(|l| &l.pid)) {
        name_next(&mut names, pid);
    }
    name_returned_pids(lines, &mut names);
    names
}

/// Names `pid` `P<n>`, n one more than the names given so far, unless it has a name.
fn name_next(names: &mut HashMap<u32, String>, pid: u32) {
    if !names.contains_key(&pid) {
        let given: std::collections::HashSet<&String> = names.values().collect();
        let name = format!("P{}", given.len() + 1);
        names.insert(pid, name);
    }
}

/// Pids met only as return values: a task's own (without prefixes, the first task's
/// pid shows only there), then those of others (a parent, a process group).
fn name_returned_pids(lines: &[Line], names: &mut HashMap<u32, String>) {
    for line in lines {
        let Some(pid) = return_number(&line.body).filter(|&p| p >= MIN_PID) else {
            continue;
        };
        let name = call_name(&line.body);
        if SELF_PIDS.contains(&name) && line.pid == 0 {
            let own = names.get(&0).cloned().unwrap_or_else(|| "P1".into());
            names.entry(pid).or_insert(own);
        } else if SELF_PIDS.contains(&name) || OTHER_PIDS.contains(&name) {
            name_next(names, pid);
        }
    }
}

/// Numbers below this are not taken for pids (they are descriptors, sizes...).
const MIN_PID: u32 = 100;

/// Replaces every whole decimal number that is a known pid by its name.
fn rename_pids(body: &str, names: &HashMap<u32, String>) -> String {
    let bytes = body.as_bytes();
    let word = |i: usize| {
        bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    };
    let mut out = String::with_capacity(body.len());
    let mut i = 0;
    while i < bytes.len() {
        let len = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if len == 0 {
            let ch = body[i..].chars().next().expect("in bounds");
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        let number = &body[i..i + len];
        let whole = (i == 0 || !word(i - 1)) && !word(i + len);
        let pid = number
            .parse::<u32>()
            .ok()
            .filter(|&n| whole && n >= MIN_PID);
        match pid.and_then(|n| names.get(&n)) {
            Some(name) => out.push_str(name),
            None => out.push_str(number),
        }
        i += len;
    }
    out
}

/// `getrandom("\x9d\xc7"..., 8, ...)`: the random bytes become `\x??`.
fn mask_random(body: &str) -> String {
    if call_name(body) != "getrandom" {
        return body.to_string();
    }
    let Some(end) = body.find(", ") else {
        return body.to_string();
    };
    let mut masked = String::with_capacity(body.len());
    let mut rest = &body[..end];
    while let Some(at) = rest.find("\\x") {
        masked.push_str(&rest[..at + 2]);
        masked.push_str("??");
        rest = rest.get(at + 4..).unwrap_or("");
    }
    masked.push_str(rest);
    masked.push_str(&body[end..]);
    masked
}

/// Fields that count the machine's state (free memory, uptime, free blocks), by call.
const VOLATILE: &[(&str, &[&str])] = &[
    (
        "sysinfo",
        &[
            "uptime",
            "loads",
            "freeram",
            "sharedram",
            "bufferram",
            "freeswap",
            "procs",
            "freehigh",
        ],
    ),
    ("statfs", &["f_bfree", "f_bavail", "f_ffree"]),
    ("fstatfs", &["f_bfree", "f_bavail", "f_ffree"]),
];

/// Replaces the values of the call's [`VOLATILE`] fields (`name=1234`, `name=[1, 2]`)
/// by `?`.
fn mask_volatile(body: &str) -> String {
    let Some((_, fields)) = VOLATILE.iter().find(|(call, _)| *call == call_name(body)) else {
        return body.to_string();
    };
    let mut out = body.to_string();
    for field in *fields {
        let key = format!(" {field}=");
        let alt = format!("{{{field}=");
        let Some(at) = out
            .find(&key)
            .or_else(|| out.find(&alt))
            .map(|at| at + key.len())
        else {
            continue;
        };
        let rest = &out[at..];
        let len = if rest.starts_with('[') {
            rest.find(']').map_or(rest.len(), |end| end + 1)
        } else {
            rest.find([',', '}']).unwrap_or(rest.len())
        };
        out.replace_range(at..at + len, "?");
    }
    out
}

/// `execve(path, argv, 0x7fff... /* N vars */)`: the envp pointer becomes `0x...`.
fn mask_envp(body: &str) -> String {
    let Some(vars) = body.find(" /* ") else {
        return body.to_string();
    };
    let Some(start) = body[..vars].rfind(", 0x") else {
        return body.to_string();
    };
    format!("{}, 0x...{}", &body[..start], &body[vars..])
}

/// A trace ready to compare: each task's normalised lines, by task name.
struct Trace {
    tasks: Vec<(String, Vec<String>)>,
    notes: Vec<String>,
}

fn normalise(text: &str) -> Trace {
    let (mut lines, notes) = parse(text);
    let names = name_pids(&lines);
    let mut tasks: Vec<(String, Vec<String>)> = Vec::new();
    for (n, line) in lines.iter_mut().enumerate() {
        let aligned = strip_padding(line);
        let mut body = rename_pids(&mask_volatile(&mask_random(&line.body)), &names);
        if n == 0 && call_name(&body) == "execve" {
            body = mask_envp(&body);
        }
        if aligned {
            body = realign(&body);
        }
        let name = names.get(&line.pid).cloned().unwrap_or_else(|| "P1".into());
        match tasks.iter_mut().find(|(t, _)| *t == name) {
            Some((_, seq)) => seq.push(body),
            None => tasks.push((name, vec![body])),
        }
    }
    Trace { tasks, notes }
}

// ---------------------------------------------------------------------------------
// Comparing.

/// Myers' furthest-reaching x on each diagonal `-d..=d` after step `d`.
type Frontier = Vec<isize>;

fn index(i: isize) -> usize {
    usize::try_from(i).expect("a non-negative index")
}

/// The x a frontier of step `d` holds for diagonal `k`.
fn at(frontier: &Frontier, k: isize, d: isize) -> isize {
    frontier[index(k + d)]
}

/// Myers' choice at step `d` on diagonal `k`: whether the step came down from diagonal
/// `k + 1` (else right from `k - 1`), and the x it came from.
fn choose(prev: &Frontier, k: isize, d: isize) -> (bool, isize) {
    let down = k == -d || (k != d && at(prev, k - 1, d - 1) < at(prev, k + 1, d - 1));
    if down {
        (true, at(prev, k + 1, d - 1))
    } else {
        (false, at(prev, k - 1, d - 1))
    }
}

/// The matched pairs `(i, j)` of a longest common subsequence of `a` and `b`, by Myers'
/// O(ND) algorithm; `None` past `max_d` edits.
fn lcs(left: &[u32], right: &[u32], max_d: isize) -> Option<Vec<(usize, usize)>> {
    let (ends_x, ends_y) = (
        isize::try_from(left.len()).ok()?,
        isize::try_from(right.len()).ok()?,
    );
    let snake = |mut x: isize, mut y: isize| {
        while x < ends_x && y < ends_y && left[index(x)] == right[index(y)] {
            x += 1;
            y += 1;
        }
        x
    };
    let mut frontiers: Vec<Frontier> = vec![vec![snake(0, 0)]];
    for d in 0..=max_d {
        let last = frontiers.last().expect("step 0 is there");
        if (-d..=d)
            .step_by(2)
            .any(|k| at(last, k, d) >= ends_x && at(last, k, d) - k >= ends_y)
        {
            return Some(backtrack(&frontiers, ends_x, ends_y));
        }
        let next_d = d + 1;
        let mut next = vec![0; index(2 * next_d + 1)];
        for k in (-next_d..=next_d).step_by(2) {
            let (down, from) = choose(last, k, next_d);
            let start = if down { from } else { from + 1 };
            next[index(k + next_d)] = snake(start, start - k);
        }
        frontiers.push(next);
    }
    None
}

/// Walks Myers' frontiers back from the end, collecting the diagonal moves.
fn backtrack(frontiers: &[Frontier], end_x: isize, end_y: isize) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let (mut x, mut y) = (end_x, end_y);
    for step in (1..frontiers.len()).rev() {
        let d = isize::try_from(step).expect("few steps");
        let k = x - y;
        let (down, from) = choose(&frontiers[step - 1], k, d);
        let start = if down { from } else { from + 1 };
        snake_back(&mut pairs, &mut x, &mut y, start);
        y = from - if down { k + 1 } else { k - 1 };
        x = from;
    }
    snake_back(&mut pairs, &mut x, &mut y, 0);
    pairs.reverse();
    pairs
}

/// Collects the matches of a diagonal run back from `(x, y)` to x = `start`.
fn snake_back(pairs: &mut Vec<(usize, usize)>, x: &mut isize, y: &mut isize, start: isize) {
    while *x > start {
        *x -= 1;
        *y -= 1;
        pairs.push((index(*x), index(*y)));
    }
}

/// The pairs of the common start and end of `a` and `b` (when they differ too much).
fn common_ends(a: &[u32], b: &[u32]) -> Vec<(usize, usize)> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let mut pairs: Vec<(usize, usize)> = (0..head).map(|i| (i, i)).collect();
    pairs.extend((0..tail).rev().map(|t| (a.len() - 1 - t, b.len() - 1 - t)));
    pairs
}

/// Edits past which two sequences are scored by their common ends only.
const MAX_EDITS: isize = 2500;

/// A stretch where the traces differ: strace's lines there, and rtrace's.
struct Hunk {
    task: String,
    /// strace's line number in the task (from 1).
    at: usize,
    expected: Vec<String>,
    actual: Vec<String>,
}

#[derive(Default)]
struct Score {
    /// strace's lines.
    lines: usize,
    /// Of them, reproduced by rtrace.
    same: usize,
    /// rtrace's lines matching none of strace's.
    extra: usize,
    hunks: Vec<Hunk>,
    /// Some task differed too much to align; only its common ends were counted.
    cut: bool,
}

fn intern<'a>(lines: &'a [String], ids: &mut HashMap<&'a str, u32>) -> Vec<u32> {
    lines
        .iter()
        .map(|l| {
            let next = u32::try_from(ids.len()).expect("fewer lines than u32");
            *ids.entry(l.as_str()).or_insert(next)
        })
        .collect()
}

/// The stretches between matched pairs.
fn hunks(task: &str, want: &[String], got: &[String], pairs: &[(usize, usize)]) -> Vec<Hunk> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    for &(pi, pj) in pairs.iter().chain([(want.len(), got.len())].iter()) {
        if pi > i || pj > j {
            let (expected, actual) = (want[i..pi].to_vec(), got[j..pj].to_vec());
            out.push(Hunk {
                task: task.to_string(),
                at: i + 1,
                expected,
                actual,
            });
        }
        (i, j) = (pi + 1, pj + 1);
    }
    out
}

/// Scores `actual` against `expected`, task by task.
fn compare(expected: &Trace, actual: &Trace) -> Score {
    let mut score = Score::default();
    let mut ids = HashMap::new();
    for (task, want) in &expected.tasks {
        let got = actual
            .tasks
            .iter()
            .find(|(t, _)| t == task)
            .map_or(&[][..], |(_, l)| l.as_slice());
        let (a, b) = (intern(want, &mut ids), intern(got, &mut ids));
        let pairs = lcs(&a, &b, MAX_EDITS).unwrap_or_else(|| {
            score.cut = true;
            common_ends(&a, &b)
        });
        score.lines += want.len();
        score.same += pairs.len();
        score.extra += got.len() - pairs.len();
        score.hunks.extend(hunks(task, want, got, &pairs));
    }
    for (task, got) in &actual.tasks {
        if !expected.tasks.iter().any(|(t, _)| t == task) {
            score.extra += got.len();
            score.hunks.push(Hunk {
                task: task.clone(),
                at: 1,
                expected: vec![],
                actual: got.clone(),
            });
        }
    }
    score
}

// ---------------------------------------------------------------------------------
// Reporting.

/// One program's result.
struct Row {
    name: &'static str,
    score: Score,
    /// strace scored against itself (`--baseline`).
    noise: Option<Score>,
    notes: Vec<String>,
}

fn percent(part: usize, whole: usize) -> f64 {
    let as_f64 = |n: usize| f64::from(u32::try_from(n).unwrap_or(u32::MAX));
    if whole == 0 {
        100.0
    } else {
        100.0 * as_f64(part) / as_f64(whole)
    }
}

/// How a run ended, when that is worth a note.
fn status_note(tracer: &str, outcome: &Outcome) -> Option<String> {
    match outcome.status.code() {
        Some(0) => None,
        Some(124 | 137) => Some(format!("{tracer} run timed out")),
        Some(code) => Some(format!("{tracer} run exited {code}")),
        None => Some(format!("{tracer} run killed ({})", outcome.status)),
    }
}

fn print_header(runner: &Runner<'_>, baseline: bool) {
    println!("rtrace fidelity: each program is traced by strace and by rtrace in the same run:");
    println!(
        "  ASLR off (setarch -R), fresh fixed inputs in {}, the same",
        runner.scratch.display()
    );
    println!(
        "  environment, `-o FILE` for both, `-f` where marked *; traces in {}.",
        runner.traces.display()
    );
    println!(
        "compared per task, strace's <unfinished ...>/<... resumed> pairs joined, lines aligned"
    );
    println!(
        "  as a longest common subsequence; a line is identical when equal after normalising only:"
    );
    for what in NORMALISED {
        println!("  - {what}");
    }
    if baseline {
        println!("`strace2`: a second strace run scored against the first (run-to-run noise).");
    }
    println!();
}

fn print_table(rows: &[Row], programs: &[&Program]) {
    let noise = rows.iter().any(|r| r.noise.is_some());
    println!(
        "{:<16} {:>7} {:>9} {:>7} {:>7}{}  notes",
        "program",
        "strace",
        "identical",
        "%",
        "extra",
        if noise { "  strace2" } else { "" }
    );
    for (row, prog) in rows.iter().zip(programs) {
        let name = format!("{}{}", row.name, if prog.follow { " *" } else { "" });
        let s = &row.score;
        let noise = row
            .noise
            .as_ref()
            .map(|n| format!("  {:>6.1}%", percent(n.same, n.lines)));
        println!(
            "{name:<16} {:>7} {:>9} {:>6.1}% {:>7}{}  {}",
            s.lines,
            s.same,
            percent(s.same, s.lines),
            s.extra,
            noise.unwrap_or_default(),
            row.notes.join("; ")
        );
    }
    println!("(extra: rtrace lines matching none of strace's)");
}

/// Cuts a line for display.
fn clip(line: &str) -> String {
    const WIDTH: usize = 200;
    match line.char_indices().nth(WIDTH) {
        Some((at, _)) => format!("{}[...]", &line[..at]),
        None => line.to_string(),
    }
}

fn print_hunks(row: &Row, show: usize) {
    if row.score.hunks.is_empty() || show == 0 {
        return;
    }
    println!(
        "\n{}: first differences (- strace, + rtrace), of {}:",
        row.name,
        row.score.hunks.len()
    );
    for hunk in row.score.hunks.iter().take(show) {
        println!("  {} line {}:", hunk.task, hunk.at);
        for line in hunk.expected.iter().take(3) {
            println!("    - {}", clip(line));
        }
        if hunk.expected.len() > 3 {
            println!("    - ... {} more", hunk.expected.len() - 3);
        }
        for line in hunk.actual.iter().take(3) {
            println!("    + {}", clip(line));
        }
        if hunk.actual.len() > 3 {
            println!("    + ... {} more", hunk.actual.len() - 3);
        }
    }
}

// ---------------------------------------------------------------------------------
// The task.

impl Runner<'_> {
    /// Runs `prog` traced; once more if a signal from outside the suite killed the run
    /// (a timeout ends it by SIGTERM/SIGKILL through `timeout`, which exits 124/137),
    /// with a note saying so.
    fn run_once_more_if_killed(
        &self,
        prog: &Program,
        tracer: Tracer,
        label: &str,
    ) -> Result<(Outcome, Option<String>)> {
        let outcome = self.run(prog, tracer, label)?;
        if outcome.status.code().is_some() {
            return Ok((outcome, None));
        }
        let note = format!(
            "{label} run retried: the first was killed ({})",
            outcome.status
        );
        Ok((self.run(prog, tracer, label)?, Some(note)))
    }

    /// Runs one program untraced, under strace, under rtrace (and strace again).
    fn score(&self, prog: &Program, baseline: bool) -> Result<Row> {
        self.run(prog, Tracer::Untraced, "warm")?;
        let (strace, strace_retried) =
            self.run_once_more_if_killed(prog, Tracer::Strace, "strace")?;
        let (rtrace, rtrace_retried) =
            self.run_once_more_if_killed(prog, Tracer::Rtrace, "rtrace")?;
        let expected = normalise(strace.trace.as_deref().unwrap_or_default());
        let actual = normalise(rtrace.trace.as_deref().unwrap_or_default());
        let score = compare(&expected, &actual);
        let mut notes: Vec<String> = [
            status_note("strace", &strace),
            status_note("rtrace", &rtrace),
        ]
        .into_iter()
        .flatten()
        .collect();
        notes.extend(strace_retried.into_iter().chain(rtrace_retried));
        notes.extend(actual.notes.iter().cloned());
        if score.cut {
            notes.push(format!("more than {MAX_EDITS} edits: common ends only"));
        }
        let noise = if baseline {
            let again = self.run(prog, Tracer::Strace, "strace2")?;
            Some(compare(
                &expected,
                &normalise(again.trace.as_deref().unwrap_or_default()),
            ))
        } else {
            None
        };
        Ok(Row {
            name: prog.name,
            score,
            noise,
            notes,
        })
    }
}

fn select(names: &[String]) -> Result<Vec<&'static Program>> {
    if names.is_empty() {
        return Ok(CORPUS.iter().collect());
    }
    names
        .iter()
        .map(|name| {
            CORPUS.iter().find(|p| p.name == name).with_context(|| {
                let all: Vec<&str> = CORPUS.iter().map(|p| p.name).collect();
                format!("no program {name} in the corpus: {}", all.join(" "))
            })
        })
        .collect()
}

/// Runs the corpus and prints the per-program table and the total.
///
/// # Errors
/// When a tool cannot be installed or a program cannot be started.
pub fn run(root: &Path, rtrace: &Path, args: &FidelityArgs) -> Result<()> {
    let programs = select(&args.programs)?;
    toolchain::ensure_packages(PACKAGES)?;
    let dir = root.join("target/fidelity");
    let runner = Runner {
        rtrace,
        data: root.join("xtask/fidelity"),
        bin: dir.join("bin"),
        scratch: dir.join("scratch"),
        traces: dir.join("traces"),
        timeout: args.timeout.max(1),
    };
    fs::create_dir_all(&runner.traces)?;
    runner.compile()?;
    let mut rows = Vec::new();
    for prog in &programs {
        eprintln!("xtask: fidelity {}...", prog.name);
        rows.push(runner.score(prog, args.baseline)?);
    }
    print_header(&runner, args.baseline);
    print_table(&rows, &programs);
    for row in &rows {
        print_hunks(row, args.show);
    }
    let lines: usize = rows.iter().map(|r| r.score.lines).sum();
    let same: usize = rows.iter().map(|r| r.score.same).sum();
    if lines == 0 {
        bail!("strace printed nothing: is it installed, and are we root?");
    }
    println!(
        "\nfidelity: {same}/{lines} lines identical ({:.1}%)",
        percent(same, lines)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(trace: &Trace, task: &str) -> Vec<String> {
        trace
            .tasks
            .iter()
            .find(|(t, _)| t == task)
            .map(|(_, l)| l.clone())
            .unwrap_or_default()
    }

    #[test]
    fn unfinished_pairs_are_joined_and_realigned_per_task() {
        let text = "\
11978 vfork( <unfinished ...>
11979 execve(\"/usr/bin/cat\", [\"cat\"], 0x5555 /* 3 vars */ <unfinished ...>
11978 <... vfork resumed>)              = 11979
11978 wait4(-1,  <unfinished ...>
11979 <... execve resumed>)             = 0
11979 exit_group(0)                     = ?
11978 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 11979
";
        let trace = normalise(text);
        assert_eq!(
            lines_of(&trace, "P1"),
            [
                "vfork()                                 = P2",
                "wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = P2",
            ]
        );
        assert_eq!(
            lines_of(&trace, "P2"),
            [
                "execve(\"/usr/bin/cat\", [\"cat\"], 0x5555 /* 3 vars */) = 0",
                "exit_group(0)                           = ?"
            ]
        );
    }

    /// A line as strace -f writes it to a file: `pid` padded to 5, `=` at column 40.
    fn line(pid: u32, call: &str, ret: &str) -> String {
        let head = format!("{pid:<5} {call}");
        format!("{head}{}= {ret}\n", " ".repeat(padding(head.len())))
    }

    #[test]
    fn pids_are_named_by_creation_whatever_the_interleaving() {
        let clone = "clone3({flags=CLONE_VM}, 88)";
        let one = [
            line(1000, clone, "1001"),
            line(1000, clone, "1002"),
            line(1002, "read(0, \"\", 1)", "0"),
            line(1001, "gettid()", "1001"),
        ]
        .concat();
        let two = [
            line(2000, clone, "31000"),
            line(31000, "gettid()", "31000"),
            line(2000, clone, "2500"),
            line(2500, "read(0, \"\", 1)", "0"),
        ]
        .concat();
        let (a, b) = (normalise(&one), normalise(&two));
        for task in ["P1", "P2", "P3"] {
            assert_eq!(lines_of(&a, task), lines_of(&b, task), "{task}");
        }
        assert_eq!(
            lines_of(&a, "P2"),
            ["gettid()                                = P2"]
        );
    }

    #[test]
    fn without_prefixes_the_own_pid_is_p1_and_small_numbers_stay() {
        let text = "set_tid_address(0x7ffff7dd2a10)         = 4989\n\
                    close(3)                                = 0\n\
                    getppid()                               = 4980\n";
        let trace = normalise(text);
        assert_eq!(
            lines_of(&trace, "P1"),
            [
                "set_tid_address(0x7ffff7dd2a10)         = P1",
                "close(3)                                = 0",
                "getppid()                               = P2"
            ]
        );
    }

    #[test]
    fn padding_that_breaks_the_rule_is_kept() {
        let trace = normalise("close(3)  = 0\n");
        assert_eq!(lines_of(&trace, "P1"), ["close(3)  = 0"]);
    }

    #[test]
    fn masks() {
        assert_eq!(
            mask_random(r#"getrandom("\x9d\xc7", 2, GRND_NONBLOCK) = 2"#),
            r#"getrandom("\x??\x??", 2, GRND_NONBLOCK) = 2"#
        );
        assert_eq!(
            mask_volatile(
                "sysinfo({uptime=3054, loads=[1, 2, 3], totalram=25, freeram=21, procs=119}) = 0"
            ),
            "sysinfo({uptime=?, loads=?, totalram=25, freeram=?, procs=?}) = 0"
        );
        assert_eq!(
            mask_envp(r#"execve("/usr/bin/cat", ["cat"], 0x7fffffffe828 /* 35 vars */) = 0"#),
            r#"execve("/usr/bin/cat", ["cat"], 0x... /* 35 vars */) = 0"#
        );
    }

    #[test]
    fn lcs_finds_the_longest_common_subsequence() {
        let check = |a: &[u32], b: &[u32], want: usize| {
            let pairs = lcs(a, b, 100).expect("within the limit");
            assert_eq!(pairs.len(), want, "{a:?} {b:?}");
            assert!(pairs.iter().all(|&(i, j)| a[i] == b[j]));
            assert!(pairs.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1));
        };
        check(&[], &[], 0);
        check(&[1, 2, 3], &[], 0);
        check(&[1, 2, 3], &[1, 2, 3], 3);
        check(&[1, 2, 3, 4], &[1, 9, 3, 4], 3);
        check(&[1, 2, 3], &[0, 1, 2, 3, 5], 3);
        check(&[1, 2, 1, 3, 1, 2], &[2, 1, 1, 3, 2], 4);
        check(&[5, 6, 7], &[7, 6, 5], 1);
        assert!(lcs(&[1, 2, 3], &[4, 5, 6], 2).is_none());
    }
}
