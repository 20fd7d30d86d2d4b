//! One frame of a montage, on demand: what the timeline shows under its playhead. It is
//! composed by the same parts as a render (cards, the fitted photo or clip frame, credit
//! and corner logo, dips, crossfades, burned captions), for the frame the render would
//! write at that instant, without rendering what comes before it. A `Scrubber` keeps
//! what is costly to make again (the brand kit, cards, fitted photos) between frames.

use std::collections::HashMap;
use std::path::Path;

use image::RgbImage;

use super::yuv::Yuv;
use super::{
    brand, captions, clip_frame, crossfade_frames, decode_range, dip_frames, dip_gain, follow_path,
    layout, source_of, Overlay, PhotoFrames, Picture, RenderError,
};
use crate::library::Library;
use crate::media::Kind;
use crate::piece::{frames, Content, Item, Montage, PieceDoc, FPS};
use crate::rights::ClearedForUse;

/// Photos kept fitted between frames; a piece rarely has more in view while scrubbing.
const KEPT_PHOTOS: usize = 16;

/// What a frame is made of, found from its number.
enum Part {
    Intro(u64),
    /// Frame `f` of item `i`, and when it is crossfaded, the frame of item `i - 1` below it
    /// and the new one's weight.
    Item {
        i: usize,
        f: u64,
        under: Option<(u64, f32)>,
    },
    /// Frame `g` of the outro card, over the last item's frame `f` with the card's weight.
    Outro {
        g: u64,
        under: Option<(u64, f32)>,
    },
}

/// Keeps the costly parts of frames between calls, for one piece being edited.
#[derive(Default)]
pub struct Scrubber {
    kit: Option<brand::BrandKit>,
    /// What the kept kit was loaded from: another library, kit or edit loads it again.
    kit_key: String,
    cards: HashMap<(bool, String, String, u32, u32), brand::Card>,
    photos: HashMap<(String, String, u32, u32), PhotoFrames>,
    order: Vec<(String, String, u32, u32)>,
}

impl Scrubber {
    pub fn new() -> Scrubber {
        Scrubber::default()
    }

    /// The frame at `at_ms` of a montage, `width` pixels wide (the height follows the
    /// preset's shape), as the render would write it. `cleared` must cover the piece's
    /// assets, as for a render.
    pub fn frame_at(
        &mut self,
        lib: &Library,
        cleared: &ClearedForUse,
        doc: &PieceDoc,
        at_ms: u64,
        width: u32,
    ) -> Result<RgbImage, RenderError> {
        let Content::Montage(montage) = &doc.content else {
            return Err(RenderError::UnsupportedKind(
                "frame of anything but a montage (a mosaic or still is one picture already)",
            ));
        };
        for id in doc.asset_ids() {
            if !cleared.covers(id) {
                return Err(RenderError::NotCleared(id));
            }
        }
        crate::media::init_ffmpeg();
        let (pw, ph) = doc.preset.size();
        let width = (width.clamp(64, pw) & !1).max(64);
        let height = ((u64::from(ph) * u64::from(width) / u64::from(pw)) as u32 & !1).max(2);
        let total = doc.duration_frames().max(1);
        let frame_no = ((at_ms * FPS) / 1000).min(total - 1);
        let key = kit_key(lib);
        if self.kit.is_none() || self.kit_key != key {
            self.kit = Some(brand::load(lib)?);
            self.kit_key = key;
            self.cards.clear();
        }
        let insets = layout::Insets::plain(width, height);
        let mut pic = match locate(montage, frame_no) {
            Part::Intro(f) => {
                let n = frames(montage.card_ms).max(1);
                self.card(true, montage, width, height, insets)?.frame(f, n)
            }
            Part::Item { i, f, under } => {
                let mut pic = self.item_frame(lib, cleared, montage, i, f, (width, height))?;
                if let Some((g, a)) = under {
                    let old = self.item_frame(lib, cleared, montage, i - 1, g, (width, height))?;
                    pic.mix_over(&old, a);
                }
                pic
            }
            Part::Outro { g, under } => {
                let n = frames(montage.card_ms).max(1);
                let mut pic = self
                    .card(false, montage, width, height, insets)?
                    .frame(g, n);
                if let Some((f, a)) = under {
                    let last = montage.items.len() - 1;
                    let old = self.item_frame(lib, cleared, montage, last, f, (width, height))?;
                    pic.mix_over(&old, a);
                }
                pic
            }
        };
        if montage.burn_captions {
            let cues = crate::piece::captions::timeline(montage);
            if !cues.is_empty() {
                let kit = self
                    .kit
                    .as_ref()
                    .ok_or(RenderError::Encode("no brand kit".into()))?;
                captions::Burner::new(&cues, kit, width, height, insets).draw(&mut pic, frame_no);
            }
        }
        pic.to_rgb()
    }

    fn card(
        &mut self,
        intro: bool,
        montage: &Montage,
        width: u32,
        height: u32,
        insets: layout::Insets,
    ) -> Result<&brand::Card, RenderError> {
        let kit = self
            .kit
            .as_ref()
            .ok_or(RenderError::Encode("no brand kit".into()))?;
        let (line, sub) = match (intro, &montage.cta) {
            (true, _) => (kit.name.clone(), kit.tagline.clone()),
            (false, Some(cta)) => (cta.text.trim().to_string(), cta.url.trim().to_string()),
            (false, None) => ("Thank you".to_string(), kit.name.clone()),
        };
        let key = (intro, line, sub, width, height);
        if !self.cards.contains_key(&key) {
            let card = brand::Card::new(kit, width, height, insets, &key.1, &key.2, intro)?
                .moving(montage.card_motion);
            self.cards.insert(key.clone(), card);
        }
        self.cards
            .get(&key)
            .ok_or(RenderError::Encode("card".into()))
    }

    /// Frame `f` of item `i`, dipped and credited as the render makes it.
    fn item_frame(
        &mut self,
        lib: &Library,
        cleared: &ClearedForUse,
        montage: &Montage,
        i: usize,
        f: u64,
        (width, height): (u32, u32),
    ) -> Result<Yuv, RenderError> {
        let item = &montage.items[i];
        let n = frames(item.len_ms()).max(1);
        let f = f.min(n - 1);
        let src = source_of(cleared, item.asset_id)?;
        let source = lib.store().original(&src.hash);
        let kit = self
            .kit
            .as_ref()
            .ok_or(RenderError::Encode("no brand kit".into()))?;
        let corner = match (&kit.logo, montage.corner_logo) {
            (Some(logo), true) => Some(brand::logo_at(logo, height / 12)),
            _ => None,
        };
        let insets = layout::Insets::plain(width, height);
        let overlay = Overlay::new(item, kit, corner.as_ref(), insets, width, height);
        let mut pic = match src.kind {
            Kind::Photo => {
                let key = (
                    src.hash.as_str().to_string(),
                    photo_key(item),
                    width,
                    height,
                );
                if !self.photos.contains_key(&key) {
                    let photo = PhotoFrames::new(&source, item, width, height)?;
                    if self.order.len() >= KEPT_PHOTOS {
                        let old = self.order.remove(0);
                        self.photos.remove(&old);
                    }
                    self.order.push(key.clone());
                    self.photos.insert(key.clone(), photo);
                }
                let photo = self
                    .photos
                    .get(&key)
                    .ok_or(RenderError::Encode("photo".into()))?;
                overlay.draw(photo.frame(f, n)?, f, n)
            }
            Kind::Clip => {
                let path = follow_path(lib, src, item, n);
                let pic = clip_source_frame(&source, item, f, src.rotation, (width, height))?;
                overlay.draw(
                    clip_frame(&pic, src.rotation, &path, f, item.fit, (width, height))?,
                    f,
                    n,
                )
            }
        };
        let g = dip_gain(f, n, dip_frames(montage, i), dip_frames(montage, i + 1));
        if g < 1.0 {
            pic.darken(g);
        }
        Ok(pic)
    }
}

/// The library, its kit's folder and brand name, and when the kit's file last changed.
fn kit_key(lib: &Library) -> String {
    let dir = lib.setting("brand_kit").ok().flatten().unwrap_or_default();
    let changed = std::fs::metadata(Path::new(&dir).join("brand.json"))
        .and_then(|m| m.modified())
        .ok();
    let name = crate::rights::RightsSettings::load(lib)
        .map(|r| r.brand_name)
        .unwrap_or_default();
    format!("{}|{dir}|{changed:?}|{name}", lib.root().display())
}

fn photo_key(item: &Item) -> String {
    format!("{:?}/{}", item.fit, item.pan_zoom)
}

/// The source frame a clip item shows at its output frame `f`: decoded from the nearest
/// keyframe before it, as the render's pass over the trim would have reached it.
fn clip_source_frame(
    source: &Path,
    item: &Item,
    f: u64,
    rotation: u16,
    size: (u32, u32),
) -> Result<Yuv, RenderError> {
    let at = item.in_ms + f * 1000 / FPS;
    // At a clip's very end the frame may lie past its last one: the one before it shows.
    for from in [at, at.saturating_sub(250)] {
        let one = Item {
            in_ms: from,
            out_ms: from + 1000 / FPS + 1,
            ..item.clone()
        };
        let mut got: Option<Yuv> = None;
        decode_range(
            source,
            &one,
            1,
            Picture::Frames { size, rotation },
            &mut |pic, _| {
                if got.is_none() {
                    got = Some(pic.clone());
                }
                Ok(())
            },
            &mut Vec::new(),
        )?;
        if let Some(pic) = got {
            return Ok(pic);
        }
    }
    Err(RenderError::Source {
        path: source.to_path_buf(),
        why: format!("no frame at {at} ms"),
    })
}

/// Which part of the montage output frame `frame_no` belongs to, following the render's
/// order: the intro card, each item (its first frames over the held end of the one before
/// when they crossfade), the outro card over the last item's held end.
fn locate(montage: &Montage, frame_no: u64) -> Part {
    let card = frames(montage.card_ms);
    let mut at = 0u64;
    if montage.intro_card {
        if frame_no < card {
            return Part::Intro(frame_no);
        }
        at = card;
    }
    let count = montage.items.len();
    for (i, item) in montage.items.iter().enumerate() {
        let n = frames(item.len_ms());
        let k_in = crossfade_frames(montage, i);
        let k_out = crossfade_frames(montage, i + 1);
        // This item's frames that are written as its own: all but those held for the next.
        let shown = n.saturating_sub(k_out);
        if frame_no < at + shown || (i + 1 == count && !montage.outro_card) {
            let f = frame_no.saturating_sub(at).min(n.saturating_sub(1));
            let under = (f < k_in && i > 0).then(|| {
                let prev = frames(montage.items[i - 1].len_ms());
                (prev - k_in + f, (f + 1) as f32 / (k_in + 1) as f32)
            });
            return Part::Item { i, f, under };
        }
        at += shown;
    }
    let g = frame_no.saturating_sub(at);
    let k = crossfade_frames(montage, count);
    let under = match (count, g < k) {
        (0, _) | (_, false) => None,
        (_, true) => {
            let last = frames(montage.items[count - 1].len_ms());
            Some((last - k + g, (g + 1) as f32 / (k + 1) as f32))
        }
    };
    Part::Outro { g, under }
}
