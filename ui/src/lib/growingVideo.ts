// A preview that plays while it is rendered. The engine writes the preview as a
// fragmented MP4 (a fragment every 0.2 s, a keyframe every 0.5 s) and hands its bytes over
// as it writes them; they go into a MediaSource, so the player starts on the first
// fragment instead of waiting for the whole render.

/** What previews are: H.264 and AAC in MP4. The browser's parser reads the real profile
 * from the file itself. */
export const PREVIEW_TYPE = 'video/mp4; codecs="avc1.42E01E, mp4a.40.2"';

/** This webview can play a preview as it grows. */
export function canGrow(): boolean {
  return typeof MediaSource !== "undefined" && MediaSource.isTypeSupported(PREVIEW_TYPE);
}

export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Joins byte chunks into one (a SourceBuffer takes one append at a time). */
export function joined(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** One preview's MediaSource: `url` goes in the `<video>`'s `src`; `push` the bytes in
 * order, then `end`. */
export class GrowingVideo {
  readonly url: string;
  /** Why the bytes could not be played (the caller falls back to the finished file). */
  failed: string | null = null;
  private source = new MediaSource();
  private buffer: SourceBuffer | null = null;
  private waiting: Uint8Array[] = [];
  private ended = false;
  private disposed = false;

  /** `seconds`: the piece's length, so the player's timeline is whole from the start. */
  constructor(
    private seconds: number,
    private onFailed: (why: string) => void = () => {},
  ) {
    this.url = URL.createObjectURL(this.source);
    this.source.addEventListener("sourceopen", () => this.open(), { once: true });
  }

  push(bytes: Uint8Array): void {
    if (this.disposed || this.failed || bytes.length === 0) return;
    this.waiting.push(bytes);
    this.pump();
  }

  /** Every byte has been pushed. */
  end(): void {
    this.ended = true;
    this.pump();
  }

  dispose(): void {
    this.disposed = true;
    this.waiting = [];
    URL.revokeObjectURL(this.url);
  }

  private open(): void {
    if (this.disposed) return;
    try {
      if (this.seconds > 0) this.source.duration = this.seconds;
      this.buffer = this.source.addSourceBuffer(PREVIEW_TYPE);
      this.buffer.addEventListener("updateend", () => this.pump());
      this.buffer.addEventListener("error", () => this.fail("the player could not read the preview"));
      this.pump();
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
    }
  }

  private pump(): void {
    const buffer = this.buffer;
    if (this.disposed || this.failed || !buffer || buffer.updating || this.source.readyState !== "open") return;
    try {
      if (this.waiting.length > 0) {
        const next = joined(this.waiting);
        this.waiting = [];
        buffer.appendBuffer(next as BufferSource);
      } else if (this.ended) {
        this.source.endOfStream();
      }
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
    }
  }

  private fail(why: string): void {
    if (this.failed) return;
    this.failed = why;
    this.waiting = [];
    this.onFailed(why);
  }
}
