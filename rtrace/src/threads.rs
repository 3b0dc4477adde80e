//! Threads traced alone. `-p TID` of a thread other than its process's first traces
//! that thread only, as strace does without `-f`: the kernel side traces whole thread
//! groups, and the events of the group's other threads are dropped here, before any
//! line, prefix decision or stuck view sees them.

use std::collections::{HashMap, HashSet};

use crate::decode::Event;

/// The processes of which only some threads are traced, and those threads.
#[derive(Debug, Default)]
pub struct ThreadTargets {
    only: HashMap<u32, HashSet<u32>>,
    /// Processes given whole (`-p PID` of the process itself): every thread shows,
    /// whatever thread of theirs is also given.
    whole: HashSet<u32>,
}

impl ThreadTargets {
    /// Traces `thread` of `process`, and no other thread of it unless given.
    pub fn add_thread(&mut self, process: u32, thread: u32) {
        if !self.whole.contains(&process) {
            self.only.entry(process).or_default().insert(thread);
        }
    }

    /// Traces every thread of `tgid`.
    pub fn add_process(&mut self, tgid: u32) {
        self.whole.insert(tgid);
        self.only.remove(&tgid);
    }

    /// Whether only some threads of `tgid` are traced.
    #[must_use]
    pub fn restricts(&self, tgid: u32) -> bool {
        self.only.contains_key(&tgid)
    }

    /// The threads traced of `tgid`, in order, when not all of them are.
    #[must_use]
    pub fn of(&self, tgid: u32) -> Option<Vec<u32>> {
        let mut tids: Vec<u32> = self.only.get(&tgid)?.iter().copied().collect();
        tids.sort_unstable();
        Some(tids)
    }

    /// Whether the lines of `thread` of `process` are shown.
    #[must_use]
    pub fn shows(&self, process: u32, thread: u32) -> bool {
        self.only
            .get(&process)
            .is_none_or(|threads| threads.contains(&thread))
    }

    /// Whether an event is about a thread left out. A thread's exit is left to
    /// [`Self::exited`].
    #[must_use]
    pub fn hides(&self, event: &Event<'_>) -> bool {
        // The common case, on every record: no thread traced alone.
        if self.only.is_empty() {
            return false;
        }
        match event {
            Event::Syscall(ev) => !self.shows(ev.tgid, ev.tid),
            Event::Signal(delivery) => !self.shows(delivery.tgid, delivery.tid),
            Event::Fork(fork) => !self.shows(fork.parent_tgid, fork.parent_tid),
            Event::Stack(user) => !self.shows(user.tgid, user.tid),
            Event::LongCapture(long) => !self.shows(long.tgid, long.tid),
            Event::Exit(_) | Event::TargetAdded { .. } => false,
        }
    }

    /// Counts `thread` of `process` gone. `Some(true)`: it was the last traced
    /// thread of a process traced in part, whose trace is then over; `Some(false)`:
    /// others remain; `None`: the process is traced whole.
    pub fn exited(&mut self, process: u32, thread: u32) -> Option<bool> {
        let threads = self.only.get_mut(&process)?;
        threads.remove(&thread);
        Some(threads.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_given_alone_is_the_only_one_shown() {
        let mut threads = ThreadTargets::default();
        threads.add_thread(100, 102);
        assert!(threads.shows(100, 102));
        assert!(!threads.shows(100, 100));
        assert!(!threads.shows(100, 101));
        assert!(threads.shows(200, 201), "other processes are traced whole");
        assert_eq!(threads.of(100), Some(vec![102]));
        assert_eq!(threads.of(200), None);
    }

    #[test]
    fn the_process_given_too_shows_every_thread() {
        for process_first in [false, true] {
            let mut threads = ThreadTargets::default();
            if process_first {
                threads.add_process(100);
                threads.add_thread(100, 102);
            } else {
                threads.add_thread(100, 102);
                threads.add_process(100);
            }
            assert!(threads.shows(100, 101));
            assert_eq!(threads.of(100), None);
        }
    }

    #[test]
    fn the_trace_of_a_process_in_part_ends_with_its_last_traced_thread() {
        let mut threads = ThreadTargets::default();
        threads.add_thread(100, 102);
        threads.add_thread(100, 103);
        assert_eq!(
            threads.exited(100, 101),
            Some(false),
            "not traced: no change"
        );
        assert_eq!(threads.exited(100, 102), Some(false));
        assert_eq!(threads.exited(100, 103), Some(true));
        assert_eq!(threads.exited(200, 200), None);
    }
}
