//! `tailor run`: the same pipeline as the server, once, without a server.
//! It prints what each step reports and writes the tailored resume in every
//! format plus a JSON report into the output directory.

use std::path::Path;

use anyhow::{bail, Context};
use tailor_common::{EventBody, ValidationStatus};

use crate::{
    config::RunArgs,
    engine::{self, JobInput, Reporter, ResumeInput},
    fetch,
    outcome::{self, Format},
};

/// Prints a step's reports as they come.
struct Console;

impl Reporter for Console {
    fn progress(&mut self, pct: f64, detail: &str) {
        eprintln!("  {pct:>3.0}%  {detail}");
    }

    fn emit(&mut self, body: EventBody) {
        match body {
            EventBody::InsightEmitted(i) => {
                eprintln!("  insight [{}] {}", i.category.as_str(), i.message)
            }
            EventBody::MetricUpdate(m) => eprintln!("  metric  {} = {}", m.key, m.value),
            EventBody::ValidationUpdate(v) if v.status != ValidationStatus::Pending => {
                eprintln!(
                    "  check   {} {}: {}",
                    v.status.as_str(),
                    v.rule_id,
                    v.message
                )
            }
            EventBody::DiffChunk(d) => eprintln!("  change  {}: {}", d.section, d.summary),
            _ => {}
        }
    }
}

pub async fn run(args: RunArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(&args.resume)
        .with_context(|| format!("reading {}", args.resume.display()))?;
    let resume = ResumeInput {
        file_name: args
            .resume
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        bytes,
    };
    let job = read_job(&args.job, args.allow_private_urls).await?;
    let outcome = tokio::task::spawn_blocking(move || engine::run_all(&resume, &job, &mut Console))
        .await
        .context("the pipeline stopped")?
        .map_err(|e| anyhow::anyhow!("{e} ({})", e.code()))?;

    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    for format in [Format::Markdown, Format::Text, Format::Docx, Format::Pdf] {
        write(
            &args.out,
            &format!("tailored.{}", format.extension()),
            &format.render(&outcome),
        )?;
    }
    let mut report = outcome::job_result(uuid::Uuid::nil(), &outcome);
    report.downloads.clear();
    write(
        &args.out,
        "report.json",
        &serde_json::to_vec_pretty(&report)?,
    )?;
    println!("{}", outcome.summary_line());
    println!("written to {}", args.out.display());
    Ok(())
}

async fn read_job(job: &str, allow_private: bool) -> anyhow::Result<JobInput> {
    if job.starts_with("http://") || job.starts_with("https://") {
        let page = fetch::fetch_job_page(job, allow_private).await?;
        return Ok(JobInput::Html {
            url: page.final_url,
            html: page.html,
        });
    }
    let path = Path::new(job);
    if !path.is_file() {
        bail!("{job} is neither a file nor an http(s) URL");
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {job}"))?;
    let is_html = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    Ok(if is_html {
        JobInput::Html {
            url: path.display().to_string(),
            html: text,
        }
    } else {
        JobInput::Text(text)
    })
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
}
