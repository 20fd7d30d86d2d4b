// Pictures and clips reach the webview through the shell's `media` protocol, which serves
// files from the open library only. WebView2 (Windows) exposes custom schemes as
// http://<scheme>.localhost; the other platforms use <scheme>://localhost.

export type MediaRoute = "thumb" | "original" | "filmstrip";

/** Frames side by side in a clip's filmstrip image. */
export const FILMSTRIP_FRAMES = 8;

export function isWindows(userAgent: string = globalThis.navigator?.userAgent ?? ""): boolean {
  return /Windows/i.test(userAgent);
}

export function mediaUrl(route: MediaRoute, hash: string, windows: boolean = isWindows()): string {
  const base = windows ? "http://media.localhost" : "media://localhost";
  return `${base}/${route}/${encodeURIComponent(hash)}`;
}

/** Where clips stream from: the shell's loopback server (WebKitGTK's player cannot read
 * custom schemes). Until it is known, clips fall back to the media protocol. */
let streamBase: string | null = null;

export function setStreamBase(base: string | null): void {
  streamBase = base ? base.replace(/\/+$/, "") : null;
}

/** The URL a `<video>` plays a clip's original from. */
export function streamUrl(hash: string): string {
  return streamBase ? `${streamBase}/original/${encodeURIComponent(hash)}` : mediaUrl("original", hash);
}
