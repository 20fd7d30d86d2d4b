import { describe, expect, it } from "vitest";
import { filePathUrl, isWindows, libraryFilePath, mediaUrl, setStreamBase, streamPathUrl, streamUrl } from "./media";

const hash = "a".repeat(64);

describe("mediaUrl", () => {
  it("uses the media scheme on macOS and Linux", () => {
    expect(mediaUrl("thumb", hash, false)).toBe(`media://localhost/thumb/${hash}`);
    expect(mediaUrl("original", hash, false)).toBe(`media://localhost/original/${hash}`);
    expect(mediaUrl("filmstrip", hash, false)).toBe(`media://localhost/filmstrip/${hash}`);
  });

  it("uses http://media.localhost on Windows", () => {
    expect(mediaUrl("thumb", hash, true)).toBe(`http://media.localhost/thumb/${hash}`);
  });

  it("cannot be steered to another route by a strange hash", () => {
    expect(mediaUrl("thumb", "../original/x", false)).toBe(
      "media://localhost/thumb/..%2Foriginal%2Fx",
    );
  });
});

describe("isWindows", () => {
  it("reads the user agent", () => {
    expect(isWindows("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/120")).toBe(true);
    expect(isWindows("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15")).toBe(false);
    expect(isWindows("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)")).toBe(false);
  });
});

describe("streamUrl", () => {
  it("plays clips from the loopback server by asset id once its base is known", () => {
    setStreamBase(null);
    expect(streamUrl(12, hash)).toBe(mediaUrl("original", hash));
    expect(streamUrl(12)).toBe("");
    setStreamBase("http://127.0.0.1:40123/abc/");
    expect(streamUrl(12, hash)).toBe("http://127.0.0.1:40123/abc/asset/12");
    expect(streamUrl(12)).toBe("http://127.0.0.1:40123/abc/asset/12");
    setStreamBase(null);
  });

  it("never puts anything but a positive whole id in the path", () => {
    setStreamBase("http://127.0.0.1:40123/abc");
    for (const bad of [0, -3, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      expect(streamUrl(bad, hash)).toBe("http://127.0.0.1:40123/abc/asset/0");
    }
    setStreamBase(null);
  });
});

describe("streamPathUrl", () => {
  it("plays previews and exports from the loopback server, encoding each segment", () => {
    setStreamBase("http://127.0.0.1:40123/abc");
    expect(streamPathUrl("/file/tmp/preview-11-99.mp4")).toBe("http://127.0.0.1:40123/abc/file/tmp/preview-11-99.mp4");
    expect(streamPathUrl("/file/exports/summer fans/a#b.mp4", 7)).toBe(
      "http://127.0.0.1:40123/abc/file/exports/summer%20fans/a%23b.mp4?v=7",
    );
    expect(streamPathUrl("/file/../../etc/passwd")).toBe("http://127.0.0.1:40123/abc/file/etc/passwd");
    expect(streamPathUrl("\\file\\exports\\x.mp4")).toBe("http://127.0.0.1:40123/abc/file/exports/x.mp4");
    setStreamBase(null);
    expect(streamPathUrl("/file/tmp/p.mp4")).toBe("media://localhost/file/tmp/p.mp4");
  });
});

describe("library files", () => {
  it("turns an absolute path inside the library into its /file route", () => {
    expect(libraryFilePath("/home/sam/lib", "/home/sam/lib/exports/a/b.jpg")).toBe("/file/exports/a/b.jpg");
    expect(libraryFilePath("/home/sam/lib/", "/home/sam/lib/exports/x.jpg")).toBe("/file/exports/x.jpg");
    expect(libraryFilePath("C:\\lib", "C:\\lib\\exports\\x.jpg")).toBe("/file/exports/x.jpg");
    expect(libraryFilePath("/home/sam/lib", "/home/sam/library2/x.jpg")).toBeNull();
    expect(filePathUrl("/file/exports/a b.jpg", false)).toBe("media://localhost/file/exports/a%20b.jpg");
  });
});
