//! The values that differ between two runs of the same script, and only those, replaced by
//! fixed tokens: addresses, clock readings, the time left on a timer, random bytes, and the
//! pids of the helper and of the children it makes. Anything else that differs between
//! strace's line and rtrace's is a difference in rtrace.

use crate::compare::{realign, split_result};

/// Calls that take or return the helper's pid.
const PID_CALLS: &[&str] = &[
    "getpid",
    "gettid",
    "kill",
    "tkill",
    "tgkill",
    "rt_sigqueueinfo",
    "rt_tgsigqueueinfo",
];

/// Calls that return a new child's pid.
const CHILD_MAKERS: &[&str] = &["clone", "clone3", "fork", "vfork"];

/// Calls that take or return a child's pid.
const CHILD_CALLS: &[&str] = &[
    "clone", "clone3", "fork", "vfork", "wait4", "waitid", "kill",
];

/// Struct fields that hold a pid wherever they print: a signal's sender, a netlink
/// socket's port id (the kernel gives a process's first netlink socket its pid).
const PID_FIELDS: &[&str] = &["si_pid=", "nl_pid="];

/// Calls that return the time left on a timer, in their `it_value`.
const TIMER_READERS: &[&str] = &["timerfd_gettime", "timer_gettime"];

/// Replaces, in one trace line without a pid prefix:
/// - hexadecimal numbers of six or more digits without leading zero (`0x7ffd...`: stack,
///   heap, mmap and brk addresses, handler addresses) by `0xADDR`; zero-padded ones
///   (`nl_groups=0x000001`) are values, not addresses;
/// - the `tv_sec`, `tv_nsec` and `tv_usec` values that `clock_gettime` and `gettimeofday`
///   return by `N`;
/// - the `tv_sec` and `tv_nsec` of the `it_value` that `timerfd_gettime` and
///   `timer_gettime` return (the time left) by `N`;
/// - the bytes `getrandom` returns by `RANDOM`;
/// - in the calls that take or return process ids ([`PID_CALLS`]), the numbers equal to
///   `pid` by `PID`, and anywhere, the [`PID_FIELDS`] equal to `pid`.
///
/// The pid is replaced only there, as a number like 4096 could be a helper's pid and a
/// buffer size at once.
#[must_use]
pub fn normalise_line(line: &str, pid: u32) -> String {
    let name = call_name(line).unwrap_or_default();
    let mut text = hide_addresses(line);
    if matches!(name, "clock_gettime" | "gettimeofday") {
        for field in ["tv_sec=", "tv_nsec=", "tv_usec="] {
            text = replace_numbers_after(&text, field);
        }
    }
    if TIMER_READERS.contains(&name)
        && let Some(at) = text.find("it_value=")
    {
        let mut left = text[at..].to_owned();
        for field in ["tv_sec=", "tv_nsec="] {
            left = replace_numbers_after(&left, field);
        }
        text.replace_range(at.., &left);
    }
    if name == "getrandom" {
        text = hide_first_string(&text, "RANDOM");
    }
    let pid = pid.to_string();
    if PID_CALLS.contains(&name) {
        text = replace_number(&text, &pid, "PID");
    }
    for field in PID_FIELDS {
        text = replace_field(&text, field, &pid, "PID");
    }
    text
}

/// The pids of the children a single process's trace shows it making, in order: what
/// its `clone`, `clone3`, `fork` and `vfork` calls returned.
#[must_use]
pub fn child_pids(trace: &[String]) -> Vec<String> {
    trace
        .iter()
        .filter(|line| call_name(line).is_some_and(|name| CHILD_MAKERS.contains(&name)))
        .filter_map(|line| split_result(line))
        .map(|(_, result)| result.split(' ').next().unwrap_or_default())
        .filter(|result| result.parse::<u32>().is_ok_and(|pid| pid > 0))
        .map(str::to_owned)
        .collect()
}

/// Replaces each child pid of `children` by `CHILD1`, `CHILD2`... (by order of birth) in
/// the calls about children ([`CHILD_CALLS`]) and in the [`PID_FIELDS`] of any line.
#[must_use]
pub fn hide_children(line: &str, children: &[String]) -> String {
    let in_call = call_name(line).is_some_and(|name| CHILD_CALLS.contains(&name));
    let mut text = line.to_owned();
    for (index, child) in children.iter().enumerate() {
        let token = format!("CHILD{}", index + 1);
        if in_call {
            text = replace_number(&text, child, &token);
        }
        for field in PID_FIELDS {
            text = replace_field(&text, field, child, &token);
        }
    }
    text
}

/// Normalises every line of a single process's trace with [`normalise_line`] and pads it
/// again as strace would have: an address or pid can be shorter or longer than the value
/// strace measured the padding with. The padding as written is checked on its own, by
/// [`crate::compare::assert_aligned`].
#[must_use]
pub fn normalise_trace(trace: &[String], pid: u32) -> Vec<String> {
    let children = child_pids(trace);
    trace
        .iter()
        .map(|line| realign(&hide_children(&normalise_line(line, pid), &children)))
        .collect()
}

/// The system call a trace line is about: `read` for `read(0, ...`, and for the second
/// half of a split call, `<... read resumed>...`.
#[must_use]
pub fn call_name(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix("<... ") {
        return rest.split_once(" resumed>").map(|(name, _)| name);
    }
    let (name, _) = line.split_once('(')?;
    (!name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_'))
    .then_some(name)
}

/// `line` with its addresses (hex numbers of six digits or more) written `0xADDR`.
#[must_use]
pub fn hide_addresses(line: &str) -> String {
    let bytes = line.as_bytes();
    let mut text = String::with_capacity(line.len());
    let mut copied = 0;
    let mut index = 0;
    while index + 1 < bytes.len() {
        let starts_word = index == 0 || !bytes[index - 1].is_ascii_alphanumeric();
        if starts_word && bytes[index] == b'0' && bytes[index + 1] == b'x' {
            let digits = bytes[index + 2..]
                .iter()
                .take_while(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(byte))
                .count();
            if digits >= 6 && bytes[index + 2] != b'0' {
                text.push_str(&line[copied..index]);
                text.push_str("0xADDR");
                index += 2 + digits;
                copied = index;
                continue;
            }
        }
        index += 1;
    }
    text.push_str(&line[copied..]);
    text
}

/// Replaces the decimal number right after each `field` by `N`.
fn replace_numbers_after(line: &str, field: &str) -> String {
    let mut text = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(field) {
        let value_start = at + field.len();
        text.push_str(&rest[..value_start]);
        let digits = rest[value_start..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        if digits > 0 {
            text.push('N');
        }
        rest = &rest[value_start + digits..];
    }
    text.push_str(rest);
    text
}

/// Replaces the decimal number right after each `field` by `token` where it is `number`.
fn replace_field(line: &str, field: &str, number: &str, token: &str) -> String {
    let mut text = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(field) {
        let value_start = at + field.len();
        text.push_str(&rest[..value_start]);
        rest = &rest[value_start..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if &rest[..digits] == number {
            text.push_str(token);
            rest = &rest[digits..];
        }
    }
    text.push_str(rest);
    text
}

/// Replaces what is between the quotes of the first string in `line` by `token`.
fn hide_first_string(line: &str, token: &str) -> String {
    let Some(open) = line.find('"') else {
        return line.to_owned();
    };
    let bytes = line.as_bytes();
    let mut index = open + 1;
    while index < bytes.len() && bytes[index] != b'"' {
        index += if bytes[index] == b'\\' { 2 } else { 1 };
    }
    if index >= bytes.len() {
        return line.to_owned();
    }
    format!("{}{token}{}", &line[..=open], &line[index..])
}

/// Replaces each whole decimal number equal to `number` by `token`.
fn replace_number(line: &str, number: &str, token: &str) -> String {
    let bytes = line.as_bytes();
    let mut text = String::with_capacity(line.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index].is_ascii_digit() {
            let digits = bytes[index..]
                .iter()
                .take_while(|byte| byte.is_ascii_digit())
                .count();
            let whole = &line[index..index + digits];
            let inside_word = index > 0 && bytes[index - 1].is_ascii_alphabetic();
            text.push_str(if whole == number && !inside_word {
                token
            } else {
                whole
            });
            index += digits;
        } else {
            let next = line[index..]
                .chars()
                .next()
                .expect("index is on a char boundary");
            text.push(next);
            index += next.len_utf8();
        }
    }
    text
}

/// `line` with every run of at least `min_digits` digits written `N`.
#[must_use]
pub fn long_numbers_masked(line: &str, min_digits: usize) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    for c in line.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        out.push_str(if digits.len() >= min_digits {
            "N"
        } else {
            &digits
        });
        digits.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// `line` with the number after each of `marks` written `N` (a pid or a time, any length).
pub fn digits_after(line: &str, marks: &[&str]) -> String {
    let mut out = line.to_owned();
    for mark in marks {
        if let Some(at) = out.find(mark) {
            let start = at + mark.len();
            let digits = out[start..].bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                out.replace_range(start..start + digits, "N");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_of_six_or_more_hex_digits_are_hidden() {
        assert_eq!(
            normalise_line("mprotect(0x7fa153ec2000, 4096, PROT_READ) = 0", 1),
            "mprotect(0xADDR, 4096, PROT_READ) = 0"
        );
        assert_eq!(
            normalise_line(
                "brk(NULL)                               = 0x55aa79ed5000",
                1
            ),
            "brk(NULL)                               = 0xADDR"
        );
        assert_eq!(
            normalise_line(
                "fcntl(4, F_GETFL)                       = 0x800 (flags O_RDONLY|O_NONBLOCK)",
                1
            ),
            "fcntl(4, F_GETFL)                       = 0x800 (flags O_RDONLY|O_NONBLOCK)"
        );
    }

    #[test]
    fn clock_readings_become_n_but_sleep_lengths_stay() {
        assert_eq!(
            normalise_line(
                "clock_gettime(CLOCK_MONOTONIC, {tv_sec=495, tv_nsec=811187881}) = 0",
                1
            ),
            "clock_gettime(CLOCK_MONOTONIC, {tv_sec=N, tv_nsec=N}) = 0"
        );
        assert_eq!(
            normalise_line(
                "gettimeofday({tv_sec=1795756420, tv_usec=983541}, NULL) = 0",
                1
            ),
            "gettimeofday({tv_sec=N, tv_usec=N}, NULL) = 0"
        );
        let sleep = "nanosleep({tv_sec=0, tv_nsec=1000000}, NULL) = 0";
        assert_eq!(normalise_line(sleep, 1), sleep);
    }

    #[test]
    fn pid_is_replaced_only_in_calls_about_processes() {
        assert_eq!(
            normalise_line("getpid()                                = 4096", 4096),
            "getpid()                                = PID"
        );
        assert_eq!(
            normalise_line("tgkill(4096, 4096, 0) = 0", 4096),
            "tgkill(PID, PID, 0) = 0"
        );
        assert_eq!(
            normalise_line("kill(14096, 0) = 0", 4096),
            "kill(14096, 0) = 0"
        );
        assert_eq!(
            normalise_line("<... getpid resumed>) = 6133", 6133),
            "<... getpid resumed>) = PID"
        );
        let read = "read(3, \"\", 4096)                       = 0";
        assert_eq!(normalise_line(read, 4096), read);
        assert_eq!(
            normalise_line("getppid()                               = 6068", 6072),
            "getppid()                               = 6068"
        );
    }

    #[test]
    fn time_left_on_timers_becomes_n_but_intervals_stay() {
        assert_eq!(
            normalise_line(
                "timerfd_gettime(3, {it_interval={tv_sec=1, tv_nsec=500000000}, it_value={tv_sec=99, tv_nsec=999976244}}) = 0",
                1
            ),
            "timerfd_gettime(3, {it_interval={tv_sec=1, tv_nsec=500000000}, it_value={tv_sec=N, tv_nsec=N}}) = 0"
        );
        let set = "timer_settime(0, 0, {it_interval={tv_sec=1, tv_nsec=0}, it_value={tv_sec=100, tv_nsec=0}}, NULL) = 0";
        assert_eq!(normalise_line(set, 1), set);
    }

    #[test]
    fn random_bytes_are_hidden() {
        assert_eq!(
            normalise_line(r#"getrandom("\xa6\x22\"\\\x08", 5, GRND_NONBLOCK) = 5"#, 1),
            r#"getrandom("RANDOM", 5, GRND_NONBLOCK) = 5"#
        );
    }

    #[test]
    fn pid_fields_are_replaced_in_any_call() {
        assert_eq!(
            normalise_line(
                "getsockname(3, {sa_family=AF_NETLINK, nl_pid=6072, nl_groups=0x000001}, [12]) = 0",
                6072
            ),
            "getsockname(3, {sa_family=AF_NETLINK, nl_pid=PID, nl_groups=0x000001}, [12]) = 0"
        );
        assert_eq!(
            normalise_line(
                "rt_sigqueueinfo(6072, SIGUSR1, {si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=6072, si_uid=0, si_int=6072, si_ptr=0x7}) = 0",
                6072
            ),
            "rt_sigqueueinfo(PID, SIGUSR1, {si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=PID, si_uid=0, si_int=PID, si_ptr=0x7}) = 0"
        );
        let other = "rt_sigtimedwait([CHLD], {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=60721, si_uid=0, si_status=0, si_utime=0, si_stime=0}, NULL, 8) = 17 (SIGCHLD)";
        assert_eq!(normalise_line(other, 6072), other);
    }

    #[test]
    fn children_are_numbered_by_birth() {
        let trace: Vec<String> = [
            "clone(child_stack=NULL, flags=SIGCHLD)  = 7001",
            "rt_sigtimedwait([CHLD], {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=7001, si_uid=0, si_status=0, si_utime=0, si_stime=0}, {tv_sec=5, tv_nsec=0}, 8) = 17 (SIGCHLD)",
            "clone3({flags=0, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88) = 7002",
            "wait4(7002, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 7002",
            "read(3, 0x7ffd00001000, 7001)           = 7001",
            "clone(child_stack=NULL, flags=SIGCHLD)  = -1 EAGAIN (Resource temporarily unavailable)",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(child_pids(&trace), ["7001", "7002"]);
        assert_eq!(
            normalise_trace(&trace, 6000),
            [
                "clone(child_stack=NULL, flags=SIGCHLD)  = CHILD1",
                "rt_sigtimedwait([CHLD], {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=CHILD1, si_uid=0, si_status=0, si_utime=0, si_stime=0}, {tv_sec=5, tv_nsec=0}, 8) = 17 (SIGCHLD)",
                "clone3({flags=0, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88) = CHILD2",
                "wait4(CHILD2, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = CHILD2",
                "read(3, 0xADDR, 7001)                   = 7001",
                "clone(child_stack=NULL, flags=SIGCHLD)  = -1 EAGAIN (Resource temporarily unavailable)",
            ]
        );
    }

    #[test]
    fn padding_is_redone_after_normalising() {
        let trace = vec![
            "read(4, 0x7ffdd7bfb760, 16)             = -1 EAGAIN (Resource temporarily unavailable)".to_owned(),
            "kill(6072, 0)                           = 0".to_owned(),
        ];
        assert_eq!(
            normalise_trace(&trace, 6072),
            [
                "read(4, 0xADDR, 16)                     = -1 EAGAIN (Resource temporarily unavailable)",
                "kill(PID, 0)                            = 0",
            ]
        );
    }

    #[test]
    fn call_names_cover_whole_and_resumed_lines() {
        assert_eq!(call_name("read(0, \"x\", 1) = 1"), Some("read"));
        assert_eq!(
            call_name("<... exit_group resumed>) = ?"),
            Some("exit_group")
        );
        assert_eq!(call_name("+++ exited with 0 +++"), None);
    }
}
