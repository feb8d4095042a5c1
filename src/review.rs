//! What the person decides on a finished job's result: accept or reject each
//! change, confirm a missing term ("I have this"), edit a line, go back to
//! an earlier version.
//!
//! Each decision is one `decision` event in the job's own log, so every
//! store keeps it, a reload or restart finds it, and the reducer
//! ([`ReviewState::apply`]) is the one place that says what the decisions
//! add up to. Each decision makes a new numbered version; version 0 is the
//! resume as Tailor wrote it. The engine re-renders the tailored resume
//! from the original, the plan and [`Decisions`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::limits::{MAX_DECISIONS_PER_JOB, MAX_DECISION_TEXT_CHARS};

/// Where a confirmed term belongs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Placement {
    /// The skills section (made if the resume has none).
    Skills,
    /// A role, by its position among the resume's roles (0 = first listed).
    Role { role: usize },
}

/// One decision, as the client sends it (`POST /api/jobs/{id}/decisions`)
/// and as the log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Decision {
    /// Keep (`accepted: true`) or drop a change Tailor proposed.
    Change { change_id: String, accepted: bool },
    /// "I have this": the person gives the evidence for a missing term.
    Confirm {
        term: String,
        place: Placement,
        /// The line to write, in the person's words; else Tailor writes
        /// the term alone (in the skills) or "Experience with <term>".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wording: Option<String>,
    },
    /// Takes a confirmation back.
    Unconfirm { term: String },
    /// The line `line_id` (see the result's `lines`) reads `text` from now
    /// on; `None` puts back what Tailor wrote.
    Edit {
        line_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// The decisions as they were at `version`, as a new version.
    Restore { version: u32 },
}

impl Decision {
    /// The texts the person typed, for the length limit.
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Decision::Change { change_id, .. } => vec![change_id],
            Decision::Confirm { term, wording, .. } => {
                let mut t = vec![term.as_str()];
                t.extend(wording.as_deref());
                t
            }
            Decision::Unconfirm { term } => vec![term],
            Decision::Edit { line_id, text } => {
                let mut t = vec![line_id.as_str()];
                t.extend(text.as_deref());
                t
            }
            Decision::Restore { .. } => vec![],
        }
    }

    /// A length problem, in words, if a text is over the limit.
    pub fn too_long(&self) -> Option<String> {
        self.texts()
            .into_iter()
            .find(|t| t.chars().count() > MAX_DECISION_TEXT_CHARS)
            .map(|t| {
                format!(
                    "A text of {} characters is longer than the {MAX_DECISION_TEXT_CHARS}-character limit.",
                    t.chars().count()
                )
            })
    }

    /// In words, for the list of versions.
    pub fn describe(&self) -> String {
        match self {
            Decision::Change {
                change_id,
                accepted: true,
            } => format!("Kept {change_id}"),
            Decision::Change {
                change_id,
                accepted: false,
            } => format!("Dropped {change_id}"),
            Decision::Confirm { term, .. } => format!("You have {term}"),
            Decision::Unconfirm { term } => format!("Took back {term}"),
            Decision::Edit {
                line_id,
                text: Some(_),
            } => format!("Edited line {line_id}"),
            Decision::Edit {
                line_id,
                text: None,
            } => format!("Put back line {line_id}"),
            Decision::Restore { version } => format!("Went back to version {version}"),
        }
    }
}

/// A term the person confirmed: evidence they gave, shown as "added by you".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub term: String,
    pub place: Placement,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wording: Option<String>,
}

/// What the decisions add up to at one version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decisions {
    /// Change ids the person dropped; every other change is kept.
    #[serde(default)]
    pub rejected: BTreeSet<String>,
    /// In the order given; one per term (case-insensitive).
    #[serde(default)]
    pub confirmed: Vec<Confirmation>,
    /// line id → the person's text.
    #[serde(default)]
    pub edits: BTreeMap<String, String>,
}

impl Decisions {
    pub fn is_empty(&self) -> bool {
        self.rejected.is_empty() && self.confirmed.is_empty() && self.edits.is_empty()
    }

    /// One decision applied (a restore is resolved by [`ReviewState`]).
    fn apply(&mut self, d: &Decision) {
        match d {
            Decision::Change {
                change_id,
                accepted,
            } => {
                if *accepted {
                    self.rejected.remove(change_id);
                } else {
                    self.rejected.insert(change_id.clone());
                }
            }
            Decision::Confirm {
                term,
                place,
                wording,
            } => {
                let c = Confirmation {
                    term: term.trim().to_string(),
                    place: place.clone(),
                    wording: wording
                        .as_deref()
                        .map(str::trim)
                        .filter(|w| !w.is_empty())
                        .map(str::to_string),
                };
                match self
                    .confirmed
                    .iter_mut()
                    .find(|x| x.term.eq_ignore_ascii_case(&c.term))
                {
                    Some(slot) => *slot = c,
                    None => self.confirmed.push(c),
                }
            }
            Decision::Unconfirm { term } => self
                .confirmed
                .retain(|x| !x.term.eq_ignore_ascii_case(term.trim())),
            Decision::Edit { line_id, text } => match text {
                Some(t) => {
                    self.edits.insert(line_id.clone(), t.trim().to_string());
                }
                None => {
                    self.edits.remove(line_id);
                }
            },
            Decision::Restore { .. } => {}
        }
    }
}

/// One version: the decision that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Round {
    /// 1, 2, 3…
    pub version: u32,
    /// Epoch milliseconds.
    pub ts: i64,
    pub decision: Decision,
}

/// The review's part of a job's state: every version and the decisions of
/// the latest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewState {
    /// At most [`MAX_DECISIONS_PER_JOB`]; later ones are not applied.
    pub rounds: Vec<Round>,
    pub current: Decisions,
}

impl ReviewState {
    pub fn is_empty(&self) -> bool {
        self.rounds.is_empty()
    }

    /// The latest version (0: as Tailor wrote it).
    pub fn version(&self) -> u32 {
        self.rounds.len() as u32
    }

    /// Whether another decision fits under the per-job limit.
    pub fn has_room(&self) -> bool {
        self.rounds.len() < MAX_DECISIONS_PER_JOB
    }

    /// Applies one decision as the next version; a decision past the limit,
    /// or a restore of a version that does not exist, changes nothing.
    /// Returns whether it was applied.
    pub fn apply(&mut self, decision: &Decision, ts: i64) -> bool {
        if !self.has_room() {
            return false;
        }
        if let Decision::Restore { version } = decision {
            match self.at(*version) {
                Some(d) => self.current = d,
                None => return false,
            }
        } else {
            self.current.apply(decision);
        }
        self.rounds.push(Round {
            version: self.version() + 1,
            ts,
            decision: decision.clone(),
        });
        true
    }

    /// The decisions as they were at `version`; `None` past the latest.
    /// A restore takes what its version restored, so this walks back one
    /// chain of rounds (linear, never a tree).
    pub fn at(&self, version: u32) -> Option<Decisions> {
        if version > self.version() {
            return None;
        }
        // Walk back to the last round that is not a restore, remembering
        // the rounds to replay on top of it.
        let mut replay = Vec::new();
        let mut v = version;
        while v > 0 {
            let round = &self.rounds[v as usize - 1];
            match &round.decision {
                // Restores point only backwards (v < round.version).
                Decision::Restore { version } => v = *version,
                d => {
                    replay.push(d);
                    v -= 1;
                }
            }
        }
        let mut out = Decisions::default();
        for d in replay.into_iter().rev() {
            out.apply(d);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reject(id: &str) -> Decision {
        Decision::Change {
            change_id: id.into(),
            accepted: false,
        }
    }

    #[test]
    fn versions_count_decisions_and_restores_go_back() {
        let mut r = ReviewState::default();
        assert!(r.apply(&reject("summary"), 1));
        assert!(r.apply(
            &Decision::Confirm {
                term: "Kubernetes".into(),
                place: Placement::Skills,
                wording: None
            },
            2
        ));
        assert!(r.apply(&reject("bullets-2-0"), 3));
        assert_eq!(r.version(), 3);
        assert_eq!(r.current.rejected.len(), 2);
        // Back to version 1: only the summary is dropped; that is version 4.
        assert!(r.apply(&Decision::Restore { version: 1 }, 4));
        assert_eq!(r.version(), 4);
        assert_eq!(r.current, r.at(1).unwrap());
        assert!(r.current.confirmed.is_empty());
        // A restore of a restore, then a change on top.
        assert!(r.apply(&Decision::Restore { version: 3 }, 5));
        assert_eq!(r.current, r.at(3).unwrap());
        assert!(r.apply(
            &Decision::Change {
                change_id: "summary".into(),
                accepted: true
            },
            6
        ));
        assert_eq!(r.at(6).unwrap().rejected.len(), 1);
        assert_eq!(r.at(4).unwrap(), r.at(1).unwrap());
        // A version that does not exist is refused.
        assert!(!r.apply(&Decision::Restore { version: 99 }, 7));
        assert_eq!(r.version(), 6);
    }

    #[test]
    fn the_number_of_decisions_is_bounded() {
        let mut r = ReviewState::default();
        for i in 0..MAX_DECISIONS_PER_JOB + 5 {
            r.apply(&reject(&format!("c{i}")), i as i64);
        }
        assert_eq!(r.rounds.len(), MAX_DECISIONS_PER_JOB);
        assert!(!r.has_room());
    }

    #[test]
    fn decisions_travel_as_documented() {
        let d: Decision = serde_json::from_str(
            r#"{"action":"confirm","term":"Go","place":{"kind":"role","role":1},"wording":"Wrote Go services"}"#,
        )
        .unwrap();
        assert_eq!(
            d,
            Decision::Confirm {
                term: "Go".into(),
                place: Placement::Role { role: 1 },
                wording: Some("Wrote Go services".into())
            }
        );
        let long = Decision::Edit {
            line_id: "b-1-0-0".into(),
            text: Some("x".repeat(MAX_DECISION_TEXT_CHARS + 1)),
        };
        assert!(long.too_long().is_some());
        assert!(reject("summary").too_long().is_none());
    }
}
