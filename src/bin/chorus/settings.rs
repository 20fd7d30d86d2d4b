//! `chorus settings`: list the library's settings and change one.

use std::path::Path;

use chorus::library::Library;
use clap::Subcommand;

use crate::AnyError;

#[derive(Subcommand)]
pub(crate) enum SettingsCommand {
    /// Every setting, its value and what it means.
    Ls,
    Set {
        key: String,
        value: String,
    },
}

pub(crate) fn settings_cmd(dir: &Path, cmd: SettingsCommand) -> Result<(), AnyError> {
    let lib = Library::open(dir)?;
    match cmd {
        SettingsCommand::Ls => {
            for (key, about) in chorus::api::settings::keys() {
                let value = lib.setting(key)?.unwrap_or_else(|| "(default)".into());
                println!("{key:<20} {value:<24} {about}");
            }
        }
        SettingsCommand::Set { key, value } => {
            chorus::api::settings::set(&lib, &key, &value)?;
            println!("{key} = {value}");
        }
    }
    Ok(())
}
