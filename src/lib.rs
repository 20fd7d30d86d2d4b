//! Chorus engine: the library (catalog + store), ingest, and the media readers. The `chorus`
//! CLI and the desktop shell are thin doors into these functions.

pub mod api;
pub mod audit;
pub mod autotag;
pub mod campaign;
pub mod catalog;
pub mod demo;
pub mod export;
pub mod inbox;
pub mod ingest;
pub mod library;
pub mod manifest;
pub mod media;
pub mod piece;
pub mod platform;
pub mod privacy;
pub mod provenance;
pub mod render;
pub mod rights;
pub mod thanks;
pub mod usage;
pub mod views;
pub mod web_wall;

/// The catalog driver, for the desktop shell's read helpers (one version everywhere).
pub use rusqlite;
