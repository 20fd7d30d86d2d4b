//! How a command fails: the engine's sentence and its kind, as the UI receives them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What the UI shows when a command fails: the engine's sentence, which names the file or
/// value at fault and what to do, and its kind, which the UI acts on.
#[derive(Debug, Serialize, Deserialize, specta::Type)]
pub struct CommandError {
    pub kind: chorus::api::ErrorKind,
    pub message: String,
}

impl<E: std::error::Error + 'static> From<E> for CommandError {
    fn from(e: E) -> Self {
        let chorus::api::Error { kind, message } = chorus::api::Error::from_engine(&e);
        CommandError { kind, message }
    }
}

pub(crate) fn invalid(message: impl Into<String>) -> CommandError {
    CommandError {
        kind: chorus::api::ErrorKind::Invalid,
        message: message.into(),
    }
}

pub(crate) type Result<T> = std::result::Result<T, CommandError>;

pub(crate) fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}
