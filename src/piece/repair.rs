//! "Replace blocked shots": each blocked item of a piece (a withdrawal, an expiry, an
//! erasure) swapped for a cleared one of the same kind and shape, preferring selected,
//! then shortlisted, then the highest rated, people not yet in the piece before anyone
//! twice, each item keeping its length so the piece keeps its exact length. When the
//! cleared material cannot fill every gap, nothing is saved and the plan says how many
//! seconds are missing and which assets could fill them if they were cleared.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::{Content, Item, Piece, PieceDoc};
use crate::campaign::{Campaign, CampaignError};
use crate::catalog::{self, Asset, Curation, Filter};
use crate::media::Kind;
use crate::rights::{self, Blocker, Clearance};

/// One swap made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Swap {
    /// 1-based position in the piece.
    pub position: u32,
    pub from_asset: i64,
    pub from_name: String,
    /// Why it was blocked.
    pub reason: String,
    pub to_asset: i64,
    pub to_name: String,
    pub to_contributor: Option<String>,
}

/// An asset that could fill a gap if it were cleared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Candidate {
    pub asset_id: i64,
    pub original_name: String,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RepairPlan {
    pub swaps: Vec<Swap>,
    /// Positions nothing cleared could fill.
    pub unfilled: Vec<u32>,
    /// How long those positions run, in ms.
    pub missing_ms: u64,
    pub could_fill: Vec<Candidate>,
    /// The repaired document (meaningful only when `unfilled` is empty).
    pub document: PieceDoc,
}

impl RepairPlan {
    pub fn complete(&self) -> bool {
        self.unfilled.is_empty()
    }

    /// One sentence for a person.
    pub fn summary(&self) -> String {
        if self.swaps.is_empty() && self.unfilled.is_empty() {
            return "nothing in this piece is blocked".into();
        }
        if !self.complete() {
            let names: Vec<&str> = self
                .could_fill
                .iter()
                .take(5)
                .map(|c| c.original_name.as_str())
                .collect();
            return format!(
                "not enough cleared material: {:.1} s of the piece ({} shot(s)) has no cleared replacement of the same kind and shape{}",
                self.missing_ms as f64 / 1000.0,
                self.unfilled.len(),
                if names.is_empty() {
                    "; import or select more material".to_string()
                } else {
                    format!("; these could fill it if cleared: {}", names.join(", "))
                }
            );
        }
        let swaps: Vec<String> = self
            .swaps
            .iter()
            .map(|s| format!("#{} {} → {}", s.position, s.from_name, s.to_name))
            .collect();
        format!(
            "replaced {} blocked shot(s): {}",
            self.swaps.len(),
            swaps.join("; ")
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Wide,
    Tall,
    Square,
}

fn shape(a: &Asset) -> Shape {
    let (w, h) = super::upright(a);
    let (w, h) = (f64::from(w.max(1)), f64::from(h.max(1)));
    if w / h > 1.1 {
        Shape::Wide
    } else if h / w > 1.1 {
        Shape::Tall
    } else {
        Shape::Square
    }
}

fn curation_rank(c: Curation) -> u8 {
    match c {
        Curation::Selected => 0,
        Curation::Shortlisted => 1,
        _ => 2,
    }
}

fn err(e: impl std::fmt::Display) -> CampaignError {
    CampaignError::Rights(e.to_string())
}

fn credit(a: &Asset) -> String {
    a.contributor
        .as_ref()
        .and_then(|c| c.handle.clone().or_else(|| c.name.clone()))
        .unwrap_or_default()
}

/// The slot a blocked asset leaves: what fills it must be of this kind and shape, and a
/// clip at least this long.
struct Slot {
    position: u32,
    asset: i64,
    kind: Kind,
    shape: Shape,
    len_ms: u64,
}

/// Plans the repair of a piece for its campaign (does not save).
pub fn plan(
    conn: &Connection,
    campaign: &Campaign,
    piece: &Piece,
) -> Result<RepairPlan, CampaignError> {
    let status = super::status(conn, campaign, piece)?;
    let blocked: BTreeMap<i64, Vec<String>> = status
        .blocked
        .iter()
        .map(|(a, b)| (*a, b.iter().map(ToString::to_string).collect()))
        .collect();
    let mut doc = piece.document.clone();
    let in_piece: BTreeSet<i64> = doc.asset_ids().into_iter().collect();

    let mut slots = Vec::new();
    let slot_for = |position: u32, asset: i64, len_ms: u64| -> Result<Slot, CampaignError> {
        let a = catalog::get(conn, asset).map_err(err)?;
        Ok(Slot {
            position,
            asset,
            kind: a.kind,
            shape: shape(&a),
            len_ms,
        })
    };
    match &doc.content {
        Content::Montage(m) => {
            for (i, item) in m.items.iter().enumerate() {
                if blocked.contains_key(&item.asset_id) {
                    slots.push(slot_for(i as u32 + 1, item.asset_id, item.len_ms())?);
                }
            }
        }
        Content::Mosaic(m) => {
            for (i, a) in m.asset_ids.iter().enumerate() {
                if blocked.contains_key(a) {
                    slots.push(slot_for(i as u32 + 1, *a, 0)?);
                }
            }
        }
        Content::Still(s) => {
            if blocked.contains_key(&s.asset_id) {
                slots.push(slot_for(1, s.asset_id, 0)?);
            }
        }
    }

    // Cleared material not already in the piece, best first.
    let mut pool: Vec<Asset> = Vec::new();
    let mut uncleared: Vec<(Asset, Vec<String>)> = Vec::new();
    for a in catalog::list(conn, &Filter::default()).map_err(err)? {
        if in_piece.contains(&a.id) || a.curation == Curation::Rejected {
            continue;
        }
        match rights::clearance_for(conn, a.id, campaign).map_err(err)? {
            // Only what a person can still clear: not a no, a withdrawal or an erasure.
            Clearance::Blocked { blockers } => {
                let final_no = blockers.iter().any(|b| {
                    matches!(
                        b,
                        Blocker::Denied
                            | Blocker::Revoked { .. }
                            | Blocker::ContributorErased
                            | Blocker::GrantAltered { .. }
                            | Blocker::AuditBroken { .. }
                            | Blocker::Rejected
                    )
                });
                if !final_no {
                    uncleared.push((a, blockers.iter().map(ToString::to_string).collect()));
                }
            }
            _ => pool.push(a),
        }
    }
    // How often each contributor already appears among the shots that stay.
    let mut uses: BTreeMap<i64, u32> = BTreeMap::new();
    for id in &in_piece {
        if blocked.contains_key(id) {
            continue;
        }
        if let Some(c) = catalog::get(conn, *id).ok().and_then(|a| a.contributor) {
            *uses.entry(c.id).or_default() += 1;
        }
    }

    let fits = |a: &Asset, s: &Slot| {
        a.kind == s.kind
            && shape(a) == s.shape
            && (a.kind == Kind::Photo || a.duration_ms.unwrap_or(0).max(0) as u64 >= s.len_ms)
    };
    let mut swaps = Vec::new();
    let mut unfilled = Vec::new();
    let mut missing_ms = 0;
    let mut could_fill: Vec<Candidate> = Vec::new();
    let mut taken: BTreeSet<i64> = BTreeSet::new();
    for slot in &slots {
        let best = pool
            .iter()
            .filter(|a| !taken.contains(&a.id) && fits(a, slot))
            .min_by_key(|a| {
                let c = a.contributor.as_ref().map_or(0, |c| c.id);
                let fit = super::assemble::fit_for(a, doc.preset);
                let soft = super::upscale(a, fit, doc.preset.size()) > super::MAX_UPSCALE;
                (
                    curation_rank(a.curation),
                    soft,
                    uses.get(&c).copied().unwrap_or(0),
                    std::cmp::Reverse(a.rating),
                    a.id,
                )
            })
            .cloned();
        let from = catalog::get(conn, slot.asset).map_err(err)?;
        let Some(to) = best else {
            unfilled.push(slot.position);
            missing_ms += slot.len_ms;
            for (a, reasons) in uncleared.iter().filter(|(a, _)| fits(a, slot)) {
                if !could_fill.iter().any(|c| c.asset_id == a.id) {
                    could_fill.push(Candidate {
                        asset_id: a.id,
                        original_name: a.original_name.clone(),
                        reasons: reasons.clone(),
                    });
                }
            }
            continue;
        };
        taken.insert(to.id);
        if let Some(c) = &to.contributor {
            *uses.entry(c.id).or_default() += 1;
        }
        let idx = slot.position as usize - 1;
        let preset = doc.preset;
        match &mut doc.content {
            Content::Montage(m) => {
                let item = &mut m.items[idx];
                *item = replaced(item, &to, preset);
            }
            Content::Mosaic(m) => m.asset_ids[idx] = to.id,
            Content::Still(s) => {
                s.asset_id = to.id;
                s.credit = credit(&to);
            }
        }
        swaps.push(Swap {
            position: slot.position,
            from_asset: slot.asset,
            // A tombstone has no name left to show.
            from_name: if erased(conn, slot.asset) {
                "a shot by an erased contributor".into()
            } else {
                from.original_name.clone()
            },
            reason: blocked
                .get(&slot.asset)
                .map(|r| r.join("; "))
                .unwrap_or_default(),
            to_asset: to.id,
            to_name: to.original_name.clone(),
            to_contributor: to
                .contributor
                .as_ref()
                .and_then(|c| c.handle.clone().or(c.name.clone())),
        });
    }
    Ok(RepairPlan {
        swaps,
        unfilled,
        missing_ms,
        could_fill,
        document: doc,
    })
}

fn erased(conn: &Connection, asset: i64) -> bool {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM erased_assets WHERE asset_id = ?)",
        [asset],
        |r| r.get(0),
    )
    .unwrap_or(false)
}

/// The item with another source in it, of the same length: a clip's middle stretch,
/// framed for the piece's shape the way auto-assemble frames it.
fn replaced(item: &Item, to: &Asset, preset: super::Preset) -> Item {
    let len = item.len_ms();
    let (in_ms, out_ms) = match to.kind {
        Kind::Photo => (0, len),
        Kind::Clip => {
            let dur = to.duration_ms.unwrap_or(0).max(0) as u64;
            let start = dur.saturating_sub(len) / 2;
            (start, start + len)
        }
    };
    Item {
        asset_id: to.id,
        source_hash: String::new(),
        kind: to.kind,
        in_ms,
        out_ms,
        credit: credit(to),
        fit: super::assemble::fit_for(to, preset),
        // Captions and sound settings were for the old shot.
        captions: Vec::new(),
        sound: Default::default(),
        ..item.clone()
    }
}
