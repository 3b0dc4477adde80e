//! The values that differ between two runs of the same script, and only those, replaced by
//! fixed tokens: addresses, clock readings and the helper's own pid. Anything else that
//! differs between strace's line and rtrace's is a difference in rtrace.

use crate::compare::realign;

/// Replaces, in one trace line without a pid prefix:
/// - hexadecimal numbers of six or more digits (`0x7ffd...`: stack, heap, mmap and brk
///   addresses, handler addresses) by `0xADDR`;
/// - the `tv_sec`, `tv_nsec` and `tv_usec` values that `clock_gettime` and `gettimeofday`
///   return by `N`;
/// - in the calls that take or return process ids (`getpid`, `gettid`, `kill`, `tkill`,
///   `tgkill`), the numbers equal to `pid` by `PID`.
///
/// The pid is replaced only in those calls, as a number like 4096 could be a helper's pid
/// and a buffer size at once.
#[must_use]
pub fn normalise_line(line: &str, pid: u32) -> String {
    let name = call_name(line).unwrap_or_default();
    let mut text = hide_addresses(line);
    if matches!(name, "clock_gettime" | "gettimeofday") {
        for field in ["tv_sec=", "tv_nsec=", "tv_usec="] {
            text = replace_numbers_after(&text, field);
        }
    }
    if matches!(name, "getpid" | "gettid" | "kill" | "tkill" | "tgkill") {
        text = replace_number(&text, &pid.to_string(), "PID");
    }
    text
}

/// Normalises every line of a single process's trace with [`normalise_line`] and pads it
/// again as strace would have: an address or pid can be shorter or longer than the value
/// strace measured the padding with. The padding as written is checked on its own, by
/// [`crate::compare::assert_aligned`].
#[must_use]
pub fn normalise_trace(trace: &[String], pid: u32) -> Vec<String> {
    trace
        .iter()
        .map(|line| realign(&normalise_line(line, pid)))
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

fn hide_addresses(line: &str) -> String {
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
            if digits >= 6 {
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
