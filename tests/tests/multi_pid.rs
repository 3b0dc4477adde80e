//! One tracer on three processes at once: rtrace must mark each line with the process it is
//! about exactly as strace does (`[pid N] ` on stderr while more than one process is left,
//! `N    ` in a file), and each process's calls must be strace's, whatever the interleaving.
//! Needs root.

use std::path::Path;

use rtrace_tests::compare::{assert_aligned, assert_same_lines, realign, scenario_lines};
use rtrace_tests::interleave::{PidPrefix, lines_by_process, whole_calls};
use rtrace_tests::normalise::normalise_line;
use rtrace_tests::process::{Destination, Helper, ScratchDir, Tracer, TracerRun, require_root};

const HELPER: &str = env!("CARGO_BIN_EXE_rtrace-helper");

/// How many helpers each test traces at once.
const PROCESSES: usize = 3;

/// How the pids are given to a tracer: one `-p` option per entry.
type PidOptions = fn(&[u32]) -> Vec<String>;

/// `-p A -p B -p C`
fn one_option_each(pids: &[u32]) -> Vec<String> {
    pids.iter().map(u32::to_string).collect()
}

/// `-p A,B -p C`
fn list_then_single(pids: &[u32]) -> Vec<String> {
    let (last, first) = pids.split_last().expect("there are pids");
    vec![comma_list(first), last.to_string()]
}

/// `-p A,B,C`
fn one_list(pids: &[u32]) -> Vec<String> {
    vec![comma_list(pids)]
}

fn comma_list(pids: &[u32]) -> String {
    pids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Starts three `loop3` helpers, traces them all with one `tracer`, lets them run together,
/// and returns their pids and the raw trace.
fn trace_three(
    tracer: &Tracer,
    pid_options: PidOptions,
    destination: Destination,
) -> (Vec<u32>, Vec<String>) {
    let mut helpers: Vec<Helper> = (0..PROCESSES)
        .map(|_| Helper::start(Path::new(HELPER), "loop3", &[]))
        .collect();
    let pids: Vec<u32> = helpers.iter().map(Helper::pid).collect();
    let mut run = TracerRun::start(tracer, &pid_options(&pids), destination);
    run.wait_attached(&pids);
    for helper in &mut helpers {
        helper.trigger();
    }
    for helper in &mut helpers {
        helper.wait_for_success();
    }
    (pids, run.finish())
}

/// Checks the pid prefix of every line, then gives each process's calls (whole, normalised,
/// from after the trigger read to the exit) in the order of `pids`.
fn calls_by_process(
    tracer: &Tracer,
    trace: &[String],
    pids: &[u32],
    style: PidPrefix,
) -> Vec<Vec<String>> {
    let whole_trace = || format!("{} trace of {pids:?}:\n{}", tracer.name(), trace.join("\n"));
    let by_process = lines_by_process(trace, pids, style)
        .unwrap_or_else(|problem| panic!("{problem}\n{}", whole_trace()));
    pids.iter()
        .map(|pid| {
            let calls = whole_calls(&by_process[pid])
                .unwrap_or_else(|problem| panic!("pid {pid}: {problem}\n{}", whole_trace()));
            let calls: Vec<String> = calls
                .iter()
                .map(|line| realign(&normalise_line(line, *pid)))
                .collect();
            match scenario_lines(&calls) {
                Ok(lines) => lines.to_vec(),
                Err(problem) => panic!("pid {pid}: {problem}\n{}", whole_trace()),
            }
        })
        .collect()
}

/// What each `loop3` helper does after its trigger read, as strace prints it alone.
fn loop3_calls() -> Vec<String> {
    [
        "getpid() = PID",
        "getpid() = PID",
        "getpid() = PID",
        r#"write(3, "rtrace-helper loop3\n", 20) = 20"#,
        "exit_group(0) = ?",
        "+++ exited with 0 +++",
    ]
    .into_iter()
    .map(realign)
    .collect()
}

/// Where a test's tracers write their traces.
#[derive(Clone, Copy)]
enum Output {
    Stderr,
    File,
}

/// Traces three helpers with strace (`-p A -p B -p C`) and three others with rtrace (pids
/// given as `rtrace_pids` says), both writing to `output`, and compares them process by
/// process. `label` names the test's scratch directory.
fn compare_three(label: &str, rtrace_pids: PidOptions, output: Output) {
    require_root();
    let rtrace = Tracer::rtrace();
    let strace = Tracer::strace();
    let traces = ScratchDir::new(label);
    let style = match output {
        Output::Stderr => PidPrefix::Bracketed,
        Output::File => PidPrefix::Column,
    };
    let destination = |dir: &Path, tracer_name: &str| match output {
        Output::Stderr => Destination::Stderr,
        Output::File => Destination::File(dir.join(format!("{tracer_name}.txt"))),
    };

    let (pids, trace) = trace_three(
        &strace,
        one_option_each,
        destination(traces.path(), strace.name()),
    );
    assert_aligned(&format!("strace on {label}"), &trace);
    let expected = calls_by_process(&strace, &trace, &pids, style);
    for (pid, calls) in pids.iter().zip(&expected) {
        assert_eq!(
            *calls,
            loop3_calls(),
            "strace's calls for pid {pid} in:\n{}",
            trace.join("\n")
        );
    }

    let (pids, trace) = trace_three(
        &rtrace,
        rtrace_pids,
        destination(traces.path(), rtrace.name()),
    );
    let actual = calls_by_process(&rtrace, &trace, &pids, style);
    for (index, (expected, actual)) in expected.iter().zip(&actual).enumerate() {
        assert_same_lines(
            &format!("{label}, helper {index} (pid {})", pids[index]),
            expected,
            actual,
        );
    }
    // Joining split calls redoes their padding: check it as rtrace wrote it.
    assert_aligned(&format!("rtrace on {label}"), &trace);
}

#[test]
fn three_processes_traced_to_stderr_like_strace() {
    compare_three("multi-stderr", list_then_single, Output::Stderr);
}

#[test]
fn three_processes_traced_to_a_file_like_strace() {
    compare_three("multi-file", one_option_each, Output::File);
}

#[test]
fn one_comma_separated_pid_list_traces_like_strace() {
    compare_three("multi-list", one_list, Output::Stderr);
}
