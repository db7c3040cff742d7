//! Group commit of job creations. Concurrent [`super::Store::insert`] calls queue their jobs
//! here; whichever caller holds the database connection next writes every queued job in one
//! transaction, and the callers whose jobs went with it return as soon as they get the
//! connection. Each caller still returns only after its own job is committed (and visible in
//! memory), so durability is that of a single insert; the database does one commit per group
//! instead of one per job, which is what creation latency under concurrency is made of.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::protocol::Job;

/// A job waiting to be written.
pub(super) struct Pending {
    /// Queue position (from 1).
    pub seq: u64,
    /// The job.
    pub job: Job,
    /// Its worker input.
    pub spec_json: String,
}

/// What a caller holding the connection finds for its job.
pub(super) enum Taken {
    /// Another caller already wrote it: `Ok`, or the message of the failed commit.
    Done(Result<(), String>),
    /// Write these (the caller's own job among them), then call [`InsertQueue::finish`].
    Batch(Vec<Pending>),
}

#[derive(Default)]
struct QueueState {
    next_seq: u64,
    pending: Vec<Pending>,
    /// Every job with `seq <= done_through` has been written (or its group failed).
    done_through: u64,
    failed: HashMap<u64, String>,
}

/// The queue of creations (see the module documentation).
#[derive(Default)]
pub(super) struct InsertQueue {
    state: Mutex<QueueState>,
}

impl InsertQueue {
    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        // The state is a plain queue, consistent at every unlock: a panic elsewhere cannot
        // leave it half-updated.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues a job; returns its position for [`InsertQueue::take`].
    pub fn push(&self, job: Job, spec_json: String) -> u64 {
        let mut state = self.lock();
        state.next_seq += 1;
        let seq = state.next_seq;
        state.pending.push(Pending { seq, job, spec_json });
        seq
    }

    /// Called with the database connection held, by the caller that queued `seq`.
    pub fn take(&self, seq: u64) -> Taken {
        let mut state = self.lock();
        if seq <= state.done_through {
            return Taken::Done(state.failed.remove(&seq).map_or(Ok(()), Err));
        }
        Taken::Batch(std::mem::take(&mut state.pending))
    }

    /// Records that the group `seqs` is written, or failed with `failure`: then the other
    /// callers of the group get the message (the caller that wrote it, `own`, has the error).
    pub fn finish(&self, seqs: &[u64], own: u64, failure: Option<&str>) {
        let mut state = self.lock();
        if let Some(message) = failure {
            for seq in seqs.iter().filter(|s| **s != own) {
                state.failed.insert(*seq, message.to_owned());
            }
        }
        if let Some(last) = seqs.iter().max() {
            state.done_through = state.done_through.max(*last);
        }
    }
}
