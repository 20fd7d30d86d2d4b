//! Type detection by content (magic bytes), never by file name: customers rename files,
//! phones mislabel them, and a `.jpg` may be anything.

use image::ImageFormat;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sniffed {
    Photo(ImageFormat),
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
        return Sniffed::Photo(ImageFormat::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Sniffed::Photo(ImageFormat::Png);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Sniffed::Photo(ImageFormat::Gif);
    }
    if starts(b"RIFF") && at(8, b"WEBP") {
        return Sniffed::Photo(ImageFormat::WebP);
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return Sniffed::Photo(ImageFormat::Tiff);
    }
    if at(4, b"ftyp") {
        let brand = head.get(8..12).unwrap_or_default();
        return match brand {
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                Sniffed::NotMedia("HEIC/HEIF photo (the iPhone default); this build of Chorus cannot decode HEIC: ask the contributor to send it as JPEG (iPhone: Settings > Camera > Formats > Most Compatible), or convert it first")
            }
            b"avif" | b"avis" => Sniffed::NotMedia(
                "AVIF image; this build of Chorus cannot decode AVIF: convert it to JPEG or PNG first",
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
        Sniffed::Photo(ImageFormat::Jpeg) => "image/jpeg",
        Sniffed::Photo(ImageFormat::Png) => "image/png",
        Sniffed::Photo(ImageFormat::Gif) => "image/gif",
        Sniffed::Photo(ImageFormat::WebP) => "image/webp",
        Sniffed::Photo(ImageFormat::Tiff) => "image/tiff",
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
            Sniffed::Photo(ImageFormat::Jpeg)
        );
        assert_eq!(sniff(b"\0\0\0\x20ftypisom\0\0\0\0"), Sniffed::Clip("mp4"));
        assert_eq!(sniff(b"\0\0\0\x14ftypqt  \0\0\0\0"), Sniffed::Clip("mov"));
        assert!(
            matches!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Sniffed::NotMedia(m) if m.contains("HEIC"))
        );
        assert!(
            matches!(sniff(b"Dear team, here is my photo\n"), Sniffed::NotMedia(m) if m.contains("text"))
        );
        assert_eq!(sniff(&[0x00, 0x13, 0x99, 0xFE, 0x80]), Sniffed::Unknown);
    }
}
