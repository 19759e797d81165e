//! The few operating-system calls std does not offer: handing the event pipe
//! to pytest as file descriptor 3, tying a worker's life to fixpoint's, and
//! killing a worker with every process it left behind.
#![expect(unsafe_code, reason = "fd passing and process-group signals need libc")]

use std::collections::HashSet;
use std::fs;
use std::io;
use std::os::fd::RawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, ExitStatus};

/// The descriptor pytest's plugin writes its events to.
pub const EVENT_FD: RawFd = 3;

/// The environment variable that marks a worker and everything it starts:
/// a process that left the worker's group and parentage (`setsid`, a double
/// fork) still carries it, and [`kill_worker`] finds it by it.
pub const WORKER_MARK: &str = "FIXPOINT_WORKER_MARK";

/// Makes `fd` the child's descriptor 3, inheritable, puts the child in a
/// process group of its own so that a kill reaches every process a test
/// spawned, marks it with `mark`, and (on Linux) has the kernel kill it when
/// fixpoint dies, however it dies: `kill -9`, SIGHUP, a panic.
pub fn prepare_child(command: &mut Command, fd: RawFd, mark: &str) {
    command.process_group(0);
    command.env(WORKER_MARK, mark);
    let parent = std::process::id();
    // SAFETY: the closure runs between fork and exec and only calls
    // async-signal-safe functions (prctl, getppid, dup2, fcntl) on
    // descriptors we own.
    unsafe {
        command.pre_exec(move || {
            #[cfg(target_os = "linux")]
            {
                // The signal comes when the spawning thread ends: the
                // runner spawns and supervises its workers on one thread.
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                    return Err(io::Error::last_os_error());
                }
                // fixpoint may have died before the prctl took effect.
                if u32::try_from(libc::getppid()).ok() != Some(parent) {
                    libc::_exit(1);
                }
            }
            #[cfg(not(target_os = "linux"))]
            let _ = parent;
            if fd == EVENT_FD {
                let flags = libc::fcntl(fd, libc::F_GETFD);
                if flags == -1 || libc::fcntl(fd, libc::F_SETFD, flags & !libc::FD_CLOEXEC) == -1 {
                    return Err(io::Error::last_os_error());
                }
            } else if libc::dup2(fd, EVENT_FD) == -1 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Kills the worker `pid` (which may have exited already) and every process
/// it left: its process group, its descendants (a `setsid` child is still
/// one while the worker lives) and any process carrying its `mark` (one
/// that was orphaned). Only this user's processes can be read or killed.
pub fn kill_worker(pid: u32, mark: &str) {
    // Twice: a process may fork while the first sweep reads /proc.
    for _ in 0..2 {
        let mut doomed = descendants(pid);
        doomed.extend(marked(mark));
        signal_group(pid);
        for process in doomed {
            signal(process);
        }
    }
}

/// Sends SIGKILL to the process group led by `pid`.
fn signal_group(pid: u32) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: killpg has no memory-safety preconditions; a group that has
    // already exited yields ESRCH, which is fine to ignore.
    unsafe {
        libc::killpg(pid, libc::SIGKILL);
    }
}

fn signal(pid: u32) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    if pid <= 1 || pid == libc::pid_t::try_from(std::process::id()).unwrap_or(0) {
        return;
    }
    // SAFETY: kill has no memory-safety preconditions; ESRCH is ignored.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
}

/// Every process id in /proc (none where there is no /proc).
fn processes() -> impl Iterator<Item = u32> {
    fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse().ok())
}

/// The parent of `pid`, from /proc/PID/stat (after the command's closing
/// parenthesis: state, then the parent).
fn parent_of(pid: u32) -> Option<u32> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().nth(1)?.parse().ok()
}

fn descendants(root: u32) -> HashSet<u32> {
    let parents: Vec<(u32, u32)> = processes().filter_map(|pid| Some((pid, parent_of(pid)?))).collect();
    let mut found = HashSet::from([root]);
    loop {
        let before = found.len();
        for (pid, parent) in &parents {
            if found.contains(parent) {
                found.insert(*pid);
            }
        }
        if found.len() == before {
            break;
        }
    }
    found.remove(&root);
    found
}

/// Processes whose environment holds `WORKER_MARK=mark`.
fn marked(mark: &str) -> Vec<u32> {
    let needle = format!("{WORKER_MARK}={mark}");
    processes()
        .filter(|pid| {
            fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|environ| environ.split(|&byte| byte == 0).any(|entry| entry == needle.as_bytes()))
        })
        .collect()
}

/// Whether the child `pid` has exited, without reaping it: while it is a
/// zombie its process id (and group id) cannot be reused, so its leftovers
/// can still be killed by group before `Child::wait` reaps it.
pub fn has_exited(pid: u32) -> bool {
    // SAFETY: siginfo_t is plain data, valid zeroed; waitid writes into it.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: `info` is a valid, writable siginfo_t for the call.
    let result = unsafe {
        libc::waitid(
            libc::P_PID,
            pid,
            &raw mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    // SAFETY: si_pid is set by waitid (0 when the child has not changed state).
    result == -1 || unsafe { info.si_pid() } != 0
}

/// "exit status 3" or "signal 11 (SIGSEGV)".
pub fn describe_exit(status: ExitStatus) -> String {
    if let Some(signal) = status.signal() {
        let name = match signal {
            libc::SIGSEGV => " (SIGSEGV)",
            libc::SIGABRT => " (SIGABRT)",
            libc::SIGKILL => " (SIGKILL)",
            libc::SIGBUS => " (SIGBUS)",
            libc::SIGFPE => " (SIGFPE)",
            libc::SIGILL => " (SIGILL)",
            libc::SIGTERM => " (SIGTERM)",
            libc::SIGINT => " (SIGINT)",
            _ => "",
        };
        return format!("signal {signal}{name}");
    }
    format!("exit status {}", status.code().unwrap_or(-1))
}
