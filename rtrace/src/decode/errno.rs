//! Error returns as strace prints them: `-1 ENOENT (No such file or directory)`.
//!
//! Names come from the `syscalls` crate (the kernel's own list, including the
//! kernel-internal restart codes); descriptions from the C library's `strerror`, as
//! strace does, except for the restart codes, which userspace never sees and strace
//! describes itself.

use std::{ffi::CStr, io::Write as _};

use syscalls::Errno;

/// strace's words for the kernel-internal restart codes (`include/linux/errno.h`).
const RESTART_DESCRIPTIONS: [(i32, &str); 4] = [
    (512, "To be restarted if SA_RESTART is set"),
    (513, "To be restarted"),
    (514, "To be restarted if no handler"),
    (516, "Interrupted by signal"),
];

/// Writes the part after `= ` for a failed call returning `-errno`.
pub fn write_error(out: &mut Vec<u8>, errno: i32) {
    let name = Errno::new(errno).name();
    if let Some(&(_, text)) = RESTART_DESCRIPTIONS.iter().find(|(n, _)| *n == errno) {
        let _ = write!(out, "? {} ({text})", name.unwrap_or("ERESTART"));
        return;
    }
    out.extend_from_slice(b"-1 ");
    match name {
        Some(name) => out.extend_from_slice(name.as_bytes()),
        None => super::text::decimal(out, errno),
    }
    out.extend_from_slice(b" (");
    // SAFETY: strerror returns a valid NUL-terminated string, static for known errors;
    // the daemon decodes on one thread.
    out.extend_from_slice(unsafe { CStr::from_ptr(libc::strerror(errno)) }.to_bytes());
    out.push(b')');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(errno: i32) -> String {
        let mut v = Vec::new();
        write_error(&mut v, errno);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn common_errors() {
        assert_eq!(text(2), "-1 ENOENT (No such file or directory)");
        assert_eq!(text(11), "-1 EAGAIN (Resource temporarily unavailable)");
        assert_eq!(text(111), "-1 ECONNREFUSED (Connection refused)");
        assert_eq!(text(95), "-1 EOPNOTSUPP (Operation not supported)");
    }

    #[test]
    fn restart_codes() {
        assert_eq!(
            text(512),
            "? ERESTARTSYS (To be restarted if SA_RESTART is set)"
        );
        assert_eq!(text(516), "? ERESTART_RESTARTBLOCK (Interrupted by signal)");
    }
}
