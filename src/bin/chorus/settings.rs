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
            for (key, about) in chorus::rights::KEYS.iter().chain(chorus::render::KEYS) {
                let value = lib.setting(key)?.unwrap_or_else(|| "(default)".into());
                println!("{key:<20} {value:<24} {about}");
            }
        }
        SettingsCommand::Set { key, value } => {
            if !chorus::rights::KEYS
                .iter()
                .chain(chorus::render::KEYS)
                .any(|(k, _)| *k == key)
            {
                return Err(format!("unknown setting '{key}' (see `chorus settings ls`)").into());
            }
            // Refuse a value the engine could not use later, before storing it.
            if chorus::rights::KEYS.iter().any(|(k, _)| *k == key) {
                chorus::rights::validate_setting(&key, &value)
                    .map_err(|why| format!("{key} not changed: {why}"))?;
            }
            lib.set_setting(&key, &value)?;
            if key == "music_bed" {
                chorus::render::bed_path(&lib)?;
            }
            println!("{key} = {value}");
        }
    }
    Ok(())
}
