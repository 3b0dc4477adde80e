//! Named constants and flag sets, in strace's order (its `src/xlat/*.in` files name
//! the kernel header each set comes from). Values come from `libc`, so a name is
//! typed once; the few constants libc lacks carry their kernel value and header.

/// A set of named values, in the order strace prints them.
#[derive(Debug)]
pub struct Xlat {
    pub entries: &'static [(u64, &'static str)],
    /// What a flag set prints when no bit is set (`0` if `None`).
    pub zero: Option<&'static str>,
}

impl Xlat {
    /// The name of `value`, looked up as an exact match.
    #[must_use]
    pub fn name(&self, value: u64) -> Option<&'static str> {
        self.entries
            .iter()
            .find(|&&(v, _)| v == value)
            .map(|&(_, n)| n)
    }
}

/// Declares an [`Xlat`]: each entry is a `libc` constant (its name is the printed
/// name) or `NAME = value` for constants libc does not have.
#[macro_export]
macro_rules! xlat {
    ($(#[$m:meta])* $vis:vis $set:ident $(zero $zero:literal)? { $($name:ident $(= $value:expr)?),* $(,)? }) => {
        $(#[$m])*
        $vis static $set: $crate::decode::xlat::Xlat = $crate::decode::xlat::Xlat {
            entries: &[$( ($crate::xlat!(@value $name $(= $value)?), stringify!($name)) ),*],
            zero: $crate::xlat!(@zero $($zero)?),
        };
    };
    (@value $name:ident = $value:expr) => {{
        #[allow(clippy::cast_sign_loss, reason = "negative codes match as the kernel sign-extends them")]
        let v = ($value) as u64;
        v
    }};
    (@value $name:ident) => {{
        #[allow(clippy::cast_sign_loss, clippy::cast_lossless)]
        let v = libc::$name as u64;
        v
    }};
    (@zero $zero:literal) => { Some($zero) };
    (@zero) => { None };
}

xlat! {
    /// `open`'s access mode (the low two bits), `include/uapi/asm-generic/fcntl.h`.
    pub OPEN_ACCESS_MODES { O_RDONLY, O_WRONLY, O_RDWR }
}

xlat! {
    /// `open`'s other flags, `include/uapi/asm-generic/fcntl.h`.
    pub OPEN_FLAGS {
        O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC, O_APPEND, O_NONBLOCK, O_SYNC,
        __O_SYNC = 0o4_000_000, O_DSYNC, O_DIRECT, O_LARGEFILE = 0o100_000, O_NOFOLLOW,
        O_NOATIME, O_CLOEXEC, O_PATH, O_TMPFILE, __O_TMPFILE = 0o20_000_000, O_DIRECTORY,
        FASYNC = libc::O_ASYNC,
    }
}

xlat! {
    /// `*at` flags, `include/uapi/linux/fcntl.h`.
    pub AT_FLAGS {
        AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_NO_AUTOMOUNT,
        AT_EMPTY_PATH, AT_STATX_FORCE_SYNC, AT_STATX_DONT_SYNC, AT_RECURSIVE,
    }
}

xlat! {
    /// `access` modes, `include/uapi/linux/fcntl.h` (`F_OK` is zero).
    pub ACCESS_MODES zero "F_OK" { R_OK, W_OK, X_OK }
}

xlat! {
    /// `lseek` whence, `include/uapi/linux/fs.h`.
    pub SEEK_WHENCE { SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE }
}

xlat! {
    /// `mmap` protections, `include/uapi/asm-generic/mman-common.h`.
    pub MMAP_PROT zero "PROT_NONE" { PROT_READ, PROT_WRITE, PROT_EXEC, PROT_SEM = 0x8, PROT_GROWSDOWN, PROT_GROWSUP }
}
