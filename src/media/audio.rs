//! Sound files decoded whole: the music bed, for the mix and for finding its beat.

use std::path::Path;

use ff::util::frame;
use ff::ChannelLayout;
use ffmpeg_next as ff;

/// The rate every sound in Chorus is mixed at.
pub const SAMPLE_RATE: u32 = 48_000;

pub type Stereo = [f32; 2];

/// Decodes an audio file to 48 kHz stereo, at most its first `max` samples (a brand's bed
/// may run an hour; a piece needs seconds of it); the error says what went wrong.
pub fn decode_stereo(path: &Path, max: usize) -> Result<Vec<Stereo>, String> {
    let err = |why: String| why;
    super::init_ffmpeg();
    let mut ictx = ff::format::input(&path).map_err(|e| err(e.to_string()))?;
    let (index, params) = ictx
        .streams()
        .best(ff::media::Type::Audio)
        .map(|s| (s.index(), s.parameters()))
        .ok_or_else(|| err("no audio stream".into()))?;
    let mut dec = ff::codec::context::Context::from_parameters(params)
        .and_then(|c| c.decoder().audio())
        .map_err(|e| err(e.to_string()))?;
    let mut resampler: Option<ff::software::resampling::Context> = None;
    let mut out = Vec::new();
    let mut decoded = frame::Audio::empty();
    let planar = ff::format::Sample::F32(ff::format::sample::Type::Planar);
    let mut take = |dec: &mut ff::decoder::Audio,
                    resampler: &mut Option<ff::software::resampling::Context>,
                    out: &mut Vec<Stereo>|
     -> Result<(), String> {
        while dec.receive_frame(&mut decoded).is_ok() {
            if resampler.is_none() {
                let layout = if decoded.channel_layout().is_empty() {
                    ChannelLayout::default(i32::from(decoded.channels()))
                } else {
                    decoded.channel_layout()
                };
                *resampler = Some(
                    ff::software::resampling::Context::get(
                        decoded.format(),
                        layout,
                        decoded.rate(),
                        planar,
                        ChannelLayout::STEREO,
                        SAMPLE_RATE,
                    )
                    .map_err(|e| err(e.to_string()))?,
                );
            }
            let mut converted =
                frame::Audio::new(planar, decoded.samples() * 2 + 256, ChannelLayout::STEREO);
            if let Some(rs) = resampler.as_mut() {
                rs.run(&decoded, &mut converted)
                    .map_err(|e| err(e.to_string()))?;
                let (l, r) = (converted.plane::<f32>(0), converted.plane::<f32>(1));
                out.extend(l.iter().zip(r).map(|(a, b)| [*a, *b]));
            }
        }
        Ok(())
    };
    for (stream, packet) in ictx.packets() {
        if stream.index() == index && dec.send_packet(&packet).is_ok() {
            take(&mut dec, &mut resampler, &mut out)?;
        }
        if out.len() >= max {
            out.truncate(max);
            return Ok(out);
        }
    }
    let _ = dec.send_eof();
    take(&mut dec, &mut resampler, &mut out)?;
    out.truncate(max);
    Ok(out)
}

/// The loudest sample of each of `buckets` equal slices of `samples` (0 to 1, either
/// channel): a waveform to draw.
pub fn peaks(samples: &[Stereo], buckets: usize) -> Vec<f32> {
    if buckets == 0 {
        return Vec::new();
    }
    (0..buckets)
        .map(|b| {
            let (from, to) = (
                b * samples.len() / buckets,
                ((b + 1) * samples.len() / buckets).max(b * samples.len() / buckets),
            );
            samples[from..to]
                .iter()
                .map(|[l, r]| l.abs().max(r.abs()))
                .fold(0.0f32, f32::max)
                .min(1.0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn peaks_are_the_loudest_of_each_slice() {
        let mut s = vec![[0.0f32, 0.0]; 100];
        s[10] = [0.5, -0.8];
        s[75] = [2.0, 0.0];
        assert_eq!(super::peaks(&s, 4), vec![0.8, 0.0, 0.0, 1.0]);
        assert_eq!(super::peaks(&s[..3], 6).len(), 6);
        assert!(super::peaks(&s, 0).is_empty());
    }
}
