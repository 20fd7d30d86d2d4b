//! Rights clearance: may this asset be published for this usage?
//!
//! The decision is a pure function of the asset's grants and the usage (channels ×
//! territories × run dates), so it can be tested exhaustively and every caller — render,
//! export, the CLI, the desktop app — gets the same answer with every reason spelled out.
//! Status is always derived, never stored: "expired" depends on the date you ask about.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalog::Curation;

pub mod evidence;
mod follow_up;
pub mod ledger;
pub mod mail;
mod reading;
mod record;
mod replies;
mod report;
mod request;
mod terms;
pub use follow_up::*;
pub use reading::{read_reply, Reading};
pub use record::*;
pub use replies::*;
pub use report::*;
pub use request::*;
pub use terms::*;

// Usage is its own module below both rights and campaigns; these names stay reachable here.
pub use crate::usage::{parse_territory, Channel, Usage, WORLDWIDE};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Decision {
    Granted,
    Denied,
}

/// What is established about a contributor's age when they consented. Only an age, a date
/// of birth, a ticked 18+ box or a person recording it with evidence makes `Adult`;
/// anything else is `Unknown`, which never counts as adult for paid use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Age {
    Adult,
    Minor,
    #[default]
    Unknown,
}

impl Age {
    pub fn as_str(self) -> &'static str {
        match self {
            Age::Adult => "adult",
            Age::Minor => "minor",
            Age::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Age> {
        match s.trim().to_ascii_lowercase().as_str() {
            "adult" => Some(Age::Adult),
            "minor" => Some(Age::Minor),
            "unknown" => Some(Age::Unknown),
            _ => None,
        }
    }
}

/// A contributor's answer, for one asset or (`asset_id: None`) all of their assets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Grant {
    pub id: i64,
    pub asset_id: Option<i64>,
    pub decision: Decision,
    pub channels: BTreeSet<Channel>,
    pub territories: BTreeSet<String>,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub age: Age,
    pub guardian: Option<String>,
    /// When the contributor withdrew it, if they did.
    pub revoked_on: Option<NaiveDate>,
}

impl Grant {
    fn covers_territory(&self, t: &str) -> bool {
        self.territories.contains(WORLDWIDE) || self.territories.contains(t)
    }

    fn has_guardian(&self) -> bool {
        self.guardian
            .as_deref()
            .is_some_and(|g| !g.trim().is_empty())
    }

    /// A minor's consent counts only with a guardian's; a contributor of unknown age
    /// counts for unpaid channels, and for the others only with a guardian's consent.
    fn consent_valid_for(&self, channel: Channel) -> bool {
        match self.age {
            Age::Adult => true,
            Age::Minor => self.has_guardian(),
            Age::Unknown => self.has_guardian() || !channel.needs_established_adult(),
        }
    }

    /// Whether this consent counts for any channel at all.
    fn consent_valid_somewhere(&self) -> bool {
        self.age != Age::Minor || self.has_guardian()
    }

    /// Why `consent_valid_for(channel)` said no.
    fn age_blocker(&self, channel: Channel) -> Blocker {
        match self.age {
            Age::Unknown => Blocker::AgeUnknown { channel },
            _ => Blocker::MinorWithoutGuardian,
        }
    }
}

/// Everything the gate needs to know about one asset.
#[derive(Clone, Debug, Default)]
pub struct AssetRights {
    pub curation: Option<Curation>,
    /// A rights request is out and no answer has come since.
    pub requested: bool,
    /// Grants and denials that apply to this asset, oldest first.
    pub grants: Vec<Grant>,
    /// Why its grants cannot be trusted: they differ from the audit chain, or the chain
    /// is broken ([`ledger::Trust`]).
    pub distrust: Option<Blocker>,
}

/// Why an asset cannot be used. Display gives the sentence shown to a marketer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Blocker {
    NoGrant,
    AwaitingAnswer,
    Denied,
    Revoked {
        on: NaiveDate,
    },
    NotYetValid {
        from: NaiveDate,
    },
    ExpiresBeforeRunEnd {
        until: NaiveDate,
    },
    ChannelNotGranted {
        channel: Channel,
    },
    TerritoryNotGranted {
        territory: String,
    },
    MinorWithoutGuardian,
    AgeUnknown {
        channel: Channel,
    },
    /// The grant ran out before today (the campaign's own dates may be in the past).
    Expired {
        on: NaiveDate,
    },
    Rejected,
    /// Everything the contributor sent was erased at their request.
    ContributorErased,
    /// A grant of this contributor differs from the audit events that recorded it.
    GrantAltered {
        grant_id: i64,
    },
    /// The audit chain is broken: no grant can be trusted until it verifies.
    AuditBroken {
        at_event: i64,
    },
}

impl Blocker {
    /// A person may override the gate for permission held outside Chorus, but never a
    /// contributor's own no or withdrawal, nor the protection of a minor or of someone
    /// whose age is not established.
    pub fn can_be_overridden(&self) -> bool {
        !matches!(
            self,
            Blocker::Denied
                | Blocker::Revoked { .. }
                | Blocker::MinorWithoutGuardian
                | Blocker::AgeUnknown { .. }
                | Blocker::ContributorErased
                | Blocker::GrantAltered { .. }
                | Blocker::AuditBroken { .. }
        )
    }
}

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Blocker::NoGrant => {
                write!(f, "no permission asked or given yet: send a rights request")
            }
            Blocker::AwaitingAnswer => write!(f, "rights requested, no answer yet"),
            Blocker::Denied => write!(f, "the contributor said no"),
            Blocker::Revoked { on } => write!(f, "the contributor withdrew permission on {on}"),
            Blocker::NotYetValid { from } => write!(
                f,
                "permission starts only on {from}, after the campaign starts"
            ),
            Blocker::ExpiresBeforeRunEnd { until } => {
                write!(f, "permission ends on {until}, before the campaign does")
            }
            Blocker::ChannelNotGranted { channel } => write!(f, "channel {channel} not granted"),
            Blocker::TerritoryNotGranted { territory } => {
                write!(f, "territory {territory} not granted")
            }
            Blocker::MinorWithoutGuardian => {
                write!(
                    f,
                    "the contributor is a minor and no guardian's consent is recorded"
                )
            }
            Blocker::AgeUnknown { channel } => write!(
                f,
                "the contributor's age is not established, so {channel} is not allowed: record an age, a date of birth or an 18+ confirmation, or a guardian's consent"
            ),
            Blocker::Expired { on } => write!(
                f,
                "permission ended on {on}; nothing is published on a grant that has run out"
            ),
            Blocker::Rejected => write!(f, "the asset was rejected in curation"),
            Blocker::ContributorErased => write!(
                f,
                "contributor erased: everything they sent was deleted at their request; replace the shot"
            ),
            Blocker::GrantAltered { grant_id } => write!(
                f,
                "grant {grant_id} was changed in the catalog without an audit event: run `chorus rights verify` and restore the library from a backup"
            ),
            Blocker::AuditBroken { at_event } => write!(
                f,
                "the rights audit no longer verifies (from event {at_event}): nothing is cleared until it does; run `chorus rights verify`"
            ),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "clearance", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Clearance {
    /// Usable; these grants together cover every channel, territory and day.
    Cleared {
        grant_ids: Vec<i64>,
    },
    /// Usable in this campaign because a person overrode the gate, with their reason.
    Overridden {
        override_id: i64,
        reason: String,
    },
    Blocked {
        blockers: Vec<Blocker>,
    },
}

impl Clearance {
    pub fn is_cleared(&self) -> bool {
        matches!(
            self,
            Clearance::Cleared { .. } | Clearance::Overridden { .. }
        )
    }
}

/// Where a contributor's answer stands for one asset, as of a date. Derived, never stored:
/// a grant becomes `expired` by the calendar alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum RightsStatus {
    Unrequested,
    Requested,
    Granted,
    Denied,
    Revoked,
    Expired,
}

impl RightsStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RightsStatus::Unrequested => "unrequested",
            RightsStatus::Requested => "requested",
            RightsStatus::Granted => "granted",
            RightsStatus::Denied => "denied",
            RightsStatus::Revoked => "revoked",
            RightsStatus::Expired => "expired",
        }
    }
}

/// Grants still standing: those after the last denial (a later "yes" overrides a "no").
fn live_grants(asset: &AssetRights) -> (Vec<&Grant>, bool) {
    let last_denial = asset
        .grants
        .iter()
        .rposition(|g| g.decision == Decision::Denied);
    let live = asset
        .grants
        .iter()
        .enumerate()
        .filter(|(i, g)| g.decision == Decision::Granted && last_denial.is_none_or(|d| *i > d))
        .map(|(_, g)| g)
        .collect();
    (live, last_denial.is_some())
}

pub fn status(asset: &AssetRights, as_of: NaiveDate) -> RightsStatus {
    let (live, denied) = live_grants(asset);
    if live.is_empty() {
        return match (denied, asset.requested) {
            (true, _) => RightsStatus::Denied,
            (false, true) => RightsStatus::Requested,
            (false, false) => RightsStatus::Unrequested,
        };
    }
    let standing: Vec<&&Grant> = live
        .iter()
        .filter(|g| g.revoked_on.is_none_or(|r| r > as_of))
        .collect();
    if standing.is_empty() {
        return RightsStatus::Revoked;
    }
    if standing
        .iter()
        .all(|g| g.valid_until.is_some_and(|u| u < as_of))
    {
        return RightsStatus::Expired;
    }
    RightsStatus::Granted
}

/// The first day after `as_of` on which `status` may come out differently with nothing
/// recorded in between: a standing grant running out, or a withdrawal taking effect.
pub fn status_changes_on(asset: &AssetRights, as_of: NaiveDate) -> Option<NaiveDate> {
    let (live, _) = live_grants(asset);
    live.iter()
        .flat_map(|g| {
            [
                g.revoked_on.filter(|r| *r > as_of),
                g.valid_until
                    .filter(|u| *u >= as_of)
                    .and_then(|u| u.succ_opt()),
            ]
        })
        .flatten()
        .min()
}

/// The gate. Grants may combine: one for web and one for social together clear a web +
/// social campaign, but every (channel, territory) pair must be covered by a single valid
/// grant for the whole run.
pub fn evaluate(asset: &AssetRights, usage: &Usage) -> Clearance {
    if let Some(b) = &asset.distrust {
        return Clearance::Blocked {
            blockers: vec![b.clone()],
        };
    }
    let mut blockers = Vec::new();
    if asset.curation == Some(Curation::Rejected) {
        blockers.push(Blocker::Rejected);
    }
    let (live, denied) = live_grants(asset);
    if live.is_empty() {
        blockers.push(match (denied, asset.requested) {
            (true, _) => Blocker::Denied,
            (false, true) => Blocker::AwaitingAnswer,
            (false, false) => Blocker::NoGrant,
        });
        return Clearance::Blocked { blockers };
    }

    let revoked: Vec<&Grant> = live
        .iter()
        .copied()
        .filter(|g| g.revoked_on.is_some())
        .collect();
    let valid: Vec<&Grant> = live
        .iter()
        .copied()
        .filter(|g| g.revoked_on.is_none())
        .collect();
    if valid.is_empty() {
        let on = revoked
            .iter()
            .filter_map(|g| g.revoked_on)
            .max()
            .unwrap_or(usage.starts_on);
        blockers.push(Blocker::Revoked { on });
        return Clearance::Blocked { blockers };
    }
    if !valid.iter().any(|g| g.consent_valid_somewhere()) {
        blockers.push(Blocker::MinorWithoutGuardian);
        return Clearance::Blocked { blockers };
    }
    let in_dates = |g: &Grant| {
        g.valid_from <= usage.starts_on && g.valid_until.is_none_or(|u| u >= usage.ends_on)
    };
    let push = |b: Blocker, blockers: &mut Vec<Blocker>| {
        if !blockers.contains(&b) {
            blockers.push(b);
        }
    };
    let mut used: BTreeSet<i64> = BTreeSet::new();
    for &channel in &usage.channels {
        let with_channel: Vec<&Grant> = valid
            .iter()
            .copied()
            .filter(|g| g.channels.contains(&channel))
            .collect();
        if with_channel.is_empty() {
            push(Blocker::ChannelNotGranted { channel }, &mut blockers);
            continue;
        }
        for territory in &usage.territories {
            let covering: Vec<&Grant> = with_channel
                .iter()
                .copied()
                .filter(|g| g.covers_territory(territory))
                .collect();
            if covering.is_empty() {
                let t = territory.clone();
                push(Blocker::TerritoryNotGranted { territory: t }, &mut blockers);
            } else if let Some(g) = covering
                .iter()
                .find(|g| in_dates(g) && g.consent_valid_for(channel))
            {
                used.insert(g.id);
            } else {
                // Covered in scope but not usable: a minor's grant, an unknown age for a
                // paid channel, or dates that fail.
                for g in covering {
                    if !g.consent_valid_for(channel) {
                        push(g.age_blocker(channel), &mut blockers);
                        continue;
                    }
                    if g.valid_from > usage.starts_on {
                        push(Blocker::NotYetValid { from: g.valid_from }, &mut blockers);
                    }
                    if let Some(until) = g.valid_until.filter(|u| *u < usage.ends_on) {
                        push(Blocker::ExpiresBeforeRunEnd { until }, &mut blockers);
                    }
                }
            }
        }
    }
    if !blockers.is_empty() && asset.requested {
        blockers.push(Blocker::AwaitingAnswer);
    }
    if blockers.is_empty() {
        Clearance::Cleared {
            grant_ids: used.into_iter().collect(),
        }
    } else {
        Clearance::Blocked { blockers }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn usage(channels: &[Channel], territories: &[&str], from: &str, to: &str) -> Usage {
        Usage {
            channels: channels.iter().copied().collect(),
            territories: territories.iter().map(|t| t.to_string()).collect(),
            starts_on: d(from),
            ends_on: d(to),
        }
    }

    fn grant(
        id: i64,
        channels: &[Channel],
        territories: &[&str],
        from: &str,
        until: Option<&str>,
    ) -> Grant {
        Grant {
            id,
            asset_id: None,
            decision: Decision::Granted,
            channels: channels.iter().copied().collect(),
            territories: territories.iter().map(|t| t.to_string()).collect(),
            valid_from: d(from),
            valid_until: until.map(d),
            age: Age::Adult,
            guardian: None,
            revoked_on: None,
        }
    }

    fn rights(grants: Vec<Grant>) -> AssetRights {
        AssetRights {
            curation: Some(Curation::Selected),
            requested: false,
            grants,
            distrust: None,
        }
    }

    const WEB: Channel = Channel::Web;
    const SOCIAL: Channel = Channel::Social;

    #[test]
    fn open_ended_worldwide_grant_clears() {
        let r = rights(vec![grant(
            1,
            &[WEB, SOCIAL],
            &["worldwide"],
            "2026-01-01",
            None,
        )]);
        let u = usage(&[WEB], &["US", "GB"], "2026-07-01", "2026-09-30");
        assert_eq!(evaluate(&r, &u), Clearance::Cleared { grant_ids: vec![1] });
    }

    #[test]
    fn date_boundaries_are_inclusive() {
        let r = rights(vec![grant(
            1,
            &[WEB],
            &["US"],
            "2026-07-01",
            Some("2026-09-30"),
        )]);
        assert!(evaluate(&r, &usage(&[WEB], &["US"], "2026-07-01", "2026-09-30")).is_cleared());
        assert_eq!(
            evaluate(&r, &usage(&[WEB], &["US"], "2026-07-01", "2026-10-01")),
            Clearance::Blocked {
                blockers: vec![Blocker::ExpiresBeforeRunEnd {
                    until: d("2026-09-30")
                }]
            }
        );
        assert_eq!(
            evaluate(&r, &usage(&[WEB], &["US"], "2026-06-30", "2026-09-30")),
            Clearance::Blocked {
                blockers: vec![Blocker::NotYetValid {
                    from: d("2026-07-01")
                }]
            }
        );
    }

    #[test]
    fn every_missing_channel_and_territory_is_named() {
        let r = rights(vec![grant(1, &[WEB], &["US"], "2026-01-01", None)]);
        let u = usage(
            &[WEB, SOCIAL, Channel::Tv],
            &["US", "DE"],
            "2026-07-01",
            "2026-08-01",
        );
        assert_eq!(
            evaluate(&r, &u),
            Clearance::Blocked {
                blockers: vec![
                    Blocker::TerritoryNotGranted {
                        territory: "DE".into()
                    },
                    Blocker::ChannelNotGranted { channel: SOCIAL },
                    Blocker::ChannelNotGranted {
                        channel: Channel::Tv
                    },
                ]
            }
        );
    }

    #[test]
    fn grants_combine_across_channels() {
        let r = rights(vec![
            grant(1, &[WEB], &["US"], "2026-01-01", None),
            grant(2, &[SOCIAL], &["US"], "2026-01-01", None),
        ]);
        let u = usage(&[WEB, SOCIAL], &["US"], "2026-07-01", "2026-08-01");
        assert_eq!(
            evaluate(&r, &u),
            Clearance::Cleared {
                grant_ids: vec![1, 2]
            }
        );
    }

    #[test]
    fn an_unknown_age_allows_unpaid_use_only() {
        let paid = [Channel::PaidSocial, Channel::Tv, Channel::OutOfHome];
        let mut g = grant(1, &Channel::ALL, &["worldwide"], "2026-01-01", None);
        g.age = Age::Unknown;
        let web = usage(&[WEB, Channel::Social], &["US"], "2026-07-01", "2026-08-01");
        assert!(evaluate(&rights(vec![g.clone()]), &web).is_cleared());
        for c in paid {
            let u = usage(&[WEB, c], &["US"], "2026-07-01", "2026-08-01");
            assert_eq!(
                evaluate(&rights(vec![g.clone()]), &u),
                Clearance::Blocked {
                    blockers: vec![Blocker::AgeUnknown { channel: c }]
                },
                "{c}"
            );
        }
        // A guardian's consent covers an unknown age; a minor without one clears nothing.
        let mut guarded = g.clone();
        guarded.guardian = Some("Ana Souza (mother)".into());
        let all = usage(&paid, &["US"], "2026-07-01", "2026-08-01");
        assert!(evaluate(&rights(vec![guarded]), &all).is_cleared());
        g.age = Age::Minor;
        assert!(!evaluate(&rights(vec![g]), &web).is_cleared());
    }

    #[test]
    fn minors_need_a_guardian() {
        let mut g = grant(1, &[WEB], &["US"], "2026-01-01", None);
        g.age = Age::Minor;
        let u = usage(&[WEB], &["US"], "2026-07-01", "2026-08-01");
        assert_eq!(
            evaluate(&rights(vec![g.clone()]), &u),
            Clearance::Blocked {
                blockers: vec![Blocker::MinorWithoutGuardian]
            }
        );
        g.guardian = Some("Maria Souza (mother)".into());
        assert!(evaluate(&rights(vec![g]), &u).is_cleared());
    }

    #[test]
    fn revocation_denial_rejection_and_silence_block() {
        let u = usage(&[WEB], &["US"], "2026-07-01", "2026-08-01");
        let mut g = grant(1, &[WEB], &["US"], "2026-01-01", None);
        g.revoked_on = Some(d("2026-06-15"));
        assert_eq!(
            evaluate(&rights(vec![g]), &u),
            Clearance::Blocked {
                blockers: vec![Blocker::Revoked {
                    on: d("2026-06-15")
                }]
            }
        );
        let mut no = grant(2, &[], &[], "2026-01-01", None);
        no.decision = Decision::Denied;
        let yes_then_no = rights(vec![grant(1, &[WEB], &["US"], "2026-01-01", None), no]);
        assert_eq!(
            evaluate(&yes_then_no, &u),
            Clearance::Blocked {
                blockers: vec![Blocker::Denied]
            }
        );
        let mut rejected = rights(vec![grant(1, &[WEB], &["US"], "2026-01-01", None)]);
        rejected.curation = Some(Curation::Rejected);
        assert_eq!(
            evaluate(&rejected, &u),
            Clearance::Blocked {
                blockers: vec![Blocker::Rejected]
            }
        );
        let silent = AssetRights::default();
        assert_eq!(
            evaluate(&silent, &u),
            Clearance::Blocked {
                blockers: vec![Blocker::NoGrant]
            }
        );
        let waiting = AssetRights {
            requested: true,
            ..AssetRights::default()
        };
        assert_eq!(
            evaluate(&waiting, &u),
            Clearance::Blocked {
                blockers: vec![Blocker::AwaitingAnswer]
            }
        );
    }

    #[test]
    fn an_open_request_is_named_and_an_expiring_grant_explains_the_gap() {
        let form = grant(1, &[WEB, SOCIAL], &["worldwide"], "2026-01-01", None);
        let release = grant(
            2,
            &[Channel::PaidSocial],
            &["US"],
            "2026-01-01",
            Some("2026-07-15"),
        );
        let mut r = rights(vec![form, release]);
        r.requested = true;
        let u = usage(
            &[WEB, Channel::PaidSocial],
            &["US"],
            "2026-07-01",
            "2026-08-01",
        );
        assert_eq!(
            evaluate(&r, &u),
            Clearance::Blocked {
                blockers: vec![
                    Blocker::ExpiresBeforeRunEnd {
                        until: d("2026-07-15")
                    },
                    Blocker::AwaitingAnswer
                ]
            }
        );
    }

    #[test]
    fn status_is_derived_against_a_date() {
        let g = grant(1, &[WEB], &["US"], "2026-01-01", Some("2026-06-30"));
        let r = rights(vec![g]);
        assert_eq!(status(&r, d("2026-06-30")), RightsStatus::Granted);
        assert_eq!(status(&r, d("2026-07-01")), RightsStatus::Expired);
        assert_eq!(
            status(&AssetRights::default(), d("2026-07-01")),
            RightsStatus::Unrequested
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        const TERRITORIES: [&str; 4] = ["US", "GB", "DE", "FR"];

        fn base() -> NaiveDate {
            d("2026-01-01")
        }

        fn channels() -> impl Strategy<Value = BTreeSet<Channel>> {
            prop::collection::btree_set(0..Channel::ALL.len(), 1..4)
                .prop_map(|ix| ix.into_iter().map(|i| Channel::ALL[i]).collect())
        }

        fn territories() -> impl Strategy<Value = BTreeSet<String>> {
            prop::collection::btree_set(0..TERRITORIES.len(), 1..3)
                .prop_map(|ix| ix.into_iter().map(|i| TERRITORIES[i].to_string()).collect())
        }

        fn usage_strategy() -> impl Strategy<Value = Usage> {
            (channels(), territories(), 0i64..300, 0i64..120).prop_map(
                |(channels, territories, start, len)| Usage {
                    channels,
                    territories,
                    starts_on: base() + chrono::Duration::days(start),
                    ends_on: base() + chrono::Duration::days(start + len),
                },
            )
        }

        fn grant_strategy(id: i64) -> impl Strategy<Value = Grant> {
            (
                channels(),
                prop_oneof![territories(), Just([WORLDWIDE.to_string()].into())],
                0i64..300,
                prop::option::of(0i64..400),
                prop_oneof![Just(Age::Adult), Just(Age::Minor), Just(Age::Unknown)],
                any::<bool>(),
                prop::option::weighted(0.2, Just(d("2026-03-01"))),
            )
                .prop_map(
                    move |(channels, territories, from, len, age, guardian, revoked_on)| Grant {
                        id,
                        asset_id: None,
                        decision: Decision::Granted,
                        channels,
                        territories,
                        valid_from: base() + chrono::Duration::days(from),
                        valid_until: len.map(|l| base() + chrono::Duration::days(from + l)),
                        age,
                        guardian: guardian.then(|| "a parent".to_string()),
                        revoked_on,
                    },
                )
        }

        fn grants() -> impl Strategy<Value = Vec<Grant>> {
            (1usize..4).prop_flat_map(|n| (0..n as i64).map(grant_strategy).collect::<Vec<_>>())
        }

        fn covers(g: &Grant, c: Channel, t: &str, u: &Usage) -> bool {
            g.channels.contains(&c)
                && g.covers_territory(t)
                && g.valid_from <= u.starts_on
                && g.valid_until.is_none_or(|e| e >= u.ends_on)
                && g.consent_valid_for(c)
                && g.revoked_on.is_none()
        }

        proptest! {
            #[test]
            fn one_grant_covering_everything_clears(u in usage_strategy(), extra in channels(), open in any::<bool>()) {
                let g = Grant {
                    id: 7,
                    asset_id: None,
                    decision: Decision::Granted,
                    channels: u.channels.union(&extra).copied().collect(),
                    territories: u.territories.clone(),
                    valid_from: u.starts_on,
                    valid_until: (!open).then_some(u.ends_on),
                    age: Age::Adult,
                    guardian: None,
                    revoked_on: None,
                };
                prop_assert_eq!(evaluate(&rights(vec![g]), &u), Clearance::Cleared { grant_ids: vec![7] });
            }

            #[test]
            fn cleared_means_every_channel_and_territory_is_covered(gs in grants(), u in usage_strategy()) {
                if let Clearance::Cleared { grant_ids } = evaluate(&rights(gs.clone()), &u) {
                    for c in &u.channels {
                        for t in &u.territories {
                            prop_assert!(gs.iter().any(|g| grant_ids.contains(&g.id) && covers(g, *c, t, &u)));
                        }
                    }
                } else {
                    // And blocked means some pair has no covering grant.
                    let all_covered = u.channels.iter().all(|c| u.territories.iter().all(|t| gs.iter().any(|g| covers(g, *c, t, &u))));
                    prop_assert!(!all_covered);
                }
            }

            #[test]
            fn a_narrower_usage_stays_cleared(gs in grants(), u in usage_strategy(), drop_c in any::<bool>(), shrink in 0i64..30) {
                if evaluate(&rights(gs.clone()), &u).is_cleared() {
                    let mut narrow = u.clone();
                    if drop_c && narrow.channels.len() > 1 {
                        let first = *narrow.channels.iter().next().unwrap();
                        narrow.channels.remove(&first);
                    }
                    let span = (u.ends_on - u.starts_on).num_days();
                    narrow.starts_on = u.starts_on + chrono::Duration::days(shrink.min(span / 2));
                    prop_assert!(evaluate(&rights(gs), &narrow).is_cleared());
                }
            }

            #[test]
            fn minors_without_guardians_and_revoked_grants_never_clear(gs in grants(), u in usage_strategy(), revoke in any::<bool>()) {
                let gs: Vec<Grant> = gs
                    .into_iter()
                    .map(|mut g| {
                        if revoke {
                            g.revoked_on = Some(d("2026-02-01"));
                        } else {
                            g.age = Age::Minor;
                            g.guardian = None;
                        }
                        g
                    })
                    .collect();
                prop_assert!(!evaluate(&rights(gs), &u).is_cleared());
            }
        }
    }
}
