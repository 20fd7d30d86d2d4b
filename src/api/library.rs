//! Opening a library and importing into it.

use std::path::{Path, PathBuf};

use super::{Error, Result};
use crate::ingest;
use crate::library::Library;

/// Opens the library in this folder, making a new one if the folder has none. The folder
/// must be given in full: a relative path would depend on where the app was started.
pub fn open(path: &str) -> Result<Library> {
    let path = Path::new(path.trim());
    if path.as_os_str().is_empty() || !path.is_absolute() {
        return Err(Error::invalid(
            "choose a folder (a full path) for the library",
        ));
    }
    Ok(Library::open_or_create(path)?)
}

/// What to import, checked before any work starts: at least one file or folder, each
/// existing, and the form export if one is named.
pub fn import_options(
    paths: &[String],
    manifest: Option<&str>,
    mapping: Option<&[super::forms::FieldColumns]>,
) -> Result<ingest::Options> {
    let roots: Vec<PathBuf> = paths
        .iter()
        .map(|p| PathBuf::from(p.trim()))
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    if roots.is_empty() {
        return Err(Error::invalid("choose files or folders to import"));
    }
    if let Some(missing) = roots.iter().find(|r| !r.exists()) {
        return Err(Error::invalid(format!(
            "{}: no such file or folder",
            missing.display()
        )));
    }
    let mut opts = ingest::Options::new(roots);
    opts.manifest = manifest
        .map(|m| PathBuf::from(m.trim()))
        .filter(|m| !m.as_os_str().is_empty());
    if let (Some(form), Some(view)) = (&opts.manifest, mapping) {
        let sheet =
            crate::manifest::sheet::read(form).map_err(|e| Error::invalid(e.to_string()))?;
        opts.mapping = Some(super::forms::from_view(view, &sheet.headers)?);
    }
    Ok(opts)
}
