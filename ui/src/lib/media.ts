// Pictures and clips reach the webview through the shell's `media` protocol, which serves
// files from the open library only. WebView2 (Windows) exposes custom schemes as
// http://<scheme>.localhost; the other platforms use <scheme>://localhost.

/** `view` is what a photo looks like on screen: its original, or the JPEG rendition the
 * library keeps of a HEIC, AVIF or TIFF (the webview cannot decode those). */
export type MediaRoute = "thumb" | "original" | "filmstrip" | "view";

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

/** The URL a `<video>` plays a catalog asset's original from. The stream server finds the
 * file by the asset's id (`/asset/<id>`); `hash` serves only the media-protocol fallback
 * used until the server's base is known (none without a hash). */
export function streamUrl(assetId: number, hash?: string): string {
  if (!streamBase) return hash ? mediaUrl("original", hash) : "";
  const id = Number.isSafeInteger(assetId) && assetId > 0 ? String(assetId) : "0";
  return `${streamBase}/asset/${id}`;
}

/** A `/file/<path inside the library>` route with each segment encoded ("a b/c" → "a%20b/c"). */
function encodeFilePath(path: string): string {
  const clean = path.replace(/\\/g, "/").replace(/^\/+/, "");
  const rest = clean.startsWith("file/") ? clean.slice(5) : clean;
  return `/file/${rest
    .split("/")
    .filter((p) => p !== "" && p !== "." && p !== "..")
    .map(encodeURIComponent)
    .join("/")}`;
}

/** The URL a `<video>` plays a library file from, given its `/file/...` path (a preview, an
 * export). `bust` (e.g. the job id) makes the player fetch a re-rendered file anew. */
export function streamPathUrl(path: string, bust?: string | number): string {
  const route = encodeFilePath(path);
  const query = bust === undefined ? "" : `?v=${encodeURIComponent(String(bust))}`;
  const base = streamBase ?? (isWindows() ? "http://media.localhost" : "media://localhost");
  return `${base}${route}${query}`;
}

/** A picture inside the library (an exported still), through the media protocol. */
export function filePathUrl(path: string, windows: boolean = isWindows()): string {
  const base = windows ? "http://media.localhost" : "media://localhost";
  return `${base}${encodeFilePath(path)}`;
}

/** `/file/...` path of an absolute path inside the library root, or null if it lies outside. */
export function libraryFilePath(root: string, absolute: string): string | null {
  const norm = (p: string) => p.replace(/\\/g, "/").replace(/\/+$/, "");
  const r = norm(root);
  const a = norm(absolute);
  if (r === "" || !a.startsWith(`${r}/`)) return null;
  return `/file/${a.slice(r.length + 1)}`;
}
