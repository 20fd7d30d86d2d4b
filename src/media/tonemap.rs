//! HDR video to SDR. Phones record HLG (iPhone, also under Dolby Vision 8.4) or PQ in
//! BT.2020 at 10 bits; shown as if it were BT.709 such a clip looks washed-out and grey
//! next to SDR footage. Wherever Chorus shows or renders a clip's pixels, HDR frames go
//! through libavfilter's zscale (zimg) and tonemap first: linearise, bring the BT.2020
//! primaries to BT.709, compress the highlights (Hable, no desaturation), re-encode with
//! the BT.709 transfer.

use ff::color::{Primaries, Range, Space, TransferCharacteristic};
use ff::format::Pixel;
use ff::software::scaling;
use ff::util::frame;
use ffmpeg_next as ff;

/// What a video stream records about its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VideoColour {
    pub transfer: TransferCharacteristic,
    pub primaries: Primaries,
    pub space: Space,
    pub range: Range,
    pub bit_depth: u8,
}

impl VideoColour {
    pub fn of_decoder(dec: &ff::decoder::Video) -> VideoColour {
        VideoColour {
            transfer: dec.color_transfer_characteristic(),
            primaries: dec.color_primaries(),
            space: dec.color_space(),
            range: dec.color_range(),
            bit_depth: bit_depth(dec.format()),
        }
    }

    /// Hybrid log-gamma or perceptual quantizer: the two HDR transfers phones use.
    pub fn is_hdr(&self) -> bool {
        matches!(
            self.transfer,
            TransferCharacteristic::ARIB_STD_B67 | TransferCharacteristic::SMPTE2084
        )
    }

    /// "HLG", "PQ", or FFmpeg's name of an SDR transfer ("bt709"); `None` if unrecorded.
    pub fn transfer_name(&self) -> Option<String> {
        match self.transfer {
            TransferCharacteristic::ARIB_STD_B67 => Some("HLG".into()),
            TransferCharacteristic::SMPTE2084 => Some("PQ".into()),
            t => t.name().map(str::to_string),
        }
    }

    pub fn primaries_name(&self) -> Option<String> {
        self.primaries.name().map(str::to_string)
    }

    /// zscale's input options: the stream's own values, with BT.2020 assumed for what an
    /// HDR stream leaves unrecorded (it can be nothing else).
    fn zscale_input(&self) -> String {
        let tin = match self.transfer {
            TransferCharacteristic::SMPTE2084 => "smpte2084",
            _ => "arib-std-b67",
        };
        let pin = match self.primaries {
            Primaries::BT709 => "709",
            _ => "2020",
        };
        let min = match self.space {
            Space::BT709 => "709",
            Space::BT470BG | Space::SMPTE170M => "170m",
            _ => "2020_ncl",
        };
        let rin = match self.range {
            Range::JPEG => "full",
            _ => "limited",
        };
        // The first stage keeps the primaries and matrix (only linearising); saying so
        // spares zimg from guessing them off frames that do not record them.
        format!("tin={tin}:pin={pin}:min={min}:rin={rin}:p={pin}:m={min}")
    }
}

fn bit_depth(format: Pixel) -> u8 {
    format
        .descriptor()
        // SAFETY: the descriptor points at FFmpeg's static table entry for this format.
        .map(|d| unsafe { (*d.as_ptr()).comp[0].depth } as u8)
        .unwrap_or(8)
}

/// The SDR conversion of one HDR stream: frames of one size and format in, BT.709 frames
/// out, in `out` format (YUV 4:2:0 for renders, RGB24 for posters), fitted within
/// `max_side` when given (the float stage is the costly part; it runs at the output size).
pub struct ToSdr {
    graph: ff::filter::Graph,
}

impl ToSdr {
    pub fn new(
        (w, h, format): (u32, u32, Pixel),
        colour: &VideoColour,
        out: Pixel,
        max_side: Option<u32>,
    ) -> Result<ToSdr, String> {
        crate::media::init_ffmpeg();
        let mut graph = ff::filter::Graph::new();
        let args = format!(
            "video_size={w}x{h}:pix_fmt={}:time_base=1/90000:pixel_aspect=1/1",
            ff::ffi::AVPixelFormat::from(format) as i32
        );
        let buffer = ff::filter::find("buffer").ok_or("libavfilter has no buffer source")?;
        let sink = ff::filter::find("buffersink").ok_or("libavfilter has no buffer sink")?;
        graph
            .add(&buffer, "in", &args)
            .map_err(|e| format!("HDR conversion input ({e})"))?;
        graph
            .add(&sink, "out", "")
            .map_err(|e| format!("HDR conversion output ({e})"))?;
        let size = match max_side {
            Some(max) if w.max(h) > max => {
                let (nw, nh) = crate::media::fit_dims(w, h, max);
                format!("w={}:h={}:", nw & !1, nh & !1)
            }
            _ => String::new(),
        };
        let out_name = match out {
            Pixel::RGB24 => "rgb24",
            _ => "yuv420p",
        };
        let spec = format!(
            "zscale={size}{}:t=linear:npl=100,format=gbrpf32le,zscale=p=709,\
             tonemap=hable:desat=0,zscale=t=709:m=709:r=limited,format=yuv420p,\
             format={out_name}",
            colour.zscale_input()
        );
        graph
            .output("in", 0)
            .and_then(|p| p.input("out", 0))
            .and_then(|p| p.parse(&spec))
            .map_err(|e| format!("HDR conversion filters ({e}); this FFmpeg needs zimg"))?;
        graph
            .validate()
            .map_err(|e| format!("HDR conversion filters ({e})"))?;
        Ok(ToSdr { graph })
    }

    /// The SDR picture of `input`; its timestamp is carried over.
    pub fn run(&mut self, input: &frame::Video) -> Result<frame::Video, String> {
        let mut source = self.graph.get("in").ok_or("HDR conversion input")?;
        // `write_frame` takes its own reference; ffmpeg-next's `Source::add` would empty
        // the caller's frame, which is still needed (held as the last frame, say).
        // SAFETY: both pointers are live for the call; the frame is only read.
        let ret = unsafe { ff::ffi::av_buffersrc_write_frame(source.as_mut_ptr(), input.as_ptr()) };
        if ret < 0 {
            return Err(format!(
                "HDR conversion refused a frame ({})",
                ff::Error::from(ret)
            ));
        }
        let mut out = frame::Video::empty();
        self.graph
            .get("out")
            .ok_or("HDR conversion output")?
            .sink()
            .frame(&mut out)
            .map_err(|e| format!("HDR conversion produced no frame ({e})"))?;
        Ok(out)
    }
}

/// Makes swscale's RGB↔YUV arithmetic BT.709 (HD video's) in limited range, instead of its
/// BT.601 default, so colours keep their hue between photos, cards and clips.
pub(crate) fn use_bt709(ctx: &mut scaling::Context) {
    // SAFETY: the context is live; the coefficient table is FFmpeg's static data.
    unsafe {
        let table = ff::ffi::sws_getCoefficients(ff::ffi::SWS_CS_ITU709);
        ff::ffi::sws_setColorspaceDetails(
            ctx.as_mut_ptr(),
            table,
            0,
            table,
            0,
            0,
            1 << 16,
            1 << 16,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hlg() -> VideoColour {
        VideoColour {
            transfer: TransferCharacteristic::ARIB_STD_B67,
            primaries: Primaries::BT2020,
            space: Space::BT2020NCL,
            range: Range::MPEG,
            bit_depth: 10,
        }
    }

    /// A mid-grey 10-bit HLG frame comes out a neutral SDR grey of the requested size, and
    /// the caller's frame is left intact (it is still needed after the conversion).
    #[test]
    fn converts_an_hlg_frame_and_keeps_the_input() {
        assert!(hlg().is_hdr());
        assert_eq!(hlg().transfer_name().as_deref(), Some("HLG"));
        let mut t = ToSdr::new(
            (1280, 720, Pixel::YUV420P10LE),
            &hlg(),
            Pixel::RGB24,
            Some(512),
        )
        .expect("zscale and tonemap are in Debian's libavfilter");
        let mut input = frame::Video::new(Pixel::YUV420P10LE, 1280, 720);
        for (p, v) in [(0usize, 512u16), (1, 512), (2, 512)] {
            for px in input.data_mut(p).chunks_exact_mut(2) {
                px.copy_from_slice(&v.to_le_bytes());
            }
        }
        input.set_pts(Some(0));
        let out = t.run(&input).unwrap();
        assert_eq!(
            (out.width(), out.height(), out.format()),
            (512, 288, Pixel::RGB24)
        );
        let px = &out.data(0)[..3];
        assert!(
            px[0].abs_diff(px[1]) <= 2 && px[1].abs_diff(px[2]) <= 2,
            "{px:?}"
        );
        assert!((40..220).contains(&px[0]), "{px:?}");
        assert_eq!((input.width(), input.format()), (1280, Pixel::YUV420P10LE));
    }
}
