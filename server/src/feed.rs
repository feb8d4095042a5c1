//! A job's recent events, encoded once as SSE frames and shared by every
//! reader of the job.
//!
//! Each committed event becomes one [`Frame`] (`Bytes`: cloning it is a
//! reference count, not a copy). The window keeps the job's last frames,
//! bounded by count and by bytes: a reader whose cursor lies inside it is
//! served from it, with no store read and no encoding; one behind it (a late
//! joiner, a reconnect after the window moved on) reads the store, encoding
//! for itself, until it reaches the window. Readers only hold a cursor, so a
//! slow reader never makes the window grow: when the window moves past it,
//! it falls back to the store.
//!
//! The window holds contiguous seqs only, and only events the store has
//! committed (the hub pushes after `append` returns; another instance's
//! events are read from the store). A frame that does not follow the last
//! one restarts the window at that frame, so a reader never sees a gap.

use std::collections::VecDeque;

use bytes::Bytes;
use tailor_common::Envelope;

/// One event, encoded as an SSE frame (`id:`, `event:`, `data:`, blank line).
#[derive(Debug, Clone)]
pub struct Frame {
    pub seq: u64,
    /// The event's `ts` (epoch ms): live delivery latency is measured from it.
    pub ts: i64,
    pub done: bool,
    pub bytes: Bytes,
}

impl Frame {
    pub fn of(event: &Envelope) -> Self {
        Frame {
            seq: event.seq,
            ts: event.ts,
            done: event.is_done(),
            bytes: crate::sse::event(event),
        }
    }
}

/// How much one job's window may hold. Both bounds apply: a burst of large
/// diff chunks is held back by bytes, a long run of small events by count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowLimits {
    pub frames: usize,
    pub bytes: usize,
}

impl Default for WindowLimits {
    /// A whole pipeline run is about a hundred events of a few hundred bytes,
    /// so every viewer of a running job is served from memory.
    fn default() -> Self {
        WindowLimits {
            frames: 512,
            bytes: 256 * 1024,
        }
    }
}

/// What the window has for a reader whose cursor is `after`.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// The next frame to send.
    Hit(Frame),
    /// The reader is before the window (or the window does not know where
    /// the log stands): it reads from the store.
    Behind,
    /// The reader has everything the window holds: it waits for a wake-up.
    CaughtUp,
}

#[derive(Debug, Default)]
pub struct Window {
    frames: VecDeque<Frame>,
    bytes: usize,
    /// The seq after the last one pushed; 0 until the first push, while the
    /// window does not know where the log stands.
    next: u64,
}

impl Window {
    pub fn lookup(&self, after: u64) -> Lookup {
        if self.next == 0 {
            return Lookup::Behind;
        }
        let want = after + 1;
        let first = self.next - self.frames.len() as u64;
        if want >= self.next {
            Lookup::CaughtUp
        } else if want < first {
            Lookup::Behind
        } else {
            Lookup::Hit(self.frames[(want - first) as usize].clone())
        }
    }

    /// The last seq the window knows of; `None` before the first push.
    pub fn last_seq(&self) -> Option<u64> {
        self.next.checked_sub(1)
    }

    /// Adds a committed frame. One the window already passed is ignored (a
    /// fill read it from the store first); one that does not follow the
    /// last restarts the window, so what it holds is always gapless.
    pub fn push(&mut self, frame: Frame, limits: WindowLimits) {
        if self.next != 0 && frame.seq < self.next {
            return;
        }
        if frame.seq != self.next {
            self.frames.clear();
            self.bytes = 0;
        }
        self.next = frame.seq + 1;
        if frame.bytes.len() > limits.bytes || limits.frames == 0 {
            // Too large to keep: the window is positioned after it, empty,
            // and readers of it go to the store.
            self.frames.clear();
            self.bytes = 0;
            return;
        }
        self.bytes += frame.bytes.len();
        self.frames.push_back(frame);
        while self.frames.len() > limits.frames || self.bytes > limits.bytes {
            if let Some(old) = self.frames.pop_front() {
                self.bytes -= old.bytes.len();
            }
        }
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tailor_common::{EventBody, JobStatus, JobStatusPayload};
    use uuid::Uuid;

    fn frame(seq: u64, size: usize) -> Frame {
        Frame {
            seq,
            ts: 0,
            done: false,
            bytes: Bytes::from(vec![b'x'; size]),
        }
    }

    fn seqs(w: &Window, from: u64) -> Vec<u64> {
        let mut out = Vec::new();
        let mut cursor = from;
        while let Lookup::Hit(f) = w.lookup(cursor) {
            out.push(f.seq);
            cursor = f.seq;
        }
        out
    }

    #[test]
    fn a_new_window_sends_every_reader_to_the_store() {
        let w = Window::default();
        assert!(matches!(w.lookup(0), Lookup::Behind));
        assert!(matches!(w.lookup(7), Lookup::Behind));
        assert_eq!(w.last_seq(), None);
    }

    #[test]
    fn the_window_serves_inside_sends_before_to_the_store_and_waits_after() {
        let mut w = Window::default();
        let limits = WindowLimits {
            frames: 3,
            bytes: 1000,
        };
        for seq in 5..=9 {
            w.push(frame(seq, 10), limits);
        }
        assert_eq!(w.len(), 3);
        assert_eq!(seqs(&w, 6), vec![7, 8, 9]);
        assert!(matches!(w.lookup(5), Lookup::Behind));
        assert!(matches!(w.lookup(9), Lookup::CaughtUp));
        assert!(matches!(w.lookup(20), Lookup::CaughtUp));
    }

    #[test]
    fn bytes_bound_the_window_as_well_as_count() {
        let mut w = Window::default();
        let limits = WindowLimits {
            frames: 100,
            bytes: 250,
        };
        for seq in 1..=10 {
            w.push(frame(seq, 100), limits);
        }
        assert_eq!(w.len(), 2);
        assert!(w.bytes() <= 250);
        assert_eq!(seqs(&w, 8), vec![9, 10]);
        // A frame larger than the whole budget is not kept, but the window
        // still knows the log moved past it.
        w.push(frame(11, 300), limits);
        assert!(w.is_empty());
        assert!(matches!(w.lookup(10), Lookup::Behind));
        assert!(matches!(w.lookup(11), Lookup::CaughtUp));
    }

    #[test]
    fn a_gap_restarts_the_window_and_a_repeat_is_ignored() {
        let mut w = Window::default();
        let limits = WindowLimits::default();
        for seq in 1..=3 {
            w.push(frame(seq, 10), limits);
        }
        w.push(frame(2, 10), limits);
        assert_eq!(seqs(&w, 0), vec![1, 2, 3]);
        w.push(frame(6, 10), limits);
        assert_eq!(seqs(&w, 5), vec![6]);
        assert!(
            matches!(w.lookup(3), Lookup::Behind),
            "4 and 5 were never pushed: read them from the store"
        );
    }

    #[test]
    fn a_frame_is_the_sse_encoding_of_its_event() {
        let event = Envelope::new(
            Uuid::nil(),
            4,
            1,
            EventBody::JobStatus(JobStatusPayload {
                status: JobStatus::Started,
                reason: None,
            }),
        );
        let f = Frame::of(&event);
        let text = std::str::from_utf8(&f.bytes).unwrap();
        assert_eq!(
            text,
            format!(
                "id: 4\nevent: job_status\ndata: {}\n\n",
                serde_json::to_string(&event).unwrap()
            )
        );
    }

    proptest::proptest! {
        /// A reader at any cursor, taking frames from the window where it
        /// has them and from the log (a page at a time) where it does not,
        /// while events keep arriving: snapshot at the cursor + what it read
        /// folds to the same state as the whole log.
        #[test]
        fn snapshot_then_window_or_store_tail_equals_full_fold(
            total in 1u64..300,
            cursor_at in 0.0f64..1.0,
            frames in 0usize..40,
            kib in 0usize..8,
            page in 1usize..50,
            pushed_before in 0.0f64..1.0,
        ) {
            let job = Uuid::nil();
            let log: Vec<Envelope> = (1..=total)
                .map(|seq| {
                    let body = if seq == total {
                        EventBody::Done(tailor_common::DonePayload {
                            status: tailor_common::DoneStatus::Completed,
                            result_url: None,
                        })
                    } else {
                        EventBody::MetricUpdate(tailor_common::MetricPayload {
                            key: format!("k{}", seq % 7),
                            value: seq as f64,
                            unit: None,
                            label: Some("y".repeat((seq % 5) as usize * 60)),
                        })
                    };
                    Envelope::new(job, seq, seq as i64, body)
                })
                .collect();
            let limits = WindowLimits { frames, bytes: kib * 1024 };
            let cursor = (cursor_at * total as f64) as u64;
            // The window learns of events from some point on (the first
            // reader joined then), the rest arrive while the reader reads.
            let joined = (pushed_before * total as f64) as u64;
            let mut window = Window::default();
            let mut published = joined.max(cursor); // no cursor is past the log
            let mut read = Vec::new();
            let mut at = cursor;
            while at < total {
                if published < total {
                    published += 1;
                    window.push(Frame::of(&log[published as usize - 1]), limits);
                }
                match window.lookup(at) {
                    Lookup::Hit(f) => {
                        proptest::prop_assert_eq!(f.seq, at + 1);
                        read.push(log[f.seq as usize - 1].clone());
                        at = f.seq;
                    }
                    Lookup::Behind | Lookup::CaughtUp => {
                        let upto = (at as usize + page).min(published as usize);
                        read.extend(log[at as usize..upto].iter().cloned());
                        at = upto as u64;
                    }
                }
            }
            let mut state = tailor_common::JobState::fold(job, &log[..cursor as usize]);
            for e in &read {
                state.apply(e);
            }
            proptest::prop_assert_eq!(state, tailor_common::JobState::fold(job, &log));
            let seqs: Vec<u64> = read.iter().map(|e| e.seq).collect();
            proptest::prop_assert_eq!(seqs, (cursor + 1..=total).collect::<Vec<_>>());
        }
    }
}
