//! `-e trace=SET`: which syscalls print, as strace names them: syscall names, classes
//! (`%file`, `%desc`, `%network`, `%process`, `%memory`, `%signal`, `%ipc`, `%clock`),
//! `all`, `none`, a leading `!` for the complement. The classes come from the syscall
//! table's rows; the kernel skips the others at exit, so they cost no record.

use std::str::FromStr as _;

use rtrace_common::MAX_SYSCALLS;
use syscalls::Sysno;

use crate::decode::table::{self, class};

/// The syscalls to show, by number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TracedSet {
    traced: Vec<bool>,
}

impl Default for TracedSet {
    fn default() -> Self {
        TracedSet {
            traced: vec![true; MAX_SYSCALLS as usize],
        }
    }
}

fn class_named(name: &str) -> Option<u16> {
    Some(match name {
        "file" => class::FILE,
        "desc" => class::DESC,
        "network" | "net" => class::NETWORK,
        "process" => class::PROCESS,
        "memory" => class::MEMORY,
        "signal" => class::SIGNAL,
        "ipc" => class::IPC,
        "clock" => class::CLOCK,
        _ => return None,
    })
}

impl TracedSet {
    /// Parses one `-e` expression (`trace=` may be left out, as strace allows).
    ///
    /// # Errors
    /// An unknown syscall, class or qualifier, worded as strace words it.
    pub fn parse(expr: &str) -> Result<Self, String> {
        let value = match expr.split_once('=') {
            Some(("trace" | "t", value)) => value,
            Some((qualifier, _)) => {
                return Err(format!(
                    "unsupported -e qualifier '{qualifier}' (rtrace knows trace=)"
                ));
            }
            None => expr,
        };
        let (negate, list) = match value.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, value),
        };
        let mut traced = vec![false; MAX_SYSCALLS as usize];
        for item in list.split(',').filter(|s| !s.is_empty()) {
            match item {
                "all" => traced.fill(true),
                "none" => {}
                _ => {
                    if let Some(name) = item.strip_prefix('%') {
                        let bits = class_named(name)
                            .ok_or_else(|| format!("invalid system call '{item}'"))?;
                        for (nr, row) in table::table().iter().enumerate() {
                            if row.as_ref().is_some_and(|r| r.def.class & bits != 0) {
                                traced[nr] = true;
                            }
                        }
                    } else {
                        let sysno = Sysno::from_str(item)
                            .map_err(|()| format!("invalid system call '{item}'"))?;
                        if let Some(t) = usize::try_from(sysno.id())
                            .ok()
                            .and_then(|nr| traced.get_mut(nr))
                        {
                            *t = true;
                        }
                    }
                }
            }
        }
        if negate {
            for t in &mut traced {
                *t = !*t;
            }
        }
        Ok(TracedSet { traced })
    }

    /// Intersects several `-e trace=` expressions (strace applies each in turn).
    #[must_use]
    pub fn and(mut self, other: &TracedSet) -> Self {
        for (a, b) in self.traced.iter_mut().zip(&other.traced) {
            *a &= *b;
        }
        self
    }

    /// Whether calls of this number print.
    #[must_use]
    pub fn contains(&self, nr: u32) -> bool {
        self.traced.get(nr as usize).copied().unwrap_or(true)
    }

    /// The numbers the kernel need not send. Execs are always sent: a launched command
    /// is shown from its exec on, and rtrace must see it.
    pub fn skipped(&self) -> impl Iterator<Item = u32> + '_ {
        let execs =
            [Sysno::execve, Sysno::execveat].map(|s| u32::try_from(s.id()).unwrap_or(u32::MAX));
        (0..MAX_SYSCALLS).filter(move |&nr| !self.contains(nr) && !execs.contains(&nr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nr(s: Sysno) -> u32 {
        u32::try_from(s.id()).unwrap()
    }

    #[test]
    fn names_and_classes() {
        let set = TracedSet::parse("trace=read,%network").unwrap();
        assert!(set.contains(nr(Sysno::read)));
        assert!(set.contains(nr(Sysno::connect)));
        assert!(set.contains(nr(Sysno::recvfrom)));
        assert!(!set.contains(nr(Sysno::write)));
        assert!(!set.contains(nr(Sysno::mmap)));
        let file = TracedSet::parse("%file").unwrap();
        assert!(file.contains(nr(Sysno::openat)));
        assert!(!file.contains(nr(Sysno::read)));
    }

    #[test]
    fn negation_and_all() {
        let set = TracedSet::parse("trace=!futex,clock_gettime").unwrap();
        assert!(!set.contains(nr(Sysno::futex)));
        assert!(set.contains(nr(Sysno::read)));
        assert_eq!(TracedSet::parse("all").unwrap(), TracedSet::default());
        assert_eq!(
            TracedSet::parse("none").unwrap().skipped().count(),
            MAX_SYSCALLS as usize - 2
        );
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            TracedSet::parse("trace=reed").unwrap_err(),
            "invalid system call 'reed'"
        );
        assert_eq!(
            TracedSet::parse("%files").unwrap_err(),
            "invalid system call '%files'"
        );
        assert!(
            TracedSet::parse("verbose=all")
                .unwrap_err()
                .contains("qualifier")
        );
    }
}
