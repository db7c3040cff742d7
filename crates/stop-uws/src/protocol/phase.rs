//! The UWS execution phase and its state machine (UWS 1.1 §2.1.3).
//!
//! Every phase change in STOP goes through [`Phase::apply`]; a transition the standard does
//! not allow is an [`IllegalTransition`] value, never a silent change.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The execution phase of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Phase {
    /// Created, not yet committed by the client (initial phase).
    Pending,
    /// Committed with `PHASE=RUN`, waiting for a worker.
    Queued,
    /// A worker is running it.
    Executing,
    /// Finished successfully; results can be fetched.
    Completed,
    /// Failed; see the error summary.
    Error,
    /// Stopped by the client or by the server (execution duration exceeded).
    Aborted,
    /// The server cannot tell.
    Unknown,
    /// RUN received but the job cannot be queued now.
    Held,
    /// Paused by the system during execution.
    Suspended,
    /// Destroyed results, metadata kept.
    Archived,
}

/// All phases, in the order of the UWS schema's enumeration.
pub const ALL_PHASES: [Phase; 10] = [
    Phase::Pending,
    Phase::Queued,
    Phase::Executing,
    Phase::Completed,
    Phase::Error,
    Phase::Aborted,
    Phase::Unknown,
    Phase::Held,
    Phase::Suspended,
    Phase::Archived,
];

/// Something that may change a job's phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    /// Client `PHASE=RUN`: PENDING or HELD → QUEUED.
    Run,
    /// Client `PHASE=ABORT`: any active phase → ABORTED.
    Abort,
    /// Server: a worker picked the job up (QUEUED → EXECUTING).
    Start,
    /// Server: the worker finished successfully (EXECUTING → COMPLETED).
    Complete,
    /// Server: the job failed (any active phase → ERROR).
    Fail,
    /// Server: resource limit such as the execution duration hit (active → ABORTED).
    ServerAbort,
    /// Server: after a crash, a job whose worker died is queued again (EXECUTING → QUEUED).
    Requeue,
    /// Server: destruction time reached and metadata kept (final → ARCHIVED).
    Archive,
}

/// A transition the state machine forbids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("`{event:?}` is not allowed in phase {from}")]
pub struct IllegalTransition {
    /// The phase the job is in.
    pub from: Phase,
    /// What was attempted.
    pub event: Event,
}

impl Phase {
    /// The name used in XML and at `/phase` (`PENDING`, ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Queued => "QUEUED",
            Self::Executing => "EXECUTING",
            Self::Completed => "COMPLETED",
            Self::Error => "ERROR",
            Self::Aborted => "ABORTED",
            Self::Unknown => "UNKNOWN",
            Self::Held => "HELD",
            Self::Suspended => "SUSPENDED",
            Self::Archived => "ARCHIVED",
        }
    }

    /// COMPLETED, ERROR, ABORTED and ARCHIVED: no further work will happen.
    #[must_use]
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Error | Self::Aborted | Self::Archived)
    }

    /// PENDING, QUEUED, EXECUTING, HELD, SUSPENDED: the job may still change by itself or by RUN.
    #[must_use]
    pub fn is_active(self) -> bool {
        matches!(self, Self::Pending | Self::Queued | Self::Executing | Self::Held | Self::Suspended)
    }

    /// The phase after `event`, or the reason it is illegal.
    ///
    /// # Errors
    /// [`IllegalTransition`] when UWS 1.1 does not allow `event` in this phase.
    pub fn apply(self, event: Event) -> Result<Phase, IllegalTransition> {
        use Phase as P;
        let next = match (self, event) {
            (P::Pending | P::Held, Event::Run) => P::Queued,
            (P::Pending | P::Queued | P::Executing | P::Held | P::Suspended, Event::Abort | Event::ServerAbort) => {
                P::Aborted
            }
            (P::Queued, Event::Start) => P::Executing,
            (P::Executing, Event::Complete) => P::Completed,
            (P::Pending | P::Queued | P::Executing | P::Held | P::Suspended | P::Unknown, Event::Fail) => P::Error,
            (P::Executing, Event::Requeue) => P::Queued,
            (P::Completed | P::Error | P::Aborted, Event::Archive) => P::Archived,
            (from, event) => return Err(IllegalTransition { from, event }),
        };
        Ok(next)
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A phase name that is not one of UWS's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a UWS phase")]
pub struct UnknownPhase(pub String);

impl FromStr for Phase {
    type Err = UnknownPhase;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ALL_PHASES
            .iter()
            .copied()
            .find(|p| p.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownPhase(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EVENTS: [Event; 8] = [
        Event::Run,
        Event::Abort,
        Event::Start,
        Event::Complete,
        Event::Fail,
        Event::ServerAbort,
        Event::Requeue,
        Event::Archive,
    ];

    #[test]
    fn normal_path_reaches_completed() {
        let p = Phase::Pending.apply(Event::Run).and_then(|p| p.apply(Event::Start)).and_then(|p| p.apply(Event::Complete));
        assert_eq!(p, Ok(Phase::Completed));
    }

    #[test]
    fn run_is_illegal_after_completion_and_abort_keeps_final_phases() {
        for f in [Phase::Completed, Phase::Error, Phase::Aborted] {
            assert!(f.apply(Event::Run).is_err());
            assert!(f.apply(Event::Abort).is_err());
        }
    }

    #[test]
    fn phase_names_round_trip() {
        for p in ALL_PHASES {
            assert_eq!(p.as_str().parse::<Phase>(), Ok(p));
        }
        assert!("SUSPEND".parse::<Phase>().is_err());
    }

    proptest! {
        /// Random sequences of client and server events never leave a final phase (except to
        /// ARCHIVED) and never reach a phase the standard does not allow from the one before.
        #[test]
        fn random_event_sequences_stay_legal(events in proptest::collection::vec(0usize..EVENTS.len(), 0..40)) {
            let mut phase = Phase::Pending;
            for i in events {
                let event = EVENTS[i];
                match phase.apply(event) {
                    Ok(next) => {
                        if phase.is_final() {
                            prop_assert_eq!(next, Phase::Archived);
                        }
                        if next == Phase::Executing {
                            prop_assert_eq!(phase, Phase::Queued);
                        }
                        if next == Phase::Completed {
                            prop_assert_eq!(phase, Phase::Executing);
                        }
                        if event == Event::Abort {
                            prop_assert!(phase.is_active());
                        }
                        phase = next;
                    }
                    Err(e) => prop_assert_eq!(e.from, phase),
                }
                prop_assert!(matches!(phase, Phase::Pending | Phase::Queued | Phase::Executing | Phase::Completed | Phase::Error | Phase::Aborted | Phase::Archived));
            }
        }
    }
}
