//! The few operating-system calls std does not offer: handing the event pipe
//! to pytest as file descriptor 3, and killing a whole process group.
#![expect(unsafe_code, reason = "fd passing and process-group signals need libc")]

use std::io;
use std::os::fd::RawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, ExitStatus};

/// The descriptor pytest's plugin writes its events to.
pub const EVENT_FD: RawFd = 3;

/// Makes `fd` the child's descriptor 3, inheritable, and puts the child in a
/// process group of its own so that a kill reaches every process a test
/// spawned.
pub fn prepare_child(command: &mut Command, fd: RawFd) {
    command.process_group(0);
    // SAFETY: the closure runs between fork and exec and only calls
    // async-signal-safe functions (dup2, fcntl) on descriptors we own.
    unsafe {
        command.pre_exec(move || {
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

/// Sends SIGKILL to the process group led by `pid`.
pub fn kill_group(pid: u32) {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: killpg has no memory-safety preconditions; a group that has
    // already exited yields ESRCH, which is fine to ignore.
    unsafe {
        libc::killpg(pid, libc::SIGKILL);
    }
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
