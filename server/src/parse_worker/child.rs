//! The worker side: `tailor parse-worker LIMITS`. It limits itself before it
//! reads a byte of the file, so nothing the file does can escape them.

use std::io::{BufRead, BufReader, Read, Write};

use rlimit::Resource;

use super::{Limits, Reply, Request};
use crate::engine::{read_resume, EngineError, ResumeInput, MAX_RESUME_BYTES};

/// Open files the worker may hold: its three pipes and a few for the
/// allocator and the runtime.
const MAX_OPEN_FILES: u64 = 16;
/// The request line is a small JSON object.
const MAX_HEADER_BYTES: u64 = 64 << 10;

/// Runs the worker; the process's exit code.
pub fn main(limits: &str) -> i32 {
    let limits: Limits = match serde_json::from_str(limits) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("parse-worker: bad limits: {e}");
            return 2;
        }
    };
    if let Err(e) = confine(&limits) {
        // Never read an untrusted file without the limits.
        eprintln!("parse-worker: could not confine itself: {e}");
        return 3;
    }
    let reply = match read_request() {
        Ok(input) => match read_resume(&input) {
            Ok(read) => Reply::Read(read),
            Err(e) => Reply::Failed(e),
        },
        Err(e) => Reply::Failed(e),
    };
    let out = serde_json::to_vec(&reply).expect("a reply serialises");
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(&out).and_then(|_| stdout.flush()).is_err() {
        return 4;
    }
    0
}

fn read_request() -> Result<ResumeInput, EngineError> {
    let bad = |what: &str| EngineError::Internal(format!("the reader's input was {what}"));
    let mut stdin = BufReader::new(std::io::stdin().lock());
    let mut line = Vec::new();
    (&mut stdin)
        .take(MAX_HEADER_BYTES)
        .read_until(b'\n', &mut line)
        .map_err(|_| bad("unreadable"))?;
    let req: Request = serde_json::from_slice(&line).map_err(|_| bad("malformed"))?;
    if req.len > MAX_RESUME_BYTES {
        return Err(EngineError::FileTooLarge {
            size: req.len,
            limit: MAX_RESUME_BYTES,
        });
    }
    let mut bytes = vec![0; req.len];
    stdin.read_exact(&mut bytes).map_err(|_| bad("cut short"))?;
    Ok(ResumeInput {
        file_name: req.file_name,
        bytes,
    })
}

/// OS limits, then a seccomp filter; both hold for the rest of the process.
fn confine(l: &Limits) -> std::io::Result<()> {
    Resource::DATA.set(l.data_bytes, l.data_bytes)?;
    Resource::AS.set(l.address_space_bytes, l.address_space_bytes)?;
    Resource::CPU.set(l.cpu_secs, l.cpu_secs + 1)?;
    Resource::NOFILE.set(MAX_OPEN_FILES, MAX_OPEN_FILES)?;
    // No file may be written, and a crash leaves no core file with the resume in it.
    Resource::FSIZE.set(0, 0)?;
    Resource::CORE.set(0, 0)?;
    deny_network_and_exec()
}

/// Reading a file needs neither the network nor other programs: those
/// system calls fail with EPERM.
#[cfg(target_os = "linux")]
fn deny_network_and_exec() -> std::io::Result<()> {
    use std::collections::BTreeMap;

    use seccompiler::{BpfProgram, SeccompAction, SeccompFilter, TargetArch};

    let denied = [
        libc::SYS_socket,
        libc::SYS_socketpair,
        libc::SYS_connect,
        libc::SYS_bind,
        libc::SYS_listen,
        libc::SYS_accept,
        libc::SYS_accept4,
        libc::SYS_execve,
        libc::SYS_execveat,
        libc::SYS_ptrace,
        libc::SYS_process_vm_readv,
        libc::SYS_process_vm_writev,
    ];
    let rules: BTreeMap<i64, Vec<seccompiler::SeccompRule>> =
        denied.iter().map(|&n| (n, Vec::new())).collect();
    let other = |e: String| std::io::Error::other(e);
    let arch: TargetArch = std::env::consts::ARCH
        .try_into()
        .map_err(|e| other(format!("{e:?}")))?;
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::EPERM as u32),
        arch,
    )
    .map_err(|e| other(e.to_string()))?;
    let program: BpfProgram = filter
        .try_into()
        .map_err(|e: seccompiler::BackendError| other(e.to_string()))?;
    seccompiler::apply_filter(&program).map_err(|e| other(e.to_string()))
}

#[cfg(not(target_os = "linux"))]
fn deny_network_and_exec() -> std::io::Result<()> {
    // The OS limits above still hold; there is no seccomp here.
    Ok(())
}
