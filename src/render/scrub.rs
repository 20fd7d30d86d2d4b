//! One frame of a montage, on demand: what the timeline shows under its playhead. It is
//! composed by the same parts as a render (cards, the fitted photo or clip frame, credit
//! and corner logo, dips, crossfades, burned captions), for the frame the render would
//! write at that instant, without rendering what comes before it. A `Scrubber` keeps
//! what is costly to make again (the brand kit, cards, fitted photos) between frames.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};

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
/// Fitted clip frames kept: some 770 frames (26 s of clips) at 640×360, 48 s at 360×640
/// is the same size.
const KEPT_CLIP_BYTES: usize = 256 << 20;
/// How far a read-ahead decodes past the frame asked for: playing and scrubbing forward
/// then find their frames made.
const READ_AHEAD_FRAMES: u64 = 60;

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
    /// Clip frames fitted to the output, as a read-ahead decoded them.
    clips: Arc<Mutex<ClipFrames>>,
    /// The read-ahead running: stopped when another is wanted, waited for when it is
    /// about to make the frame asked for.
    reading: Option<Reading>,
}

struct Reading {
    /// The item it reads (its `ClipKey` without the frame number), and the frames.
    item: ClipKey,
    frames: std::ops::Range<u64>,
    stop: Arc<AtomicBool>,
    done: Arc<AtomicBool>,
}

fn bytes_of(pic: &Yuv) -> usize {
    pic.width() as usize * pic.height() as usize * 3 / 2
}

/// A clip item's frame: its source, trim, fit and frame size, and the frame's number.
type ClipKey = (String, u64, u64, String, u32, u32, u64);

/// Fitted clip frames, the oldest dropped first past `KEPT_CLIP_BYTES`.
#[derive(Default)]
struct ClipFrames {
    frames: HashMap<ClipKey, Yuv>,
    order: VecDeque<ClipKey>,
    bytes: usize,
}

impl ClipFrames {
    fn put(&mut self, key: ClipKey, pic: Yuv) {
        if self.frames.contains_key(&key) {
            return;
        }
        self.bytes += bytes_of(&pic);
        self.order.push_back(key.clone());
        self.frames.insert(key, pic);
        while self.bytes > KEPT_CLIP_BYTES {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some(gone) = self.frames.remove(&old) {
                self.bytes -= bytes_of(&gone);
            }
        }
    }
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
        super::check_cleared(cleared, doc)?;
        let (width, height) = frame_size(doc, width);
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

    /// Decodes every clip shot of a montage at `width` on a thread of its own and keeps
    /// the frames, so that scrubbing anywhere finds them made (an editor opening a piece
    /// does this; the frames asked meanwhile are made as usual). Returns at once.
    pub fn warm(
        &mut self,
        lib: &Library,
        cleared: &ClearedForUse,
        doc: &PieceDoc,
        width: u32,
    ) -> Result<(), RenderError> {
        let Content::Montage(montage) = &doc.content else {
            return Ok(());
        };
        super::check_cleared(cleared, doc)?;
        let (width, height) = frame_size(doc, width);
        let mut jobs = Vec::new();
        for item in &montage.items {
            let src = source_of(cleared, item.asset_id)?;
            if src.kind != Kind::Clip {
                continue;
            }
            let n = frames(item.len_ms()).max(1);
            let fit = format!("{:?}", item.fit);
            let keys: Vec<ClipKey> = (0..n)
                .map(|f| {
                    let hash = src.hash.as_str().to_string();
                    (hash, item.in_ms, item.out_ms, fit.clone(), width, height, f)
                })
                .collect();
            let all_kept = self
                .clips
                .lock()
                .is_ok_and(|c| keys.iter().all(|k| c.frames.contains_key(k)));
            if all_kept {
                continue;
            }
            let ahead = Ahead {
                source: lib.store().original(&src.hash),
                item: item.clone(),
                rotation: src.rotation,
                path: follow_path(lib, src, item, n),
                size: (width, height),
                from: 0,
                count: n,
            };
            jobs.push((ahead, keys));
        }
        let kept = self.clips.clone();
        std::thread::spawn(move || {
            for (ahead, keys) in jobs {
                // A shot that cannot be read says so when its frame is asked for.
                let _ = read(&ahead, &keys, &kept, |_| true);
            }
        });
        Ok(())
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
                let key = |f: u64| -> ClipKey {
                    let fit = format!("{:?}", item.fit);
                    let hash = src.hash.as_str().to_string();
                    (hash, item.in_ms, item.out_ms, fit, width, height, f)
                };
                let kept = self
                    .clips
                    .lock()
                    .ok()
                    .and_then(|c| c.frames.get(&key(f)).cloned());
                let fitted = match kept {
                    Some(pic) => pic,
                    None => {
                        let path = follow_path(lib, src, item, n);
                        let ahead = Ahead {
                            source: source.clone(),
                            item: item.clone(),
                            rotation: src.rotation,
                            path,
                            size: (width, height),
                            from: f,
                            count: (n - f).min(READ_AHEAD_FRAMES),
                        };
                        self.read_ahead(ahead, key)?
                    }
                };
                overlay.draw(fitted, f, n)
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

/// A clip item's frames to decode in one pass: from output frame `from`, `count` of them.
struct Ahead {
    source: PathBuf,
    item: Item,
    rotation: u16,
    path: Vec<(f64, f64)>,
    size: (u32, u32),
    from: u64,
    count: u64,
}

impl Scrubber {
    /// Decodes a clip's frames from `a.from` on, on a thread of its own: the first comes
    /// back as soon as it is made, the rest are kept for the frames asked next (playing,
    /// stepping, scrubbing forward). A read-ahead still running is stopped first.
    fn read_ahead(&mut self, a: Ahead, key: impl Fn(u64) -> ClipKey) -> Result<Yuv, RenderError> {
        // The read running will make this frame soon (it decodes in order): waiting for it
        // costs less than seeking again from a keyframe.
        let item = key(u64::MAX);
        let wanted = key(a.from);
        let kept_frame = |clips: &Mutex<ClipFrames>| {
            clips
                .lock()
                .ok()
                .and_then(|c| c.frames.get(&wanted).cloned())
        };
        if let Some(r) = &self.reading {
            if r.item == item && r.frames.contains(&a.from) {
                while !r.done.load(Ordering::Acquire) {
                    if let Some(pic) = kept_frame(&self.clips) {
                        return Ok(pic);
                    }
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                if let Some(pic) = kept_frame(&self.clips) {
                    return Ok(pic);
                }
            }
        }
        if let Some(old) = self.reading.take() {
            old.stop.store(true, Ordering::Relaxed);
        }
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicBool::new(false));
        self.reading = Some(Reading {
            item,
            frames: a.from..a.from + a.count,
            stop: stop.clone(),
            done: done.clone(),
        });
        let keys: Vec<ClipKey> = (a.from..a.from + a.count).map(key).collect();
        let kept = self.clips.clone();
        let (first, wait) = mpsc::sync_channel::<Result<Yuv, RenderError>>(1);
        std::thread::spawn(move || {
            let mut sent = false;
            let result = read(&a, &keys, &kept, |fitted| {
                if !sent {
                    // The caller may have gone (an error elsewhere): keep reading ahead.
                    let _ = first.send(Ok(fitted.clone()));
                    sent = true;
                }
                !(sent && stop.load(Ordering::Relaxed))
            });
            done.store(true, Ordering::Release);
            if !sent {
                let _ = first.send(Err(match result {
                    Err(e) => e,
                    Ok(()) => RenderError::Source {
                        path: a.source.clone(),
                        why: format!("no frame {} of the clip's trim", a.from),
                    },
                }));
            }
        });
        wait.recv()
            .map_err(|_| RenderError::Encode("the clip reader stopped".into()))?
    }
}

/// Decodes `a`'s frames in one pass, fitted and kept under `keys`; `each` sees every one
/// and says whether to go on.
fn read(
    a: &Ahead,
    keys: &[ClipKey],
    kept: &Mutex<ClipFrames>,
    mut each: impl FnMut(&Yuv) -> bool,
) -> Result<(), RenderError> {
    let at = a.item.in_ms + a.from * 1000 / FPS;
    let window = Item {
        in_ms: at,
        out_ms: at + a.count * 1000 / FPS + 1,
        ..a.item.clone()
    };
    let picture = Picture::Frames {
        size: a.size,
        rotation: a.rotation,
    };
    let mut k = 0usize;
    decode_range(
        &a.source,
        &window,
        a.count,
        picture,
        &mut |pic, repeats| {
            for _ in 0..repeats {
                let Some(key) = keys.get(k) else {
                    return Ok(());
                };
                let f = a.from + k as u64;
                let fitted = clip_frame(pic, a.rotation, &a.path, f, a.item.fit, a.size)?;
                let go_on = each(&fitted);
                if let Ok(mut c) = kept.lock() {
                    c.put(key.clone(), fitted);
                }
                if !go_on {
                    return Err(RenderError::Cancelled);
                }
                k += 1;
            }
            Ok(())
        },
        &mut Vec::new(),
    )
}

fn photo_key(item: &Item) -> String {
    format!("{:?}/{}", item.fit, item.pan_zoom)
}

/// The frame size at `width` (even, 64 to the preset's width), in the preset's shape.
fn frame_size(doc: &PieceDoc, width: u32) -> (u32, u32) {
    let (pw, ph) = doc.preset.size();
    let width = (width.clamp(64, pw) & !1).max(64);
    let height = ((u64::from(ph) * u64::from(width) / u64::from(pw)) as u32 & !1).max(2);
    (width, height)
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
