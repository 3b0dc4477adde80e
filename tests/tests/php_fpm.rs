//! The workers rtrace is for: a PHP-FPM pool, traced by rtrace and by strace at the same
//! time (rtrace stops nothing, so both can watch the same two workers) while a `FastCGI`
//! client sends requests. Every call strace shows, rtrace shows the same: with `-y`, and
//! with `-k`, each with the stack it was made from.

use std::{
    collections::BTreeMap,
    fs,
    io::{BufRead as _, BufReader, Read as _, Write as _},
    os::unix::net::UnixStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use rtrace_tests::{
    compare::UNFINISHED,
    interleave::{lines_by_pid, whole_calls},
    process::{DEADLINE, ScratchDir, require_root, rtrace_binary},
};

/// The `php-fpm` binary Debian installs (`php-fpm8.2` on bookworm).
fn php_fpm() -> PathBuf {
    fs::read_dir("/usr/sbin")
        .expect("listing /usr/sbin")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("php-fpm"))
        })
        .expect("php-fpm is installed (cargo xtask test installs it)")
}

/// A pool of two workers on a UNIX socket in `dir`, run in the foreground.
struct Pool {
    master: Child,
    socket: PathBuf,
    workers: Vec<u32>,
}

impl Pool {
    fn start(dir: &Path) -> Self {
        let socket = dir.join("fpm.sock");
        let config = dir.join("fpm.conf");
        fs::write(
            &config,
            format!(
                "[global]\nerror_log = {0}/error.log\ndaemonize = no\n\
                 [www]\nuser = root\ngroup = root\nlisten = {1}\n\
                 pm = static\npm.max_children = 2\n",
                dir.display(),
                socket.display()
            ),
        )
        .unwrap();
        let master = Command::new(php_fpm())
            .args(["-R", "-y"])
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting php-fpm");
        let start = Instant::now();
        let workers = loop {
            let children = fs::read_to_string(format!("/proc/{0}/task/{0}/children", master.id()))
                .unwrap_or_default();
            let workers: Vec<u32> = children
                .split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect();
            if workers.len() == 2 && socket.exists() {
                break workers;
            }
            assert!(start.elapsed() < DEADLINE, "php-fpm did not start its pool");
            thread::sleep(Duration::from_millis(20));
        };
        Pool {
            master,
            socket,
            workers,
        }
    }

    /// One `FastCGI` request for `script`, read to the end of the response.
    fn request(&self, script: &Path) -> Vec<u8> {
        fn record(kind: u8, content: &[u8]) -> Vec<u8> {
            let length = u16::try_from(content.len()).unwrap().to_be_bytes();
            [&[1, kind, 0, 1, length[0], length[1], 0, 0], content].concat()
        }
        fn pair(name: &str, value: &str) -> Vec<u8> {
            let lengths = [
                u8::try_from(name.len()).unwrap(),
                u8::try_from(value.len()).unwrap(),
            ];
            [&lengths[..], name.as_bytes(), value.as_bytes()].concat()
        }
        let params = [
            pair("SCRIPT_FILENAME", &script.display().to_string()),
            pair("REQUEST_METHOD", "GET"),
        ]
        .concat();
        // BEGIN_REQUEST (responder), PARAMS and their end, an empty STDIN.
        let request = [
            record(1, &[0, 1, 0, 0, 0, 0, 0, 0]),
            record(4, &params),
            record(4, &[]),
            record(5, &[]),
        ]
        .concat();
        let mut stream = UnixStream::connect(&self.socket).expect("connecting to php-fpm");
        stream.write_all(&request).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        response
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // SIGTERM: the master stops its workers, then itself. Killed outright, it would
        // leave them behind, blocked in accept.
        // SAFETY: signals to processes this pool started.
        unsafe { libc::kill(i32::try_from(self.master.id()).unwrap_or(-1), libc::SIGTERM) };
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            if self.master.try_wait().ok().flatten().is_some() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        // Stuck: its workers, still its children (their pids not yet free), go first.
        for &worker in &self.workers {
            // SAFETY: as above.
            unsafe { libc::kill(i32::try_from(worker).unwrap_or(-1), libc::SIGKILL) };
        }
        let _ = self.master.kill();
        let _ = self.master.wait();
    }
}

/// Starts a tracer on both workers, writing to `out`; returns once it says each is
/// attached.
fn start_tracer(program: &Path, options: &[String], workers: &[u32]) -> Child {
    let mut child = Command::new(program)
        .args(options)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", program.display()));
    let mut stderr = BufReader::new(child.stderr.take().expect("piped"));
    let mut attached = 0;
    let mut line = String::new();
    while attached < workers.len() {
        line.clear();
        assert!(
            stderr.read_line(&mut line).expect("tracer stderr") > 0,
            "{} ended before attaching",
            program.display()
        );
        attached += usize::from(line.contains("attached"));
    }
    // The rest of its messages, drained so that it never blocks on them.
    thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    child
}

fn stop(mut tracer: Child) {
    // SAFETY: a signal to a child we own.
    unsafe { libc::kill(i32::try_from(tracer.id()).unwrap(), libc::SIGINT) };
    let start = Instant::now();
    while tracer.try_wait().expect("waiting").is_none() {
        assert!(start.elapsed() < DEADLINE, "a tracer did not stop");
        thread::sleep(Duration::from_millis(20));
    }
}

/// `text` with each `-k` frame line (` > ...`, which carries no pid) joined to the
/// line before it, its call's.
fn frames_joined(text: &str) -> String {
    text.replace("\n > ", " > ")
}

/// Each worker's calls in a `-o` trace, split calls joined (and with `-k`, each with
/// its frames).
fn calls_by_worker(file: &Path) -> BTreeMap<u32, Vec<String>> {
    let text = frames_joined(&fs::read_to_string(file).expect("reading a trace"));
    lines_by_pid(&text)
        .expect("a pid before each line")
        .into_iter()
        .map(|(pid, mut lines)| {
            // A call still blocked when the tracer stopped.
            if lines.last().is_some_and(|l| l.ends_with(UNFINISHED)) {
                lines.pop();
            }
            (pid, whole_calls(&lines).expect("whole calls"))
        })
        .collect()
}

#[test]
fn php_fpm_workers_traced_beside_strace() {
    traced_beside_strace("php-fpm", "-y");
}

#[test]
fn php_fpm_workers_stacks_with_k_beside_strace() {
    // A worker reads its requests into a 64 KiB buffer on its stack: its callers' frames
    // are above it.
    traced_beside_strace("php-fpm-k", "-k");
}

/// Runs rtrace and strace with `option` on both workers of a pool while it answers ten
/// requests, and compares each worker's calls.
fn traced_beside_strace(label: &str, option: &str) {
    require_root();
    let scratch = ScratchDir::new(label);
    let dir = scratch.path();
    // What a request does: a session-like file under a lock, a connection refused.
    let script = dir.join("app.php");
    fs::write(
        &script,
        format!(
            "<?php\n\
             $f = fopen('{0}/counter', 'c+');\n\
             flock($f, LOCK_EX);\n\
             $n = (int)stream_get_contents($f) + 1;\n\
             ftruncate($f, 0); rewind($f); fwrite($f, (string)$n);\n\
             flock($f, LOCK_UN); fclose($f);\n\
             $s = @stream_socket_client('tcp://127.0.0.1:9', $errno, $errstr, 0.2);\n\
             echo \"hello $n\\n\";\n",
            dir.display()
        ),
    )
    .unwrap();
    let pool = Pool::start(dir);
    assert!(
        String::from_utf8_lossy(&pool.request(&script)).contains("hello 1"),
        "php-fpm answers"
    );
    let pids: Vec<String> = pool.workers.iter().map(u32::to_string).collect();
    let (rtrace_out, strace_out) = (dir.join("rtrace.out"), dir.join("strace.out"));
    let rtrace = start_tracer(
        &rtrace_binary(),
        &[
            option.to_owned(),
            "-o".to_owned(),
            rtrace_out.display().to_string(),
            "-p".to_owned(),
            pids.join(","),
        ],
        &pool.workers,
    );
    let mut strace_options = vec![
        option.to_owned(),
        "-o".to_owned(),
        strace_out.display().to_string(),
    ];
    for pid in &pids {
        strace_options.extend(["-p".to_owned(), pid.clone()]);
    }
    let strace = start_tracer(Path::new("/usr/bin/strace"), &strace_options, &pool.workers);
    for _ in 0..10 {
        pool.request(&script);
    }
    stop(strace);
    stop(rtrace);

    let strace = calls_by_worker(&strace_out);
    let rtrace = calls_by_worker(&rtrace_out);
    let mut compared = 0;
    for (pid, expected) in &strace {
        // strace's last line: the call it left (`accept(11<...>,  <detached ...>`).
        let expected: Vec<&String> = expected
            .iter()
            .filter(|l| !l.contains("<detached ...>"))
            .collect();
        // strace's attach and detach interrupt the worker's accept; rtrace, which does not
        // stop the worker, sees those returns too.
        let actual: Vec<&String> = rtrace
            .get(pid)
            .map(|calls| {
                calls
                    .iter()
                    .filter(|l| !(l.starts_with("accept(") && l.contains("= ? ERESTARTSYS")))
                    .collect()
            })
            .unwrap_or_default();
        // (A worker that answered no request while strace watched has no calls here.)
        let found = expected.is_empty()
            || actual
                .windows(expected.len())
                .any(|window| window == expected.as_slice());
        assert!(
            found,
            "worker {pid}: strace's calls are not rtrace's\n----- strace -----\n{}\n----- rtrace -----\n{}",
            expected
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            actual
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
        compared += expected.len();
    }
    // Ten requests between the two workers: each one's accept, reads, the script's
    // calls and the response.
    assert!(compared > 100, "only {compared} calls compared");
    assert_eq!(
        strace.len(),
        2,
        "both workers answered: {:?}",
        strace.keys()
    );
}
