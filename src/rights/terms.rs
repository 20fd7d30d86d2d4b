//! Library settings that shape rights work: the brand's name, the reply keyword, the
//! request template, and the terms a form checkbox grants. Each has a default, so a new
//! library works at once; `chorus settings set` changes them.

use std::collections::BTreeSet;

use super::{parse_territory, Channel};
use crate::library::{Library, LibraryError};

/// The default request message, shipped in `assets/brand/` and built into the binary.
pub const DEFAULT_TEMPLATE: &str = include_str!("../../assets/brand/rights-request.txt");

/// Every setting Chorus reads, with what it means. `settings set` refuses other keys.
pub const KEYS: &[(&str, &str)] = &[
    (
        "brand_name",
        "the brand's name, used in requests (default: BrandCo)",
    ),
    (
        "reply_keyword",
        "what a contributor replies to say yes (default: #Yes + brand name)",
    ),
    (
        "request_template",
        "path of a request template file (default: the built-in one)",
    ),
    (
        "form_channels",
        "channels a form consent grants (default: web,social)",
    ),
    (
        "form_territories",
        "territories a form consent grants (default: worldwide)",
    ),
    (
        "form_months",
        "how many months a form consent lasts from submission (default: 24)",
    ),
    (
        "form_assumes_adult",
        "whether the form asks contributors to confirm they are 18+ (default: true)",
    ),
];

#[derive(Clone, Debug)]
pub struct RightsSettings {
    pub brand_name: String,
    pub reply_keyword: String,
    pub template: String,
    pub form: FormTerms,
}

/// What ticking the consent box on the submission form grants.
#[derive(Clone, Debug)]
pub struct FormTerms {
    pub channels: BTreeSet<Channel>,
    pub territories: BTreeSet<String>,
    pub months: u32,
    pub adult: bool,
}

impl RightsSettings {
    pub fn load(lib: &Library) -> Result<RightsSettings, LibraryError> {
        let get = |k: &str| lib.setting(k);
        let brand_name = get("brand_name")?.unwrap_or_else(|| "BrandCo".to_string());
        let reply_keyword = get("reply_keyword")?.unwrap_or_else(|| {
            let squashed: String = brand_name.chars().filter(|c| c.is_alphanumeric()).collect();
            format!("#Yes{squashed}")
        });
        let template = match get("request_template")? {
            Some(path) => std::fs::read_to_string(&path).map_err(|e| LibraryError::io(path, e))?,
            None => DEFAULT_TEMPLATE.to_string(),
        };
        let invalid =
            |k: &str, v: &str| LibraryError::Invalid(format!("setting {k} = '{v}' is not valid"));
        let channels = match get("form_channels")? {
            Some(v) => v
                .split(',')
                .map(|c| Channel::parse(c).ok_or_else(|| invalid("form_channels", &v)))
                .collect::<Result<_, _>>()?,
            None => [Channel::Web, Channel::Social].into(),
        };
        let territories = match get("form_territories")? {
            Some(v) => v
                .split(',')
                .map(|t| parse_territory(t).ok_or_else(|| invalid("form_territories", &v)))
                .collect::<Result<_, _>>()?,
            None => [super::WORLDWIDE.to_string()].into(),
        };
        let months = match get("form_months")? {
            Some(v) => v.trim().parse().map_err(|_| invalid("form_months", &v))?,
            None => 24,
        };
        let adult = match get("form_assumes_adult")? {
            Some(v) => matches!(v.trim().to_lowercase().as_str(), "true" | "yes" | "1"),
            None => true,
        };
        Ok(RightsSettings {
            brand_name,
            reply_keyword,
            template,
            form: FormTerms {
                channels,
                territories,
                months,
                adult,
            },
        })
    }
}
