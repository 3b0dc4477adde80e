//! Options that change what prints, checked against strace on the same command:
//! `-e trace=` sets, `-x` / `-xx`, `-s`, `-y`, `-X`, `-v`, the time columns `-t`,
//! `-r`, `-T`, the `-c` table, `-z` / `-Z`, `-e signal=` and `status=`, `-qq`, `-yy`, `-ff`,
//! `-a`, `-k`, and the launch form `rtrace -- CMD`.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use rtrace_tests::{
    normalise::{digits_after, hide_addresses, long_numbers_masked, normalise_trace},
    process::{ScratchDir, require_root, rtrace_binary},
};

/// Runs `tracer OPTIONS -o OUT -- CMD` with ASLR off, to its successful end.
fn run_tracer(tracer: &Path, options: &[&str], command: &[&str], out: &Path) {
    let status = Command::new("setarch")
        .arg("-R")
        .arg(tracer)
        .args(options)
        .arg("-o")
        .arg(out)
        .arg("--")
        .args(command)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("LC_ALL", "C")
        // The command's output must be the same for both runs: not a file that grows.
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("running a tracer");
    assert!(
        status.success(),
        "{} {options:?} -- {command:?}: {status}",
        tracer.display()
    );
}

/// Runs `tracer OPTIONS -o FILE -- CMD` with ASLR off; returns the trace's lines.
fn trace(tracer: &Path, options: &[&str], command: &[&str], out: &Path) -> Vec<String> {
    run_tracer(tracer, options, command, out);
    fs::read_to_string(out)
        .expect("reading a trace")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Both tracers' lines for the same options and command: (strace's, rtrace's).
fn both_traces(options: &[&str], command: &[&str]) -> (Vec<String>, Vec<String>) {
    // Tests run in parallel: each comparison gets a directory of its own.
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    require_root();
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let scratch = ScratchDir::new(&format!("options-{run}"));
    let strace = trace(
        Path::new("/usr/bin/strace"),
        options,
        command,
        &scratch.path().join("s"),
    );
    let rtrace = trace(
        &rtrace_binary(),
        options,
        command,
        &scratch.path().join("r"),
    );
    assert!(!strace.is_empty());
    (strace, rtrace)
}

/// Asserts that both traces have the same lines once `normalise`d.
fn assert_same_lines(
    what: &str,
    strace: &[String],
    rtrace: &[String],
    normalise: impl Fn(&str) -> String,
) {
    let strace: Vec<String> = strace.iter().map(|l| normalise(l)).collect();
    let rtrace: Vec<String> = rtrace.iter().map(|l| normalise(l)).collect();
    // The envp pointer of the first line points into each tracer's own memory.
    let first = |lines: &[String]| {
        lines
            .first()
            .map(|l| l.split(", 0x").next().unwrap_or(l).to_owned())
    };
    assert_eq!(first(&rtrace), first(&strace), "first line, {what}");
    assert!(
        strace[1..] == rtrace[1..],
        "{what}\n----- strace -----\n{}\n----- rtrace -----\n{}",
        strace.join("\n"),
        rtrace.join("\n")
    );
}

/// Compares both tracers' lines for the same options and command.
fn same_as_strace(options: &[&str], command: &[&str]) {
    let (strace, rtrace) = both_traces(options, command);
    assert_same_lines(
        &format!("{options:?} -- {command:?}"),
        &strace,
        &rtrace,
        str::to_owned,
    );
}

fn data_file(scratch: &ScratchDir) -> String {
    let file = scratch.path().join("data.bin");
    fs::write(&file, b"ab\tc\x01\xff\ntext only\n").unwrap();
    file.display().to_string()
}

#[test]
fn trace_sets_by_class_and_name() {
    let scratch = ScratchDir::new("sets");
    let file = data_file(&scratch);
    same_as_strace(&["-e", "trace=%file"], &["cat", &file]);
    same_as_strace(&["-e", "trace=read,close"], &["cat", &file]);
    // Patterns, optional names, a class without its `%`.
    same_as_strace(&["-e", "trace=/^(open|clo)"], &["cat", &file]);
    same_as_strace(&["-e", "trace=?no_such_call,read"], &["cat", &file]);
    same_as_strace(&["-e", "trace=file"], &["cat", &file]);
    // strace's narrower classes.
    same_as_strace(&["-e", "trace=%creds"], &["id"]);
    same_as_strace(&["-e", "trace=%pure"], &["id"]);
    same_as_strace(&["-e", "trace=%%stat"], &["ls", "-l", "/"]);
    same_as_strace(&["-e", "trace=%fstat,%%statfs"], &["stat", "-f", "/proc"]);
    same_as_strace(
        &[
            "-e",
            "trace=!mmap,mprotect,munmap,brk,arch_prctl,set_tid_address,set_robust_list,rseq,prlimit64,getrandom",
        ],
        &["cat", &file],
    );
}

#[test]
fn hex_strings_and_string_limits() {
    let scratch = ScratchDir::new("hex");
    let file = data_file(&scratch);
    for options in [["-x", "-e", "trace=read"], ["-e", "trace=read", "-xx"]] {
        same_as_strace(&options, &["cat", &file]);
    }
    same_as_strace(&["-s", "4", "-e", "trace=read,write"], &["cat", &file]);
    same_as_strace(&["-s", "200", "-e", "trace=openat,read"], &["cat", &file]);
}

#[test]
fn buffers_longer_than_a_slot_print_whole_with_a_large_s() {
    // `strace -s 4096`, the usual way to see a worker's whole request or query: the
    // kernel reads such a buffer, or an iovec's data, whole, beyond the record's
    // 256-byte slot.
    let scratch = ScratchDir::new("long-buffers");
    let script = scratch.path().join("buffers.py");
    let file = scratch.path().join("positioned");
    fs::write(
        &script,
        format!(
            "import os, socket\n\
             data = bytes(range(256)) * 4 + b'request: GET / HTTP/1.1\\r\\n' * 200\n\
             a, b = socket.socketpair()\n\
             a.send(data[:1000])\n\
             b.recv(4096)\n\
             r, w = os.pipe()\n\
             os.write(w, data[:5000]); os.read(r, 5000)\n\
             f = os.open('{}', os.O_RDWR | os.O_CREAT, 0o600)\n\
             os.pwrite(f, data[256:3256], 10); os.pread(f, 3000, 10)\n\
             n = os.open('/dev/null', os.O_WRONLY)\n\
             os.write(n, data * 12)\n\
             os.writev(w, [data[:300], b'short', data[:2000]]); os.readv(r, [bytearray(2100), bytearray(500)])\n\
             a.sendmsg([data[:700], data[:3]]); b.recvmsg(4096)\n",
            file.display()
        ),
    )
    .unwrap();
    let command = ["python3", &script.display().to_string()];
    let calls = "trace=sendto,recvfrom,write,read,pwrite64,pread64,writev,readv,sendmsg,recvmsg";
    // -s 4096 cuts the longer buffers, at the same byte as strace; -s 100000 shows the
    // last write, 72,288 bytes, whole.
    for options in [
        &["-s", "4096", "-e", calls][..],
        &["-x", "-s", "100000", "-e", calls],
    ] {
        let (strace, rtrace) = both_traces(options, &command);
        let long = strace.iter().filter(|l| l.len() > 1000).count();
        assert!(long >= 5, "{options:?}: {long} long lines in {strace:#?}");
        assert_same_lines(&format!("{options:?}"), &strace, &rtrace, str::to_owned);
    }
}

#[test]
fn data_read_and_written_on_chosen_descriptors_is_dumped() {
    // `-e read=SET -e write=SET`: what passed through those descriptors, in hex and
    // ASCII after the call's line, whole (beyond -s and beyond a slot), by buffer for
    // iovec arrays (to the first empty one); for a failed write too, as strace; nothing
    // for another descriptor.
    let scratch = ScratchDir::new("dumps");
    let script = scratch.path().join("dumps.py");
    let file = scratch.path().join("positioned");
    fs::write(
        &script,
        format!(
            "import os, socket\n\
             r, w = os.pipe(); os.dup2(r, 10); os.dup2(w, 11)\n\
             a, b = socket.socketpair(); os.dup2(a.fileno(), 12); os.dup2(b.fileno(), 13)\n\
             a = socket.socket(fileno=12); b = socket.socket(fileno=13)\n\
             os.dup2(w, 16); os.close(16)\n\
             f = os.open('{}', os.O_RDWR | os.O_CREAT, 0o600); os.dup2(f, 14)\n\
             os.write(11, b'hello\\n'); os.read(10, 100)\n\
             os.write(11, bytes(range(256)) * 3); os.read(10, 1000)\n\
             os.writev(11, [b'abc', b'', b'defg']); os.readv(10, [bytearray(2), bytearray(10)])\n\
             a.send(b'q' * 40); b.recv(10); b.recv(100)\n\
             a.sendmsg([b'x' * 300, b'yz']); b.recvmsg(1000)\n\
             os.pwrite(14, b'not dumped', 0); os.pread(14, 10, 0)\n\
             try:\n    os.write(16, b'failed')\n\
             except OSError:\n    pass\n",
            file.display()
        ),
    )
    .unwrap();
    let calls = "trace=read,write,readv,writev,sendto,recvfrom,sendmsg,recvmsg,pread64,pwrite64";
    let options = ["-e", calls, "-e", "read=10,13", "-e", "write=11,12,16"];
    let (strace, rtrace) = both_traces(&options, &["python3", &script.display().to_string()]);
    let dumped = strace.iter().filter(|l| l.starts_with(" | ")).count();
    assert!(dumped > 100, "{dumped} dump lines in {strace:#?}");
    assert!(
        strace
            .iter()
            .any(|l| l.starts_with(" * 3 bytes in buffer 0"))
    );
    // (recvmsg's msg_name is on python's stack.)
    assert_same_lines("-e read= -e write=", &strace, &rtrace, hide_addresses);
}

#[test]
fn descriptors_with_their_paths() {
    let scratch = ScratchDir::new("paths");
    let file = data_file(&scratch);
    same_as_strace(
        &["-y", "-e", "trace=openat,read,fstat,newfstatat,lseek,close"],
        &["cat", &file],
    );
}

/// Calls whose results differ from run to run: the pid, random bytes.
const UNSTEADY: &str = "trace=!set_tid_address,getrandom";

#[test]
fn constants_as_numbers_or_both() {
    let scratch = ScratchDir::new("xlat");
    let file = data_file(&scratch);
    let dir = scratch.path().display().to_string();
    for style in ["raw", "verbose", "abbrev"] {
        same_as_strace(&["-X", style, "-e", UNSTEADY], &["cat", &file]);
        same_as_strace(
            &["-X", style, "-e", "trace=%file,%desc,getdents64"],
            &["ls", "-l", &dir],
        );
        // The persona's domain and flags, as set and as returned.
        same_as_strace(
            &["-X", style, "-e", "trace=personality"],
            &["setarch", "x86_64", "-R", "-3", "true"],
        );
    }
    same_as_strace(
        &[
            "-X",
            "verbose",
            "-y",
            "-e",
            "trace=openat,newfstatat,read,close",
        ],
        &["cat", &file],
    );
}

/// Runs `command` once untraced, as the tracers will, so that what it reads has had its
/// access time updated before the traced runs print it (`-v` prints every `st_atime`).
fn warm_up(command: &[&str]) {
    let status = Command::new(command[0])
        .args(&command[1..])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("running the command untraced");
    assert!(status.success(), "{command:?}: {status}");
}

/// A data file whose times reading does not change: modified long ago, accessed (as far
/// as the file system knows) an hour from now, so that `relatime` leaves its access time.
fn data_file_with_steady_times(scratch: &ScratchDir) -> String {
    let file = data_file(scratch);
    let hour = std::time::Duration::from_secs(3600);
    let times = fs::FileTimes::new()
        .set_modified(std::time::UNIX_EPOCH + hour * 24 * 365 * 50)
        .set_accessed(std::time::SystemTime::now() + hour);
    fs::File::options()
        .write(true)
        .open(&file)
        .and_then(|f| f.set_times(times))
        .expect("setting the data file's times");
    file
}

#[test]
fn structures_and_arrays_unabbreviated() {
    let scratch = ScratchDir::new("no-abbrev");
    let file = data_file_with_steady_times(&scratch);
    for command in [&["cat", &file][..], &["stat", &file]] {
        warm_up(command);
        same_as_strace(&["-v", "-e", UNSTEADY], command);
    }
    same_as_strace(&["-v", "-X", "verbose", "-e", UNSTEADY], &["stat", &file]);
    // Strings and string arrays both stop at -s; -v lifts only the arrays' limit.
    same_as_strace(
        &["-s", "2", "-e", "trace=execve"],
        &["cat", "-u", "-s", &file],
    );
    same_as_strace(
        &["-v", "-s", "2", "-e", "trace=execve,read"],
        &["cat", "-u", "-s", &file],
    );
}

#[test]
fn terminal_settings_of_a_pty() {
    // termios (TCGETS), termios2 (TCGETS2, TCSETS2), termio (TCGETA) and a modem-line
    // request a pty refuses (TIOCMGET): abbreviated, and whole with -v.
    let scratch = ScratchDir::new("pty");
    let script = scratch.path().join("pty.py");
    fs::write(
        &script,
        "import fcntl, os, termios\n\
         m, s = os.openpty()\n\
         termios.tcgetattr(s)\n\
         t = fcntl.ioctl(s, 0x802c542a, bytes(44))\n\
         fcntl.ioctl(s, 0x402c542b, t)\n\
         fcntl.ioctl(s, termios.TCGETA, bytes(18))\n\
         try:\n    fcntl.ioctl(s, termios.TIOCMGET, bytes(4))\n\
         except OSError:\n    pass\n",
    )
    .unwrap();
    let command = ["python3", &script.display().to_string()];
    for options in [&["-e", "trace=ioctl"][..], &["-v", "-e", "trace=ioctl"]] {
        let (strace, rtrace) = both_traces(options, &command);
        // Python asks every descriptor it opens whether it is a terminal: those lines
        // are the same, but are not this test's.
        let pty = |lines: &[String]| -> Vec<String> {
            lines
                .iter()
                .filter(|l| l.starts_with("ioctl(") && !l.contains("ENOTTY") || l.contains("TIOCM"))
                .map(|l| long_numbers_masked(l, 8))
                .collect()
        };
        let (strace, rtrace) = (pty(&strace), pty(&rtrace));
        assert!(strace.len() >= 5, "{strace:?}");
        assert_eq!(rtrace, strace, "{options:?}");
    }
}

/// `sec.micros` at the start of `text` (after spaces), and the rest after one space.
fn leading_seconds(text: &str) -> Option<(f64, &str)> {
    let text = text.trim_start();
    let (number, rest) = text.split_once(' ')?;
    let (secs, micros) = number.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(secs.trim_start_matches('-')) && micros.len() == 6 && digits(micros))
        .then(|| Some((number.parse().ok()?, rest)))
        .flatten()
}

/// A line's `-tt` time of day (`12:53:30.123456 `) as seconds into the day, and the
/// rest.
fn time_of_day(line: &str) -> Option<(f64, &str)> {
    let (clock, rest) = line.split_at_checked(16)?;
    let b = clock.as_bytes();
    let shape = b[2] == b':' && b[5] == b':' && b[8] == b'.' && b[15] == b' ';
    let field = |r: std::ops::Range<usize>| clock[r].parse::<f64>().ok();
    shape.then_some(())?;
    Some((
        field(0..2)? * 3600.0 + field(3..5)? * 60.0 + field(6..15)?,
        rest,
    ))
}

/// A line's `-T` time (` <0.000031>` at its end) and the line without it.
fn time_spent(line: &str) -> Option<(f64, &str)> {
    let (rest, spent) = line.strip_suffix('>')?.rsplit_once(" <")?;
    Some((leading_seconds(&format!("{spent} "))?.0, rest))
}

#[test]
fn time_columns_are_straces_and_time_the_calls() {
    // -tt and -T: every line starts with the time of day, and every call that returns
    // ends with its time; the rest is strace's line, padding included.
    // (Not the calls whose results differ from run to run: a pid, random bytes.)
    const STEADY: &str = "trace=!set_tid_address,getrandom";
    let (strace, rtrace) = both_traces(&["-tt", "-T", "-e", STEADY], &["sleep", "0.2"]);
    let bare = |line: &str| {
        let (_, rest) = time_of_day(line).unwrap_or_else(|| panic!("no time of day: {line}"));
        time_spent(rest).map_or(rest, |(_, call)| call).to_owned()
    };
    assert_same_lines("-tt -T -- sleep 0.2", &strace, &rtrace, bare);
    let mut last = 0.0;
    for line in &rtrace {
        let (at, rest) = time_of_day(line).unwrap();
        // One thread: lines in the order their calls entered (a run that spans midnight
        // would start again at 0).
        assert!(at >= last || at < 1.0, "time goes back at: {line}");
        last = at;
        let returns = !rest.ends_with("= ?") && !rest.starts_with("+++");
        assert_eq!(time_spent(rest).is_some(), returns, "{line}");
    }
    let sleep = rtrace
        .iter()
        .find(|l| l.contains("clock_nanosleep("))
        .expect("the sleep's call");
    let spent = time_spent(sleep).unwrap().0;
    assert!((0.2..0.3).contains(&spent), "{sleep}");

    // -r: the time since the line before; the line after the sleep's shows it.
    let (strace, rtrace) = both_traces(&["-r", "-e", STEADY], &["sleep", "0.2"]);
    let bare = |line: &str| {
        leading_seconds(line)
            .unwrap_or_else(|| panic!("no relative time: {line}"))
            .1
            .to_owned()
    };
    assert_same_lines("-r -- sleep 0.2", &strace, &rtrace, bare);
    let after_sleep = rtrace
        .iter()
        .skip_while(|l| !l.contains("clock_nanosleep("))
        .nth(1)
        .expect("a line after the sleep's");
    let since = leading_seconds(after_sleep).unwrap().0;
    assert!((0.2..0.3).contains(&since), "{after_sleep}");
    assert!(
        rtrace
            .iter()
            .all(|l| leading_seconds(l).is_some_and(|(s, _)| s >= 0.0)),
        "{rtrace:?}"
    );

    // -ttt: seconds since the epoch, the wall clock's.
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let (_, rtrace) = both_traces(&["-ttt"], &["true"]);
    let after = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    for line in &rtrace {
        let (at, _) = leading_seconds(line).unwrap_or_else(|| panic!("no epoch time: {line}"));
        assert!(
            (before - 0.01..after + 0.01).contains(&at),
            "{line} not in {before}..{after}"
        );
    }
}

/// A `-c` table's row: syscall, calls, errors, seconds.
type Row = (String, u64, u64, f64);

/// The rows of a `-c` table, and its rule and total lines.
fn summary_rows(table: &[String]) -> (Vec<Row>, Vec<String>) {
    assert!(table.len() >= 5, "not a table: {table:?}");
    let row = |line: &String| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (errors, name) = match fields[..] {
            [_, _, _, _, errors, name] => (errors.parse().unwrap(), name),
            [_, _, _, _, name] => (0, name),
            _ => panic!("not a row: {line:?}"),
        };
        (
            name.to_owned(),
            fields[3].parse().unwrap(),
            errors,
            fields[1].parse().unwrap(),
        )
    };
    let rows = table[2..table.len() - 2].iter().map(row).collect();
    (rows, table[table.len() - 2..].to_vec())
}

#[test]
fn the_summary_counts_calls_and_errors_as_strace_and_times_them() {
    // strace -c -w: the same calls, the same errors, the time each took; the sleep first.
    let (strace, rtrace) = both_traces(&["-c", "-w"], &["sleep", "0.2"]);
    assert_eq!(rtrace[..2], strace[..2], "the header");
    let (strace_rows, strace_total) = summary_rows(&strace);
    let (rtrace_rows, rtrace_total) = summary_rows(&rtrace);
    let counts = |rows: &[Row]| {
        let mut counts: Vec<(String, u64, u64)> = rows
            .iter()
            .map(|(n, c, e, _)| (n.clone(), *c, *e))
            .collect();
        counts.sort();
        counts
    };
    assert_eq!(counts(&rtrace_rows), counts(&strace_rows));
    let (first, _, _, secs) = &rtrace_rows[0];
    assert_eq!(first, "clock_nanosleep", "{rtrace:?}");
    assert!((0.2..0.3).contains(secs), "{rtrace:?}");
    assert_eq!(rtrace_total[0], strace_total[0], "the rule above the total");
    let total = |line: &str| -> Vec<String> {
        let f: Vec<&str> = line.split_whitespace().collect();
        vec![
            f[0].to_owned(),
            f[3].to_owned(),
            f[4].to_owned(),
            f[5].to_owned(),
        ]
    };
    // 100.00, calls, errors, "total".
    assert_eq!(total(&rtrace_total[1]), total(&strace_total[1]));
}

#[test]
fn the_summary_rows_go_in_the_order_asked_as_straces() {
    // -S: by calls, errors, name or syscall number, ties in syscall number order. (Not
    // by time: the times differ.)
    for order in ["calls", "errors", "name", "nothing"] {
        let (strace, rtrace) = both_traces(&["-c", "-S", order], &["ls", "/"]);
        let names = |table: &[String]| -> Vec<(String, u64, u64)> {
            summary_rows(table)
                .0
                .into_iter()
                .map(|(name, calls, errors, _)| (name, calls, errors))
                .collect()
        };
        assert_eq!(names(&rtrace), names(&strace), "-S {order}");
    }
}

#[test]
fn a_trace_appended_to_its_file_with_a_keeps_what_the_file_held() {
    let scratch = ScratchDir::new("append");
    let out = scratch.path().join("trace");
    fs::write(&out, "before\n").unwrap();
    for _ in 0..2 {
        run_tracer(
            &rtrace_binary(),
            &["-A", "-e", "trace=exit_group"],
            &["true"],
            &out,
        );
    }
    assert_eq!(
        fs::read_to_string(&out).unwrap(),
        "before\n\
         exit_group(0)                           = ?\n+++ exited with 0 +++\n\
         exit_group(0)                           = ?\n+++ exited with 0 +++\n"
    );
}

#[test]
fn calls_by_how_they_returned_and_quiet_exits() {
    // (Not the calls whose results differ from run to run: a pid, random bytes.)
    let steady = ["-e", "trace=!set_tid_address,getrandom"];
    same_as_strace(&["-Z"], &["ls", "/"]);
    same_as_strace(&[&["-z"], &steady[..]].concat(), &["ls", "/"]);
    same_as_strace(&[&["-qq"], &steady[..]].concat(), &["ls", "/"]);
    same_as_strace(&[&["-e", "quiet=exit"], &steady[..]].concat(), &["ls", "/"]);
}

/// A python script in a scratch directory: `body` after the imports (`os`, `socket`,
/// `time`) and the removal of the UNIX socket path it names `{0}`, which it binds.
fn socket_script(label: &str, body: &str) -> (ScratchDir, PathBuf) {
    let scratch = ScratchDir::new(label);
    let script = scratch.path().join("script.py");
    let path = scratch.path().join("s.sock");
    let body = body.replace("{0}", &path.display().to_string());
    fs::write(
        &script,
        format!(
            "import os, socket, time\n\
             if os.path.exists('{0}'): os.unlink('{0}')\n{body}",
            path.display()
        ),
    )
    .expect("writing a script");
    (scratch, script)
}

/// strace's and rtrace's `-yy` traces of `calls` in a python script.
fn python_traced_with_yy(script: &Path, calls: &[&str]) -> (Vec<String>, Vec<String>) {
    both_traces(
        &["-yy", "-e", &format!("trace={}", calls.join(","))],
        &["python3", &script.display().to_string()],
    )
}

/// The lines of `calls`, their inodes and ephemeral ports (which differ from run to
/// run) masked.
fn socket_lines(lines: &[String], calls: &[&str]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| calls.iter().any(|c| l.starts_with(&format!("{c}("))))
        .map(|l| long_numbers_masked(l, 5))
        .collect()
}

#[test]
fn sockets_show_their_addresses_with_yy() {
    // A server and its clients, TCP and UNIX, that then talk: the lines of the talk, on
    // sockets that no longer change, are strace's.
    let (_scratch, script) = socket_script(
        "yy",
        "l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen()\n\
             c = socket.create_connection(l.getsockname()); s, _ = l.accept()\n\
             u = socket.socket(socket.AF_UNIX); u.bind('{0}'); u.listen()\n\
             v = socket.socket(socket.AF_UNIX); v.connect('{0}'); w, _ = u.accept()\n\
             time.sleep(0.3)\n\
             c.send(b'hi'); s.recv(2); v.send(b'u'); w.recv(1)\n\
             time.sleep(0.3)\n",
    );
    let calls = ["sendto", "recvfrom"];
    let (strace, rtrace) = python_traced_with_yy(&script, &calls);
    let talk = |lines: &[String]| socket_lines(lines, &calls);
    assert_eq!(talk(&rtrace), talk(&strace));
    assert!(
        talk(&rtrace)
            .iter()
            .any(|l| l.contains("<TCP:[127.0.0.1:N->127.0.0.1:N]>")),
        "{rtrace:?}"
    );
    assert!(
        talk(&rtrace)
            .iter()
            .any(|l| l.contains("<UNIX-STREAM:[N->N,\"") && l.contains("/s.sock\"]>")),
        "{rtrace:?}"
    );
}

#[test]
fn connections_closed_before_their_lines_are_decoded_show_their_addresses_with_yy() {
    // Connections that end at once, as a FastCGI request's, a PHP script's to its
    // database, or a resolver's query over UDP, and listeners closed at once too: by
    // the time their lines are decoded they are gone from /proc and sock_diag, and the
    // kernel kept, as accept, connect or listen made them, what they were.
    let (_scratch, script) = socket_script(
        "yy-closed",
        "t = socket.socket(); t.bind(('127.0.0.1', 0)); t.listen()\n\
             t6 = socket.socket(socket.AF_INET6); t6.bind(('::1', 0)); t6.listen()\n\
             u = socket.socket(socket.AF_UNIX); u.bind('{0}'); u.listen()\n\
             clients = []\n\
             for l in [t, t6, u] * 3:\n\
             \x20   c = socket.socket(l.family); c.connect(l.getsockname()); c.send(b'hi')\n\
             \x20   if l.family == socket.AF_UNIX: clients.append(c)\n\
             \x20   else: c.close()\n\
             \x20   s, _ = l.accept(); s.recv(2); s.close()\n\
             t.close(); t6.close(); u.close()\n\
             d = socket.socket(type=socket.SOCK_DGRAM); d.bind(('127.0.0.1', 0))\n\
             d6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); d6.bind(('::1', 0))\n\
             for server in [d, d6] * 3:\n\
             \x20   c = socket.socket(server.family, socket.SOCK_DGRAM)\n\
             \x20   c.connect(server.getsockname()); c.send(b'q')\n\
             \x20   _, peer = server.recvfrom(1); server.sendto(b'a', peer); c.recv(1); c.close()\n\
             time.sleep(0.3)\n",
    );
    let calls = ["accept4", "recvfrom", "sendto"];
    let (strace, rtrace) = python_traced_with_yy(&script, &calls);
    // A UNIX client's sendto is left out: its socket, still open, shows as it is when
    // decoded, connected to the peer the server has accepted since (strace: not yet).
    let served = |lines: &[String]| -> Vec<String> {
        socket_lines(lines, &calls)
            .into_iter()
            .filter(|l| !(l.starts_with("sendto(") && l.contains("<UNIX-")))
            .collect()
    };
    assert_eq!(served(&rtrace), served(&strace));
    // Every connection described: the server's ends (a UNIX one with its path), and
    // the TCP and UDP clients', closed at once.
    let described = |call: &str, needle: &str| {
        served(&rtrace)
            .iter()
            .filter(|l| l.starts_with(call) && l.contains(needle))
            .count()
    };
    for (call, needle, lines) in [
        ("recvfrom(", "<TCP:[127.0.0.1:N->127.0.0.1:N]>", 3),
        ("recvfrom(", "<TCPv6:[[::1]:N->[::1]:N]>", 3),
        ("recvfrom(", "/s.sock\"]>", 3),
        ("recvfrom(", "<UNIX-STREAM:[N->N,\"", 3),
        ("sendto(", "<TCP:[127.0.0.1:N->127.0.0.1:N]>", 3),
        ("sendto(", "<TCPv6:[[::1]:N->[::1]:N]>", 3),
        // A client's query and its answer; the server's socket stays open.
        ("sendto(", "<UDP:[127.0.0.1:N->127.0.0.1:N]>", 3),
        ("recvfrom(", "<UDP:[127.0.0.1:N->127.0.0.1:N]>", 3),
        ("sendto(", "<UDPv6:[[::1]:N->[::1]:N]>", 3),
        ("recvfrom(", "<UDPv6:[[::1]:N->[::1]:N]>", 3),
        ("accept4(", "<TCP:[127.0.0.1:N]>", 3),
        ("accept4(", "<TCPv6:[[::1]:N]>", 3),
        ("accept4(", "<UNIX-STREAM:[N,\"", 3),
        ("recvfrom(", "<UDP:[127.0.0.1:N]>", 3),
        ("sendto(", "<UDPv6:[[::1]:N]>", 3),
    ] {
        assert_eq!(
            described(call, needle),
            lines,
            "{call} {needle}: {rtrace:#?}"
        );
    }
}

#[test]
fn sockets_before_they_connect_and_of_every_kind_print_as_straces_with_yy() {
    // A line shows its socket as the call began, as strace: a client's socket from
    // `socket` to its `connect` (rtrace decodes those lines once it is connected), even
    // one closed by then; datagram UNIX sockets named `UNIX`, and a packet socket,
    // which strace does not describe, as its link.
    let (_scratch, script) = socket_script(
        "yy-fresh",
        "t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n\
             t.bind(('127.0.0.1', 0)); t.listen()\n\
             c = socket.socket(); c.setblocking(False)\n\
             try: c.connect(t.getsockname())\n\
             except BlockingIOError: pass\n\
             s, _ = t.accept(); c.getsockname()\n\
             d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); d.bind('{0}')\n\
             e = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); e.connect('{0}')\n\
             e.send(b'x'); d.recv(1)\n\
             p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0); p.getsockname()\n\
             time.sleep(0.3)\n",
    );
    let calls = [
        "socket",
        "setsockopt",
        "bind",
        "listen",
        "connect",
        "accept4",
        "getsockname",
        "sendto",
        "recvfrom",
    ];
    let (strace, rtrace) = python_traced_with_yy(&script, &calls);
    // Python's own sockets before the script's (none expected) are left out with the
    // lines of other calls.
    let lines = |lines: &[String]| socket_lines(lines, &calls);
    assert_eq!(lines(&rtrace), lines(&strace));
    for (call, needle) in [
        ("connect(", "<TCP:[N]>, {sa_family=AF_INET"),
        ("setsockopt(", "<TCP:[N]>, SOL_SOCKET"),
        ("recvfrom(", "<UNIX:[N,\""),
        ("getsockname(", "<socket:[N]>, {sa_family=AF_PACKET"),
    ] {
        assert!(
            lines(&rtrace)
                .iter()
                .any(|l| l.starts_with(call) && l.contains(needle)),
            "{call} {needle}: {rtrace:#?}"
        );
    }
}

#[test]
fn descriptors_of_every_kind_with_y_and_yy() {
    // Descriptors whose file the call that made them tells (anonymous files, a memfd,
    // a pidfd, copies), a deleted file and a device; a pipe and a socket closed at once
    // (their numbers reused before the lines are decoded: the kernel tells their
    // inodes); then a pipe and sockets that stay open while the process runs.
    let scratch = ScratchDir::new("fdkinds");
    let script = scratch.path().join("kinds.py");
    let doomed = scratch.path().join("doomed");
    fs::write(
        &script,
        format!(
            "import os, select, socket, time\n\
             e = os.eventfd(0, os.EFD_CLOEXEC); os.write(e, (1).to_bytes(8, 'little')); os.close(e)\n\
             p = select.epoll(); p.close()\n\
             m = os.memfd_create('php-shm'); os.write(m, b'abc'); os.close(m)\n\
             f = os.pidfd_open(os.getppid()); os.close(f)\n\
             d = os.open('{0}', os.O_CREAT | os.O_WRONLY); os.unlink('{0}'); os.write(d, b'd'); os.close(d)\n\
             n = os.open('/dev/null', os.O_WRONLY); c = os.dup(n); os.dup2(n, 20)\n\
             os.write(20, b'z'); os.close(20); os.close(c); os.close(n)\n\
             q, v = os.pipe(); os.close(q); os.close(v); k = socket.socket(type=socket.SOCK_DGRAM); k.close()\n\
             r, w = os.pipe(); a, b = socket.socketpair(); t = socket.socket()\n\
             os.write(w, b'p'); os.read(r, 1); a.send(b's'); b.recv(1)\n\
             time.sleep(0.5)\n",
            doomed.display()
        ),
    )
    .unwrap();
    let calls = "trace=eventfd2,epoll_create1,memfd_create,pidfd_open,unlink,write,read,\
                 dup,dup2,fcntl,close,pipe2,socketpair,socket,sendto,recvfrom";
    // From the script's first call; inode numbers and the parent's pid vary by run.
    let steady = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .skip_while(|l| !l.starts_with("eventfd2("))
            .map(|l| digits_after(&long_numbers_masked(l, 4), &["pidfd_open(", "<pid:"]))
            .collect()
    };
    for y in ["-y", "-yy"] {
        let (strace, rtrace) = both_traces(
            &[y, "-e", calls],
            &["python3", &script.display().to_string()],
        );
        let (strace, rtrace) = (steady(&strace), steady(&rtrace));
        assert!(
            strace == rtrace,
            "{y}\n----- strace -----\n{}\n----- rtrace -----\n{}",
            strace.join("\n"),
            rtrace.join("\n")
        );
        let shown = rtrace.join("\n");
        for expected in [
            "= 3<anon_inode:[eventfd]>",
            "= 3<anon_inode:[eventpoll]>",
            "</memfd:php-shm>(deleted)",
            "/doomed>(deleted), \"d\"",
            "<pipe:[N]>",
            // A socket closed before its line is decoded: what its call made it.
            if y == "-y" {
                "SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = 3<socket:[N]>"
            } else {
                "SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = 3<UDP:[N]>"
            },
        ] {
            assert!(shown.contains(expected), "{y}: no {expected} in\n{shown}");
        }
        if y == "-yy" {
            assert!(shown.contains("</dev/null<char 1:3>>"), "{shown}");
            assert!(shown.contains("<pid:N>"), "{shown}");
            assert!(shown.contains("<UNIX-STREAM:[N->N]>"), "{shown}");
        } else {
            assert!(shown.contains("<anon_inode:[pidfd]>"), "{shown}");
        }
    }
}

/// The files `tracer -ff -o BASE -- CMD` writes, as (pid, lines), in pid order.
fn per_task_traces(
    tracer: &Path,
    options: &[&str],
    command: &[&str],
    base: &Path,
) -> Vec<(u32, Vec<String>)> {
    run_tracer(tracer, options, command, base);
    let dir = base.parent().unwrap();
    let prefix = format!("{}.", base.file_name().unwrap().to_str().unwrap());
    let mut files: Vec<(u32, Vec<String>)> = fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.ok()?.path();
            let pid = path
                .file_name()?
                .to_str()?
                .strip_prefix(&prefix)?
                .parse()
                .ok()?;
            let text = fs::read_to_string(&path).ok()?;
            Some((pid, text.lines().map(str::to_owned).collect()))
        })
        .collect();
    files.sort();
    files
}

/// Both tracers' `-ff` files for a shell that starts `tasks - 1` children: (strace's,
/// rtrace's), the shell's first, with the pids of each normalised away.
fn both_per_task_traces(
    label: &str,
    options: &[&str],
    command: &[&str],
    tasks: usize,
) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    require_root();
    let scratch = ScratchDir::new(label);
    let traces = |tracer: &Path, base: &str| -> Vec<Vec<String>> {
        let files = per_task_traces(tracer, options, command, &scratch.path().join(base));
        assert_eq!(
            files.len(),
            tasks,
            "{} wrote {} files",
            tracer.display(),
            files.len()
        );
        // Pids differ between the runs: each file's own, and the shell's child's.
        files
            .iter()
            .map(|(pid, lines)| normalise_trace(lines, *pid))
            .collect()
    };
    (
        traces(Path::new("/usr/bin/strace"), "s"),
        traces(&rtrace_binary(), "r"),
    )
}

#[test]
fn each_task_gets_a_file_of_its_own_with_ff() {
    // (Not the calls whose results differ from run to run: random bytes, pids.)
    let options = ["-ff", "-e", "trace=!getrandom,getppid,set_tid_address"];
    let (strace, rtrace) =
        both_per_task_traces("ff", &options, &["sh", "-c", "/bin/true & wait"], 2);
    for (task, (s, r)) in strace.iter().zip(&rtrace).enumerate() {
        assert_same_lines(&format!("-ff, task {task}"), s, r, str::to_owned);
    }
    // The child's file holds its calls alone, without a pid before them.
    let child = &rtrace[1];
    assert!(
        child.iter().any(|l| l.starts_with("execve(\"/bin/true\"")),
        "{child:?}"
    );
    assert_eq!(
        child.last().map(String::as_str),
        Some("+++ exited with 0 +++")
    );
}

#[test]
fn return_values_align_at_the_column_asked_for() {
    let steady = ["-e", "trace=!set_tid_address,getrandom"];
    same_as_strace(&[&["-a", "20"], &steady[..]].concat(), &["true"]);
    same_as_strace(&[&["-a", "0"], &steady[..]].concat(), &["true"]);
}

#[test]
fn signal_lines_and_calls_by_status_as_e_qualifiers() {
    // A timer's SIGALRM, then the exit: the signal line shows or not as signal= says.
    let alarm = [
        "python3",
        "-c",
        "import signal; signal.signal(signal.SIGALRM, lambda *a: None); \
         signal.setitimer(signal.ITIMER_REAL, 0.05); signal.pause()",
    ];
    same_as_strace(&["-e", "trace=none", "-e", "signal=ALRM"], &alarm);
    same_as_strace(&["-e", "trace=none", "-e", "signal=!SIGALRM"], &alarm);
    // Failed calls, and the exit_group that never returns.
    same_as_strace(&["-e", "status=!successful"], &["ls", "/"]);
}

/// The first line of `trace` that begins with `call`, and the stack frames after it.
fn call_with_frames(trace: &[String], call: &str) -> Vec<String> {
    let Some(start) = trace.iter().position(|l| l.starts_with(call)) else {
        panic!("no {call} line in\n{}", trace.join("\n"));
    };
    let frames = trace[start + 1..]
        .iter()
        .take_while(|l| l.starts_with(" > "))
        .count();
    trace[start..=start + frames].to_vec()
}

#[test]
fn each_call_is_followed_by_its_stack_with_k() {
    // php's binary exports its functions, so frames in it and in libc have names, some
    // far from the address (a static function's frame is named by the exported one
    // before it). The process sleeps after the calls compared: their lines are
    // decoded while its mappings can still be read.
    let command = [
        "php",
        "-n",
        "-r",
        "usleep(1000); fwrite(STDOUT, \"x\\n\"); usleep(300000);",
    ];
    let (strace, rtrace) = both_traces(&["-k", "-e", "trace=clock_nanosleep,write"], &command);
    for call in ["clock_nanosleep(", "write("] {
        let expected = call_with_frames(&strace, call);
        assert!(
            expected.len() > 5 && expected[1].contains("libc.so.6("),
            "{expected:?}"
        );
        assert_eq!(call_with_frames(&rtrace, call), expected, "{call}");
    }
}

#[test]
fn a_shell_and_its_child_with_their_stacks_with_ff_k() {
    // The shell's calls, its vfork (whose return address glibc keeps in a register),
    // the child's exec (whose stack is the shell's, from before it), a signal's stack,
    // and the stacks of both exit_groups, printed after the "+++" lines.
    let options = [
        "-ff",
        "-k",
        "-e",
        "trace=!getrandom,getppid,set_tid_address",
    ];
    let command = ["sh", "-c", "echo hi; sleep 0.2"];
    let (strace, rtrace) = both_per_task_traces("ff-k", &options, &command, 2);
    for (task, (s, r)) in strace.iter().zip(&rtrace).enumerate() {
        assert!(
            s.iter().filter(|l| l.starts_with(" > ")).count() > 100,
            "task {task}: {s:?}"
        );
        // rt_sigreturn returns what wait4 did, the child's pid.
        let unpid = |line: &str| match line.split_once(") ") {
            Some((call, _)) if call.starts_with("rt_sigreturn(") => format!("{call}) = N"),
            _ => line.to_owned(),
        };
        assert_same_lines(&format!("-ff -k, task {task}"), s, r, unpid);
    }
}

#[test]
fn every_tracepoint_kind_loads_and_traces() {
    // The kernel verifies each kind's programs apart: one can fail where the others load.
    let command = ["sh", "-c", "echo hi"];
    let (strace, _) = both_traces(&["-e", "trace=write"], &command);
    let scratch = ScratchDir::new("tracepoint-kinds");
    for kind in ["btf", "raw", "classic"] {
        let options = ["--tracepoints", kind, "-e", "trace=write"];
        let rtrace = trace(
            &rtrace_binary(),
            &options,
            &command,
            &scratch.path().join(kind),
        );
        assert_eq!(rtrace, strace, "--tracepoints {kind}");
    }
    // -k needs the registers the classic kind does not pass: it says so.
    let out = Command::new(rtrace_binary())
        .args(["-k", "--tracepoints", "classic", "--", "true"])
        .output()
        .expect("running rtrace");
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "rtrace: -k needs the calls' user registers, which classic tracepoints do not pass\n"
    );
}

#[test]
fn a_killed_child_shows_where_it_stood_with_ff_k() {
    // The SIGTERM's line comes from the shell that sends it; the stack strace prints
    // after it is the child's, where the signal found it, which comes with the SIGKILL
    // the child then takes. The shell's SIGCHLD lines have their stacks too.
    let options = ["-ff", "-k", "-e", "trace=none"];
    let command = ["sh", "-c", "sleep 5 & sleep 0.2; kill -TERM $!; wait"];
    let (strace, rtrace) = both_per_task_traces("ff-k-killed", &options, &command, 3);
    let killed = &strace[1];
    assert!(
        killed.first().is_some_and(|l| l.starts_with("--- SIGTERM"))
            && killed.iter().filter(|l| l.starts_with(" > ")).count() > 3,
        "{killed:?}"
    );
    // (Without a fork's line to learn them from, the children's pids stay in si_pid.)
    let unpid = |l: &str| digits_after(l, &["si_pid="]);
    assert_same_lines("-ff -k, the killed child", &strace[1], &rtrace[1], unpid);
    // Where the shell stands when the killed child's SIGCHLD comes depends on how fast
    // the child dies: still in its kill, or already waiting. The lines are the same.
    let lines = |task: &[String]| -> Vec<String> {
        task.iter()
            .filter(|l| !l.starts_with(" > "))
            .cloned()
            .collect()
    };
    for task in [0, 2] {
        assert_same_lines(
            &format!("-ff -k, task {task}"),
            &lines(&strace[task]),
            &lines(&rtrace[task]),
            unpid,
        );
    }
}
