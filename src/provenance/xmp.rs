//! Rights metadata as an XMP packet, in the fields DAMs and stock sites read: IPTC Core
//! (Copyright Notice is `dc:rights`, Credit Line is `photoshop:Credit`), XMP Rights
//! (Web Statement of Rights, Usage Terms, Marked) and PLUS (Licensor, Model Release
//! Status). A JPEG carries it in an APP1 segment; an MP4 in a top-level `uuid` box, where
//! Adobe's tools and exiftool look for it.

use std::fs;
use std::path::Path;

use super::{Provenance, ProvenanceError};

/// The identifier of an APP1 segment holding XMP.
const JPEG_XMP_ID: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
/// The `uuid` box type of XMP in ISO base media files.
const MP4_XMP_UUID: [u8; 16] = [
    0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC,
];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        // Control characters are not XML.
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect()
}

fn alt(text: &str) -> String {
    format!(
        "<rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt>",
        esc(text)
    )
}

/// The packet for one exported file.
pub fn packet(p: &Provenance) -> String {
    let url = p.rights_url.as_deref().map(esc);
    let web_statement = url
        .as_deref()
        .map(|u| format!(" xmpRights:WebStatement=\"{u}\""))
        .unwrap_or_default();
    let licensor_url = url
        .as_deref()
        .map(|u| format!("<plus:LicensorURL>{u}</plus:LicensorURL>"))
        .unwrap_or_default();
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
<rdf:Description rdf:about=\"\"\n \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n \
xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\"\n \
xmlns:xmpRights=\"http://ns.adobe.com/xap/1.0/rights/\"\n \
xmlns:plus=\"http://ns.useplus.org/ldf/xmp/1.0/\"\n \
photoshop:Credit=\"{credit}\" xmpRights:Marked=\"True\"{web_statement}>\n\
<dc:title>{title}</dc:title>\n\
<dc:creator><rdf:Seq><rdf:li>{brand}</rdf:li></rdf:Seq></dc:creator>\n\
<dc:rights>{rights}</dc:rights>\n\
<xmpRights:UsageTerms>{terms}</xmpRights:UsageTerms>\n\
<plus:Licensor><rdf:Seq><rdf:li rdf:parseType=\"Resource\"><plus:LicensorName>{brand}</plus:LicensorName>{licensor_url}</rdf:li></rdf:Seq></plus:Licensor>\n\
<plus:ModelReleaseStatus rdf:resource=\"http://ns.useplus.org/ldf/vocab/MR-LMR\"/>\n\
</rdf:Description>\n\
</rdf:RDF>\n\
</x:xmpmeta>\n\
<?xpacket end=\"w\"?>",
        credit = esc(&p.credit_line()),
        title = alt(&p.title),
        brand = esc(&p.brand),
        rights = alt(&p.copyright()),
        terms = alt(&p.usage_terms()),
    )
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ProvenanceError + '_ {
    move |source| ProvenanceError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Puts the packet into the file, replacing any XMP it carries.
pub fn embed(path: &Path, mime: &str, packet: &str) -> Result<(), ProvenanceError> {
    let bytes = fs::read(path).map_err(io(path))?;
    let out = match mime {
        "image/jpeg" => into_jpeg(&bytes, packet).ok_or(ProvenanceError::Format {
            path: path.to_path_buf(),
            kind: "JPEG",
        })?,
        "video/mp4" => into_mp4(bytes, packet),
        _ => return Ok(()),
    };
    // Beside it, then renamed: a failure never leaves half a file under the final name.
    let tmp = path.with_extension("xmp.partial");
    fs::write(&tmp, out).map_err(io(&tmp))?;
    fs::rename(&tmp, path).map_err(io(path))
}

/// The JPEG with an APP1 XMP segment after its JFIF/EXIF headers; `None` if it is not a
/// JPEG or the packet does not fit a segment.
fn into_jpeg(bytes: &[u8], packet: &str) -> Option<Vec<u8>> {
    if bytes.get(..2) != Some(&[0xFF, 0xD8]) {
        return None;
    }
    let len = 2 + JPEG_XMP_ID.len() + packet.len();
    let len = u16::try_from(len).ok()?;
    // Skip APP0 and non-XMP APP1 segments; drop an existing XMP one.
    let mut at = 2;
    let mut kept: Vec<u8> = bytes[..2].to_vec();
    while at + 4 <= bytes.len() && bytes[at] == 0xFF && matches!(bytes[at + 1], 0xE0 | 0xE1) {
        let seg = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let end = at + 2 + seg;
        if seg < 2 || end > bytes.len() {
            return None;
        }
        let is_xmp = bytes[at + 1] == 0xE1 && bytes[at + 4..end].starts_with(JPEG_XMP_ID);
        if !is_xmp {
            kept.extend_from_slice(&bytes[at..end]);
        }
        at = end;
    }
    kept.extend_from_slice(&[0xFF, 0xE1]);
    kept.extend_from_slice(&len.to_be_bytes());
    kept.extend_from_slice(JPEG_XMP_ID);
    kept.extend_from_slice(packet.as_bytes());
    kept.extend_from_slice(&bytes[at..]);
    Some(kept)
}

/// The MP4 with a top-level XMP `uuid` box appended (no offsets move).
fn into_mp4(mut bytes: Vec<u8>, packet: &str) -> Vec<u8> {
    let size = (8 + 16 + packet.len()) as u32;
    bytes.extend_from_slice(&size.to_be_bytes());
    bytes.extend_from_slice(b"uuid");
    bytes.extend_from_slice(&MP4_XMP_UUID);
    bytes.extend_from_slice(packet.as_bytes());
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jpeg_gets_one_xmp_segment_after_its_headers_and_an_old_one_goes() {
        // SOI, APP0 (JFIF, 16 bytes), then the image.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        jpeg.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        jpeg.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x02, 0xFF, 0xD9]);
        let once = into_jpeg(&jpeg, "<x>one</x>").unwrap();
        let twice = into_jpeg(&once, "<x>two</x>").unwrap();
        let count = |b: &[u8]| {
            b.windows(JPEG_XMP_ID.len())
                .filter(|w| *w == JPEG_XMP_ID)
                .count()
        };
        assert_eq!(count(&twice), 1);
        assert!(twice.windows(3).any(|w| w == b"two"));
        assert!(!twice.windows(3).any(|w| w == b"one"));
        assert_eq!(&twice[2..4], &[0xFF, 0xE0], "JFIF stays first");
        assert!(into_jpeg(b"GIF89a", "<x/>").is_none());
    }

    #[test]
    fn text_from_outside_cannot_break_the_packet() {
        assert_eq!(esc("a\"<b>&\u{7}"), "a&quot;&lt;b&gt;&amp;");
    }
}
