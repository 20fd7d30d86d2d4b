//! Usage: where, how and when a campaign will show an asset (channels × territories × run
//! dates). Campaigns have one; grants and the rights gate are judged against it. It sits
//! below both, so neither needs the other to name it.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
// The type is `UsageChannel` in TypeScript: `Channel` is Tauri runtime's own (JSON is unchanged).
#[serde(rename = "UsageChannel")]
pub enum Channel {
    Web,
    Social,
    PaidSocial,
    Tv,
    OutOfHome,
    Print,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::Web,
        Channel::Social,
        Channel::PaidSocial,
        Channel::Tv,
        Channel::OutOfHome,
        Channel::Print,
        Channel::Email,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Social => "social",
            Channel::PaidSocial => "paid_social",
            Channel::Tv => "tv",
            Channel::OutOfHome => "out_of_home",
            Channel::Print => "print",
            Channel::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        let key = s.trim().to_lowercase().replace(['-', ' '], "_");
        Channel::ALL.into_iter().find(|c| c.as_str() == key)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub const WORLDWIDE: &str = "worldwide";

/// Every officially assigned ISO 3166-1 alpha-2 code (from Debian's iso-codes), so a typo
/// such as `XX` or `UK` is refused instead of clearing a territory nobody meant.
const ISO_3166_ALPHA2: &str = concat!(
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE ",
    "BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD ",
    "CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM ",
    "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF ",
    "GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ",
    "ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN ",
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME ",
    "MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA ",
    "NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM ",
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI ",
    "SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK ",
    "TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI ",
    "VN VU WF WS YE YT ZA ZM ZW ",
);

/// A territory is an ISO 3166 alpha-2 code, or `worldwide`.
pub fn parse_territory(s: &str) -> Option<String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case(WORLDWIDE) {
        return Some(WORLDWIDE.to_string());
    }
    let code = t.to_ascii_uppercase();
    let known = code.len() == 2
        && code.bytes().all(|b| b.is_ascii_uppercase())
        && ISO_3166_ALPHA2.split(' ').any(|c| c == code);
    known.then_some(code)
}

/// Where, how and when a campaign will show an asset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Usage {
    pub channels: BTreeSet<Channel>,
    pub territories: BTreeSet<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl Channel {
    /// Paid placements, broadcast and billboards: uses for which a contributor whose age
    /// is not established never counts as an adult.
    pub fn needs_established_adult(self) -> bool {
        matches!(self, Channel::PaidSocial | Channel::Tv | Channel::OutOfHome)
    }
}

/// Why a usage (or a grant's scope) as a person filled it in cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("'{0}' is not a territory: use a two-letter country code (US, GB, DE) or WORLDWIDE")]
    BadTerritory(String),
    #[error("choose at least one territory (or WORLDWIDE)")]
    NoTerritory,
    #[error("choose at least one channel")]
    NoChannel,
    #[error("give the campaign a name")]
    NoName,
}

/// Territories as a form sends them (one code per entry): each checked, at least one.
pub fn territory_set(list: &[String]) -> Result<BTreeSet<String>, UsageError> {
    let set = list
        .iter()
        .map(|t| parse_territory(t).ok_or_else(|| UsageError::BadTerritory(t.trim().to_string())))
        .collect::<Result<BTreeSet<_>, _>>()?;
    if set.is_empty() {
        return Err(UsageError::NoTerritory);
    }
    Ok(set)
}

impl Usage {
    /// A usage from a form's fields, checked: at least one channel and one territory.
    /// (Run dates are checked where a campaign is saved.)
    pub fn from_parts(
        channels: &[Channel],
        territories: &[String],
        starts_on: NaiveDate,
        ends_on: NaiveDate,
    ) -> Result<Usage, UsageError> {
        if channels.is_empty() {
            return Err(UsageError::NoChannel);
        }
        Ok(Usage {
            channels: channels.iter().copied().collect(),
            territories: territory_set(territories)?,
            starts_on,
            ends_on,
        })
    }
}

/// A campaign's name as a person typed it: trimmed, not empty.
pub fn campaign_name(name: &str) -> Result<&str, UsageError> {
    let name = name.trim();
    if name.is_empty() {
        Err(UsageError::NoName)
    } else {
        Ok(name)
    }
}
