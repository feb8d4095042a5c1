//! The writing step with a model: the engine writes the tailored resume as
//! always, then — when a provider is configured and the job did not opt
//! out — the model is asked for rewrites of single lines, streamed to the
//! Processing page as it writes (`draft_text`, never stored), and each
//! proposal is judged by the engine's gates the moment its line is
//! complete. A verdict is stored (`diff_chunk` with its verdict, and an
//! insight for a rejection); an applied rewrite changes the draft.
//!
//! Every failure of the provider (down, 401, 429, 5xx, a stall, a broken
//! or wrong-shaped reply, the job's caps) ends here, in the draft as the
//! engine wrote it plus the rewrites already verified, with an insight that
//! says what happened: never a failed or stuck job. A cancel drops the
//! request in flight.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tailor_common::{
    metric_keys as keys, DiffChunkPayload, DraftTextPayload, EventBody, Importance,
    InsightCategory, InsightPayload, MetricPayload, RewriteVerdict, Step, StepStatus,
};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::step::{self, Failure, StepRun};
use super::PipelineContext;
use crate::engine::rewrite::{gates, request, Evidence, Proposal, Rejection, Splitter};
use crate::engine::{self, render, writing, Analysis, Draft, Plan};
use crate::llm::{ChatMessage, ChatRequest, Generation, LlmError, Provider};

/// Proposals judged per job at most; the model is told nothing of this,
/// later ones are counted and left.
pub const MAX_PROPOSALS: usize = 40;

/// The most drafts shown a second per job (the browser renders ~8).
const DRAFT_EVERY: Duration = Duration::from_millis(60);

/// The id of the insight that records a job's "run without the model".
pub const WITHOUT_MODEL: &str = "llm-not-used";

/// What the log says, before the run, of a job the person keeps away from
/// the model: stored, so every later run of the job reads it too.
pub fn without_model(host: &str) -> EventBody {
    insight(
        WITHOUT_MODEL.into(),
        Importance::Low,
        format!(
            "This job runs without the language model, as you asked: nothing is sent to {host}."
        ),
    )
}

/// Whether the job was started to run without the model.
pub async fn opted_out(hub: &crate::hub::Hub, job_id: Uuid) -> Result<bool, Failure> {
    let state = hub.store().snapshot(job_id).await?;
    Ok(state.is_some_and(|s| s.insights.iter().any(|i| i.id == WITHOUT_MODEL)))
}

/// The writing step: the engine's draft, then the model's verified rewrites.
pub async fn write(
    ctx: &PipelineContext,
    job_id: Uuid,
    a: Arc<Analysis>,
    p: Arc<Plan>,
    use_model: bool,
    cancel: &CancellationToken,
) -> Result<Draft, Failure> {
    let mut run = step::begin(&ctx.hub, job_id, Step::Writing, None).await?;
    let (a2, p2) = (a.clone(), p.clone());
    let draft = run.stream_work(move |r| engine::write(&a2, &p2, r)).await?;
    let provider = match &ctx.llm {
        Some(provider) if use_model => provider.clone(),
        _ => {
            run.complete().await?;
            return Ok(draft);
        }
    };
    let rewriting = rewrite(&mut run, &provider, &a, &p, draft);
    let draft = tokio::select! {
        draft = rewriting => draft,
        _ = cancel.cancelled() => {
            // Dropping `rewriting` dropped the request: the connection closes.
            ctx.hub.clear_draft(job_id);
            run.end_early(StepStatus::Skipped, "Canceled".into()).await?;
            return Err(Failure::Canceled { step: Step::Writing });
        }
    };
    ctx.hub.clear_draft(job_id);
    let draft = draft?;
    run.complete().await?;
    Ok(draft)
}

/// What the proposals of one reply came to.
#[derive(Default)]
struct Tally {
    made: usize,
    applied: usize,
    rejected: BTreeMap<&'static str, usize>,
    unreadable: usize,
    ignored: usize,
}

struct Rewriter<'r, 'h> {
    run: &'r mut StepRun<'h>,
    ev: Evidence,
    current: engine::resume::Resume,
    places: BTreeMap<String, (String, String)>,
    decided: HashSet<String>,
    applied: Vec<(DiffChunkPayload, writing::Edit, engine::Rewrite)>,
    tally: Tally,
}

async fn rewrite(
    run: &mut StepRun<'_>,
    provider: &Provider,
    a: &Analysis,
    p: &Plan,
    mut draft: Draft,
) -> Result<Draft, Failure> {
    let ask = request::build(a, p, &draft.resume);
    if ask.lines.is_empty() {
        return Ok(draft);
    }
    let host = provider.config().host();
    run.say_at(
        50.0,
        format!(
            "Asking {} at {host} to propose rewrites; each is checked against your resume",
            provider.config().model
        ),
    )
    .await?;
    let job_id = run.job_id();
    let places = ask
        .lines
        .iter()
        .map(|l| (l.path.clone(), (l.place.clone(), l.text.clone())))
        .collect();
    let mut rw = Rewriter {
        ev: Evidence::new(&a.resume, &a.original_text, &[], engine::validate::today()),
        current: draft.resume.clone(),
        places,
        decided: HashSet::new(),
        applied: Vec::new(),
        tally: Tally::default(),
        run,
    };
    let chat = ChatRequest {
        messages: vec![
            ChatMessage {
                role: "system".into(),
                content: ask.system,
            },
            ChatMessage {
                role: "user".into(),
                content: ask.user,
            },
        ],
    };
    let (tx, mut rx) = mpsc::channel::<String>(64);
    let generation = provider.generate(&chat, tx);
    let consume = async {
        let mut splitter = Splitter::default();
        let mut last_draft = Instant::now() - DRAFT_EVERY;
        while let Some(text) = rx.recv().await {
            for parsed in splitter.push(&text) {
                rw.decide(parsed).await?;
            }
            if last_draft.elapsed() >= DRAFT_EVERY {
                if let Some((path, value)) = splitter.in_flight() {
                    rw.show(job_id, &path, value);
                    last_draft = Instant::now();
                }
            }
        }
        for parsed in splitter.finish() {
            rw.decide(parsed).await?;
        }
        if splitter.was_whole_document() {
            rw.tally.unreadable = 0;
        }
        Ok::<(), Failure>(())
    };
    let (outcome, consumed) = tokio::join!(generation, consume);
    consumed?;
    let (error, figures) = match outcome {
        Ok(figures) => (None, figures),
        Err((error, figures)) => (Some(error), figures),
    };
    rw.report(&host, error.as_ref(), &figures).await?;

    if !rw.applied.is_empty() {
        draft.resume = rw.current;
        draft.markdown = render::markdown::to_markdown(&draft.resume);
        draft.text = render::markdown::to_text(&draft.resume);
        for (chunk, edit, kept) in rw.applied {
            draft.diffs.push(chunk);
            draft.edits.push(edit);
            draft.rewrites.push(kept);
        }
    }
    Ok(draft)
}

impl Rewriter<'_, '_> {
    fn show(&self, job_id: Uuid, path: &str, value: String) {
        if self.decided.contains(path) {
            return;
        }
        let Some((place, original)) = self.places.get(path) else {
            return; // not a line we offered: its verdict will say so
        };
        self.run.hub().show_draft(
            job_id,
            DraftTextPayload {
                patch_id: patch_id(path),
                section: place.clone(),
                original: original.clone(),
                text: value,
            },
        );
    }

    async fn decide(
        &mut self,
        parsed: Result<Proposal, engine::rewrite::proposals::Unreadable>,
    ) -> Result<(), Failure> {
        let proposal = match parsed {
            Ok(p) => p,
            Err(_) => {
                self.tally.unreadable += 1;
                return Ok(());
            }
        };
        if self.tally.made >= MAX_PROPOSALS {
            self.tally.ignored += 1;
            return Ok(());
        }
        self.tally.made += 1;
        let verdict = if self.decided.contains(proposal.path.trim()) {
            Err(Rejection::Duplicate)
        } else {
            gates::judge(&proposal, &self.current, &self.ev)
        };
        let hub_metrics = self.run.hub().metrics().clone();
        let path = proposal.path.trim().to_string();
        let (place, original) = self
            .places
            .get(&path)
            .cloned()
            .unwrap_or_else(|| ("resume".to_string(), proposal.original.clone()));
        self.decided.insert(path.clone());
        match verdict {
            Ok(target) => {
                target.apply(&mut self.current, proposal.value.trim());
                self.tally.applied += 1;
                hub_metrics.llm_proposal(None);
                let reason = if proposal.reason.trim().is_empty() {
                    "clearer wording".to_string()
                } else {
                    proposal.reason.trim().chars().take(200).collect()
                };
                let chunk = DiffChunkPayload {
                    patch_id: patch_id(&path),
                    section: place.clone(),
                    summary: format!("Rewrote your {place} ({reason})"),
                    ops: writing::diff_ops(&original, proposal.value.trim()),
                    verdict: Some(RewriteVerdict {
                        applied: true,
                        reason: reason.clone(),
                    }),
                };
                let edit = writing::Edit {
                    id: patch_id(&path),
                    kind: "rewrite".into(),
                    section: place.clone(),
                    description: format!("Rewrote your {place}"),
                    reason: reason.clone(),
                };
                let kept = engine::Rewrite {
                    id: patch_id(&path),
                    place: place.clone(),
                    original: original.clone(),
                    value: proposal.value.trim().to_string(),
                    reason,
                };
                self.run.emit(EventBody::DiffChunk(chunk.clone())).await?;
                self.applied.push((chunk, edit, kept));
            }
            Err(Rejection::Unchanged) => {
                // Nothing to tell: the line stays as it is either way.
                *self.tally.rejected.entry("unchanged").or_default() += 1;
                hub_metrics.llm_proposal(Some("unchanged"));
            }
            Err(rejection) => {
                *self.tally.rejected.entry(rejection.code()).or_default() += 1;
                hub_metrics.llm_proposal(Some(rejection.code()));
                let why = rejection.explain();
                let n = self.tally.made;
                self.run
                    .emit(insight(
                        format!("rewrite-rejected-{n}"),
                        Importance::Medium,
                        format!("Rejected a rewrite of your {place}: {why}. The original stays."),
                    ))
                    .await?;
                // The card of a line shown in flight gets its verdict; a
                // proposal for a line never offered has no card.
                if self.places.contains_key(&path) {
                    let chunk = DiffChunkPayload {
                        patch_id: patch_id(&path),
                        section: place.clone(),
                        summary: format!(
                            "Kept your {place}: the proposed rewrite {}",
                            why.trim_start_matches("it ")
                        ),
                        ops: vec![tailor_common::DiffOp {
                            op: tailor_common::DiffOpKind::Equal,
                            text: original,
                        }],
                        verdict: Some(RewriteVerdict {
                            applied: false,
                            reason: why,
                        }),
                    };
                    self.run.emit(EventBody::DiffChunk(chunk)).await?;
                }
            }
        }
        Ok(())
    }

    /// The figures and, when the provider failed or the reply was unusable,
    /// what happened in words.
    async fn report(
        &mut self,
        host: &str,
        error: Option<&LlmError>,
        g: &Generation,
    ) -> Result<(), Failure> {
        let ms = |d: Option<Duration>| d.map_or(0, |d| d.as_millis() as u64);
        self.run.hub().metrics().llm_finished(
            error.map_or("ok", LlmError::code),
            g.usage.prompt_tokens,
            g.usage.completion_tokens,
            ms(g.time_to_first_token),
            ms(Some(g.generation_time)),
        );
        let t = &self.tally;
        let rejected: usize = t.rejected.values().sum();
        let mut figures = vec![
            (
                keys::LLM_TOKENS_IN.to_string(),
                g.usage.prompt_tokens as f64,
                Some("tokens"),
                "Tokens sent to the model",
            ),
            (
                keys::LLM_TOKENS_OUT.to_string(),
                g.usage.completion_tokens as f64,
                Some("tokens"),
                "Tokens the model wrote",
            ),
            (
                keys::LLM_GENERATION_MS.to_string(),
                ms(Some(g.generation_time)) as f64,
                Some("ms"),
                "Model generation time",
            ),
            (
                keys::LLM_PROPOSALS_MADE.to_string(),
                t.made as f64,
                None,
                "Rewrites proposed",
            ),
            (
                keys::LLM_PROPOSALS_APPLIED.to_string(),
                t.applied as f64,
                None,
                "Rewrites applied",
            ),
            (
                keys::LLM_PROPOSALS_REJECTED.to_string(),
                rejected as f64,
                None,
                "Rewrites rejected",
            ),
        ];
        if let Some(first) = g.time_to_first_token {
            figures.push((
                keys::LLM_FIRST_TOKEN_MS.to_string(),
                first.as_millis() as f64,
                Some("ms"),
                "Time to the model's first token",
            ));
        }
        for (code, n) in &t.rejected {
            figures.push((
                format!("{}{code}", keys::LLM_REJECTED_PREFIX),
                *n as f64,
                None,
                "Rewrites rejected by one gate",
            ));
        }
        for (key, value, unit, label) in figures {
            self.run
                .emit(EventBody::MetricUpdate(MetricPayload {
                    key,
                    value,
                    unit: unit.map(str::to_string),
                    label: Some(label.to_string()),
                }))
                .await?;
        }
        let kept = match t.applied {
            0 => "Your resume keeps Tailor's own edits.".to_string(),
            1 => "The 1 rewrite it made before that was checked and is kept; the rest keeps Tailor's own edits.".to_string(),
            n => format!("The {n} rewrites it made before that were checked and are kept; the rest keeps Tailor's own edits."),
        };
        let message = match error {
            Some(e) => Some(format!("The model at {host} could not finish: {}. {kept}", failure_words(e))),
            None if t.made == 0 && t.unreadable > 0 => Some(format!(
                "The model at {host} answered, but not with rewrites in the expected form ({} unreadable {}). {kept}",
                t.unreadable,
                if t.unreadable == 1 { "line" } else { "lines" }
            )),
            None if t.unreadable > 0 => Some(format!(
                "{} {} of the model's reply could not be read and {} ignored.",
                t.unreadable,
                if t.unreadable == 1 { "line" } else { "lines" },
                if t.unreadable == 1 { "was" } else { "were" }
            )),
            None => None,
        };
        if let Some(message) = message {
            self.run
                .emit(insight(
                    "rewrite-provider".into(),
                    Importance::High,
                    message,
                ))
                .await?;
        }
        if t.ignored > 0 {
            self.run
                .emit(insight(
                    "rewrite-ignored".into(),
                    Importance::Low,
                    format!("The model proposed {} more rewrites than Tailor checks for one job ({MAX_PROPOSALS}); those were left out.", t.ignored),
                ))
                .await?;
        }
        Ok(())
    }
}

fn failure_words(e: &LlmError) -> String {
    match e {
        LlmError::Unauthorized(_) => "it refused the API key (check --llm-api-key-file)".into(),
        LlmError::RateLimited => "it kept refusing with 'too many requests' (HTTP 429)".into(),
        other => other
            .to_string()
            .trim_start_matches("the model ")
            .to_string(),
    }
}

fn patch_id(path: &str) -> String {
    format!("rewrite-{path}")
}

fn insight(id: String, importance: Importance, message: String) -> EventBody {
    EventBody::InsightEmitted(InsightPayload {
        id,
        category: InsightCategory::Structure,
        importance,
        message,
        step: Some(Step::Writing),
    })
}
