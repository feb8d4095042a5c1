//! Configuration as people write it, through the real binary and its
//! environment: booleans in their usual spellings work, and values that
//! would bite later (a retention of 0 or of centuries, no running jobs)
//! stop the start with a message naming the setting.

use crate::common;

use std::process::Command;

fn tailor(env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tailor"));
    for var in [
        "TAILOR_ALLOW_PRIVATE_URLS",
        "TAILOR_RETENTION_DAYS",
        "TAILOR_MAX_RUNNING_JOBS",
        "TAILOR_DATABASE_URL",
    ] {
        command.env_remove(var);
    }
    command
        .envs(env.iter().copied())
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn allow_private_urls_accepts_1_and_friends() {
    let dir = tempfile::tempdir().unwrap();
    let resume = dir.path().join("resume.txt");
    let job = dir.path().join("job.txt");
    std::fs::write(&resume, common::fixture("resumes/gdg_data_analyst.txt")).unwrap();
    std::fs::write(&job, common::fixture("jobs/gdg_jd_data_analyst.txt")).unwrap();
    let out = dir.path().join("out");
    let run = |value: &str| {
        tailor(
            &[("TAILOR_ALLOW_PRIVATE_URLS", value)],
            &[
                "run",
                "--resume",
                resume.to_str().unwrap(),
                "--job",
                job.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
        )
    };
    for value in ["1", "yes", "on", "0", "off"] {
        let output = run(value);
        assert!(
            output.status.success(),
            "TAILOR_ALLOW_PRIVATE_URLS={value}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let output = run("perhaps");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("allow-private-urls"));
}

#[test]
fn absurd_settings_stop_the_start_with_a_clear_message() {
    for (var, value, flag) in [
        ("TAILOR_RETENTION_DAYS", "0", "--retention-days"),
        (
            "TAILOR_RETENTION_DAYS",
            "99999999999999",
            "--retention-days",
        ),
        ("TAILOR_MAX_RUNNING_JOBS", "0", "--max-running-jobs"),
    ] {
        let output = tailor(&[(var, value), ("TAILOR_ADDR", "127.0.0.1:0")], &["serve"]);
        assert!(!output.status.success(), "{var}={value} started");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(flag), "{var}={value}: {stderr}");
    }
}
