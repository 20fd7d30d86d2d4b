//! The engine's integration tests, one binary: each module is one subject (linking one
//! test binary instead of one per file keeps CI's build time and disk in bounds). The
//! memory test keeps a binary of its own, so no other test shares the process it measures.

mod common;

mod cli;
mod collection;
mod consent_reading;
mod crash;
mod export;
mod forms;
mod framing;
mod hostile;
mod inbox;
mod ingest;
mod mix;
mod phone_media;
mod pieces;
mod platforms;
mod red_team;
mod render;
mod rights;
mod trust;
#[path = "type.rs"]
mod typesetting;
mod views;
mod web_wall;
