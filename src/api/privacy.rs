//! A contributor's own rights over their data: erasure and access.

use std::path::{Path, PathBuf};

use super::{ContributorId, Result};
use crate::library::Library;
use crate::privacy::{self, Erasure, ErasurePlan};

/// What erasing this contributor would take, for the confirmation.
pub fn erase_plan(lib: &Library, id: ContributorId) -> Result<ErasurePlan> {
    Ok(privacy::plan_erasure(lib.conn(), id.0)?)
}

/// Erases the contributor: everything they sent and everything held about them.
pub fn erase(lib: &mut Library, id: ContributorId) -> Result<Erasure> {
    Ok(privacy::erase(lib, id.0)?)
}

/// Writes everything held about the contributor into a folder under `out`.
pub fn export(lib: &Library, id: ContributorId, out: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(out).map_err(|e| {
        super::Error::new(
            super::ErrorKind::Io,
            format!("cannot create {}: {e}", out.display()),
        )
    })?;
    Ok(privacy::export_for(lib, id.0, out)?)
}
