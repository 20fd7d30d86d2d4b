//! `chorus brand`: the brand kit's colours (with their contrast) and fonts; a font file
//! the brand sends becomes the kit's heading or body font.

use std::path::{Path, PathBuf};

use chorus::api::brand::{self, FontRole};
use chorus::library::Library;
use clap::Subcommand;

use crate::AnyError;

#[derive(Subcommand)]
pub(crate) enum BrandCommand {
    /// The kit in use: name, tagline, colours with their contrast, fonts.
    Show,
    /// Use a TrueType or OpenType file as the kit's heading or body font.
    Font {
        /// heading or body.
        role: String,
        file: PathBuf,
    },
}

fn print(v: &brand::BrandView) {
    println!("{} — {}", v.name, v.tagline);
    println!(
        "colours: primary {}, text {} ({:.1}:1 on primary), accent {} ({:.1}:1)",
        v.primary, v.text, v.text_contrast, v.accent, v.accent_contrast
    );
    let font = |f: &Option<String>| f.clone().unwrap_or_else(|| "Noto Sans (default)".into());
    println!(
        "fonts: heading {}, body {}",
        font(&v.heading_font),
        font(&v.body_font)
    );
    println!(
        "kit: {}",
        v.folder.as_deref().unwrap_or("built in (assets/brand)")
    );
}

pub(crate) fn brand_cmd(dir: &Path, cmd: BrandCommand) -> Result<(), AnyError> {
    let lib = Library::open(dir)?;
    match cmd {
        BrandCommand::Show => print(&brand::view(&lib)?),
        BrandCommand::Font { role, file } => {
            let role = match role.as_str() {
                "heading" => FontRole::Heading,
                "body" => FontRole::Body,
                other => {
                    return Err(format!("'{other}' is not a font role (heading or body)").into())
                }
            };
            print(&brand::set_font(&lib, role, &file)?);
        }
    }
    Ok(())
}
