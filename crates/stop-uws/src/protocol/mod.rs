//! The UWS 1.1 protocol without I/O: phases and their state machine, the job model, instants,
//! and the XML documents. Nothing here touches a database or a file.

mod job;
mod phase;
mod time;
pub mod xml;

pub use job::{ErrorKind, ErrorSummary, Job, JobRef, Parameter, ResultEntry};
pub use phase::{ALL_PHASES, Event, IllegalTransition, Phase, UnknownPhase};
pub use time::{Instant, InstantParseError};
