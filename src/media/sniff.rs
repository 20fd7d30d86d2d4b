//! Type detection by content (magic bytes), never by file name: customers rename files,
//! phones mislabel them, and a `.jpg` may be anything.

/// The photo formats Chorus decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoFormat {
    Jpeg,
    Png,
    Gif,
    WebP,
    Tiff,
    /// HEIC/HEIF (HEVC-coded, the iPhone's default).
    Heif,
    /// AVIF (AV1-coded HEIF).
    Avif,
}

impl PhotoFormat {
    pub fn name(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "jpeg",
            PhotoFormat::Png => "png",
            PhotoFormat::Gif => "gif",
            PhotoFormat::WebP => "webp",
            PhotoFormat::Tiff => "tiff",
            PhotoFormat::Heif => "heic",
            PhotoFormat::Avif => "avif",
        }
    }

    /// Whether a webview shows this format itself; the others get a JPEG rendition.
    pub fn webview_shows(self) -> bool {
        matches!(
            self,
            PhotoFormat::Jpeg | PhotoFormat::Png | PhotoFormat::Gif | PhotoFormat::WebP
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sniffed {
    Photo(PhotoFormat),
    /// A video container, with a short name of what it looks like.
    Clip(&'static str),
    /// Recognised, and not something Chorus can use; the text says what it is.
    NotMedia(&'static str),
    /// No signature we know: FFmpeg gets a chance to demux it.
    Unknown,
}

pub fn sniff(head: &[u8]) -> Sniffed {
    let starts = |sig: &[u8]| head.starts_with(sig);
    let at = |off: usize, sig: &[u8]| head.get(off..off + sig.len()) == Some(sig);

    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Sniffed::Photo(PhotoFormat::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Sniffed::Photo(PhotoFormat::Png);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Sniffed::Photo(PhotoFormat::Gif);
    }
    if starts(b"RIFF") && at(8, b"WEBP") {
        return Sniffed::Photo(PhotoFormat::WebP);
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return Sniffed::Photo(PhotoFormat::Tiff);
    }
    if at(4, b"ftyp") {
        let brand = head.get(8..12).unwrap_or_default();
        return match brand {
            b"heic" | b"heix" | b"heim" | b"heis" | b"mif1" | b"mif2" => {
                // `mif1` is the generic HEIF brand; AVIF files often lead with it too.
                if brand == b"mif1" && compatible_brand(head, b"avif") {
                    Sniffed::Photo(PhotoFormat::Avif)
                } else {
                    Sniffed::Photo(PhotoFormat::Heif)
                }
            }
            b"avif" => Sniffed::Photo(PhotoFormat::Avif),
            b"hevc" | b"hevx" | b"msf1" | b"avis" => Sniffed::NotMedia(
                "an image sequence (burst or animation in HEIF/AVIF); export the photo you want as a single image and import that",
            ),
            b"qt  " => Sniffed::Clip("mov"),
            b"3gp4" | b"3gp5" | b"3gp6" | b"3g2a" | b"3ge6" | b"3gs7" => Sniffed::Clip("3gp"),
            b"M4A " | b"M4B " => Sniffed::NotMedia("an audio file (M4A); Chorus takes photos and video clips"),
            _ => Sniffed::Clip("mp4"),
        };
    }
    // QuickTime files from old cameras may start without `ftyp`.
    if at(4, b"moov") || at(4, b"mdat") || at(4, b"wide") || at(4, b"free") {
        return Sniffed::Clip("mov");
    }
    if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        let is_webm = head.windows(4).any(|w| w == b"webm");
        return Sniffed::Clip(if is_webm { "webm" } else { "mkv" });
    }
    if starts(b"RIFF") && at(8, b"AVI ") {
        return Sniffed::Clip("avi");
    }
    if starts(b"OggS") {
        return Sniffed::Clip("ogg");
    }
    if starts(b"FLV\x01") {
        return Sniffed::Clip("flv");
    }
    if starts(&[0x30, 0x26, 0xB2, 0x75]) {
        return Sniffed::Clip("wmv");
    }
    if starts(&[0x00, 0x00, 0x01, 0xBA]) {
        return Sniffed::Clip("mpeg");
    }
    if head.first() == Some(&0x47) && head.len() > 188 && head[188] == 0x47 {
        return Sniffed::Clip("mpegts");
    }
    if starts(b"%PDF") {
        return Sniffed::NotMedia("a PDF document, not a photo or video");
    }
    if starts(b"PK\x03\x04") {
        return Sniffed::NotMedia(
            "a ZIP archive (or an office document); unpack it and import its photos and clips",
        );
    }
    if starts(b"BM") {
        return Sniffed::NotMedia("a BMP bitmap; convert it to PNG or JPEG first");
    }
    if starts(b"ID3")
        || starts(&[0xFF, 0xFB])
        || starts(b"fLaC")
        || (starts(b"RIFF") && at(8, b"WAVE"))
    {
        return Sniffed::NotMedia("an audio file; Chorus takes photos and video clips");
    }
    if looks_like_text(head) {
        return Sniffed::NotMedia("a text file, not a photo or video (whatever its name says)");
    }
    Sniffed::Unknown
}

/// Whether the `ftyp` box at the start lists `brand` among its compatible brands.
fn compatible_brand(head: &[u8], brand: &[u8; 4]) -> bool {
    let size = head
        .get(0..4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .unwrap_or(0)
        .min(head.len());
    head.get(16..size)
        .is_some_and(|list| list.chunks_exact(4).any(|c| c == brand))
}

fn looks_like_text(head: &[u8]) -> bool {
    if head.is_empty() {
        return false;
    }
    // Cut a possibly split multi-byte character at the end of the sample.
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) if e.valid_up_to() + 4 >= head.len() => {
            // Safe: valid_up_to marks a char boundary.
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    !valid.is_empty()
        && valid
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\x0c'))
}

/// The Content-Type to serve a file as, from its first bytes.
pub fn mime(head: &[u8]) -> &'static str {
    match sniff(head) {
        Sniffed::Photo(PhotoFormat::Jpeg) => "image/jpeg",
        Sniffed::Photo(PhotoFormat::Png) => "image/png",
        Sniffed::Photo(PhotoFormat::Gif) => "image/gif",
        Sniffed::Photo(PhotoFormat::WebP) => "image/webp",
        Sniffed::Photo(PhotoFormat::Tiff) => "image/tiff",
        Sniffed::Photo(PhotoFormat::Heif) => "image/heic",
        Sniffed::Photo(PhotoFormat::Avif) => "image/avif",
        Sniffed::Clip("mov") => "video/quicktime",
        Sniffed::Clip("mp4") | Sniffed::Clip("3gp") => "video/mp4",
        Sniffed::Clip("webm") => "video/webm",
        Sniffed::Clip("mkv") => "video/x-matroska",
        Sniffed::Clip("ogg") => "video/ogg",
        Sniffed::Clip(_) => "application/octet-stream",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content() {
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Sniffed::Photo(PhotoFormat::Jpeg)
        );
        assert_eq!(sniff(b"\0\0\0\x20ftypisom\0\0\0\0"), Sniffed::Clip("mp4"));
        assert_eq!(sniff(b"\0\0\0\x14ftypqt  \0\0\0\0"), Sniffed::Clip("mov"));
        assert_eq!(
            sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            Sniffed::Photo(PhotoFormat::Heif)
        );
        assert_eq!(
            sniff(b"\0\0\0\x1cftypmif1\0\0\0\0mif1avifmiaf"),
            Sniffed::Photo(PhotoFormat::Avif)
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic"),
            Sniffed::Photo(PhotoFormat::Heif)
        );
        assert!(
            matches!(sniff(b"Dear team, here is my photo\n"), Sniffed::NotMedia(m) if m.contains("text"))
        );
        assert_eq!(sniff(&[0x00, 0x13, 0x99, 0xFE, 0x80]), Sniffed::Unknown);
    }
}
