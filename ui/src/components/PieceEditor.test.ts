import { fireEvent, render, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { JobFinished, PieceDoc, PieceView, RenderProgress } from "../lib/bindings";
import { asset } from "../testing/fixtures";
import { blockedAsset, pieceView } from "../testing/pieces";

const bus = vi.hoisted(() => ({
  progress: (_p: RenderProgress) => {},
  finished: (_f: JobFinished) => {},
}));

const KIT = vi.hoisted(() => ({
  name: "Lumio",
  tagline: "Shot by you",
  primary: "#1d3f72",
  accent: "#f28c7a",
  text: "#ffffff",
  text_contrast: 10.9,
  accent_contrast: 4.6,
  heading_font: null,
  body_font: null,
  folder: null,
}));

const PLATFORMS = vi.hoisted(() => [
  {
    platform: "tiktok",
    label: "TikTok",
    shape: "story_9x16",
    width: 1080,
    height: 1920,
    safe: { top: 0.08, bottom: 0.22, left: 0.06, right: 0.15 },
    limits: "up to 10 min, 287 MB; H.264 6 Mb/s, with sound",
  },
  {
    platform: "youtube",
    label: "YouTube",
    shape: "hero_16x9",
    width: 1920,
    height: 1080,
    safe: { top: 0.05, bottom: 0.1, left: 0.05, right: 0.05 },
    limits: "up to 12 h, 256 GB; H.264 8 Mb/s, with sound",
  },
]);

const fake = vi.hoisted(() => ({
  pieceView: vi.fn(),
  pieceSave: vi.fn(),
  pieceCaptionsFromFile: vi.fn(),
  beatGrid: vi.fn(async () => ({ period_ms: 500, offset_ms: 0 })),
  brandView: vi.fn(async () => KIT),
  brandSetFont: vi.fn(),
  previewStart: vi.fn(),
  exportStart: vi.fn(),
  platforms: vi.fn(async () => PLATFORMS),
  jobCancel: vi.fn(),
  assetsBrowse: vi.fn(),
  onRenderProgress: vi.fn(async (h: (p: RenderProgress) => void) => {
    bus.progress = h;
    return () => {};
  }),
  onJobFinished: vi.fn(async (h: (f: JobFinished) => void) => {
    bus.finished = h;
    return () => {};
  }),
}));

vi.mock(import("../lib/api"), async (original) => ({ ...(await original()), api: fake as never }));

import { ApiError } from "../lib/api";
import { announce, app } from "../lib/appState.svelte";
import { clearDrafts } from "../lib/drafts";
import { jobs, listenForJobs, resetJobs } from "../lib/jobs.svelte";
import { setStreamBase } from "../lib/media";
import PieceEditor from "./PieceEditor.svelte";

const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T | null;
const $ = <T extends Element = HTMLElement>(s: string) => document.querySelector<T>(s);
const cards = () => [...document.querySelectorAll<HTMLElement>("#storyboard .card")];
const order = () => cards().map((c) => Number(c.dataset.assetId));

/** What the engine answers to a save: the document it stored, at the next version. */
function savedAs(view: PieceView, doc: PieceDoc): PieceView {
  return { ...view, piece: { ...view.piece, version: view.piece.version + 1, document: doc } };
}

describe("PieceEditor", () => {
  beforeEach(async () => {
    vi.clearAllMocks();
    clearDrafts();
    resetJobs();
    app.panel = null;
    app.piece = 11;
    setStreamBase("http://127.0.0.1:4000/tok");
    fake.pieceView.mockResolvedValue(pieceView(3));
    fake.assetsBrowse.mockResolvedValue({ total: 0, offset: 0, assets: [] });
    await listenForJobs();
  });

  it("draws the storyboard with posters, lengths, credits and the running total", async () => {
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(cards()).toHaveLength(3));
    const first = cards()[0];
    expect(first.dataset.index).toBe("0");
    expect(first.querySelector("img")?.getAttribute("src")).toBe(`media://localhost/thumb/${asset(1).hash}`);
    expect(first.querySelector(".card-name")?.textContent).toBe("clip-1.mp4");
    expect(first.querySelector(".card-length")?.textContent).toBe("5.0 s");
    expect(first.querySelector(".card-credit")?.textContent).toBe("@fan1");
    expect(byId("running-total")?.textContent?.trim()).toBe("15.0 s of 15 s");
    expect(byId("running-total")?.classList.contains("off")).toBe(false);
    expect(byId("storyboard-hint")?.textContent).toContain("Alt");
    expect(byId("piece-dirty")?.textContent?.trim()).toBe("Saved · v1");
    // The first card is inspected: its clip plays from the stream server, trimmed.
    expect(byId<HTMLVideoElement>("trim-player")?.getAttribute("src")).toBe(
      `http://127.0.0.1:4000/tok/asset/${asset(1).id}`,
    );
    expect(byId("trim-in")?.getAttribute("aria-valuenow")).toBe("2000");
    expect(byId("trim-out")?.getAttribute("aria-valuenow")).toBe("7000");
  });

  it("reorders with Alt+arrows on a focused card, then saves the version it loaded", async () => {
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(cards()).toHaveLength(3));
    cards()[0].focus();
    await fireEvent.keyDown(cards()[0], { key: "ArrowRight", altKey: true });
    expect(order()).toEqual([2, 1, 3]);
    await waitFor(() => expect(document.activeElement).toBe(cards()[1]));
    expect(cards()[1].getAttribute("aria-selected")).toBe("true");
    await fireEvent.keyDown(cards()[1], { key: "ArrowRight", altKey: true });
    expect(order()).toEqual([2, 3, 1]);
    await fireEvent.keyDown(document.activeElement!, { key: "ArrowLeft", altKey: true });
    expect(order()).toEqual([2, 1, 3]);
    expect(byId("piece-dirty")?.textContent?.trim()).toBe("Unsaved changes");

    const view = pieceView(3);
    fake.pieceSave.mockImplementation(async (_id: number, _v: number, doc: PieceDoc) => savedAs(view, doc));
    await fireEvent.click(byId("piece-save")!);
    await waitFor(() => expect(byId("piece-dirty")?.textContent?.trim()).toBe("Saved · v2"));
    const [id, version, doc] = fake.pieceSave.mock.calls[0];
    expect(id).toBe(11);
    expect(version).toBe(1);
    expect(doc.items.map((i: { asset_id: number }) => i.asset_id)).toEqual([2, 1, 3]);
    expect(order()).toEqual([2, 1, 3]);
  });

  it("undoes unsaved edits and removes cards", async () => {
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(cards()).toHaveLength(3));
    await fireEvent.click(cards()[1]);
    await fireEvent.click(byId("item-remove")!);
    expect(order()).toEqual([1, 3]);
    expect(byId("running-total")?.textContent?.trim()).toBe("10.0 s of 15 s");
    expect(byId("running-total")?.classList.contains("off")).toBe(true);
    await fireEvent.click(byId("piece-undo")!);
    expect(order()).toEqual([1, 2, 3]);
    expect(byId("piece-dirty")?.textContent?.trim()).toBe("Saved · v1");
    await fireEvent.click(byId("piece-redo")!);
    expect(order()).toEqual([1, 3]);
  });

  it("edits the selected shot's trim, credit, transition and fit", async () => {
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(cards()).toHaveLength(3));
    await fireEvent.click(cards()[1]);
    expect(byId("inspector")?.dataset.index).toBe("1");
    await fireEvent.keyDown(byId("trim-in")!, { key: "ArrowRight", shiftKey: true });
    expect(byId("trim-in")?.getAttribute("aria-valuenow")).toBe("3000");
    expect(cards()[1].querySelector(".card-length")?.textContent).toBe("4.0 s");
    // Past the clip's end is clamped to it.
    await fireEvent.change(byId("trim-out-s")!, { target: { value: "99" } });
    expect(byId("trim-out")?.getAttribute("aria-valuenow")).toBe("10000");
    // The in point cannot pass the out point.
    await fireEvent.change(byId("trim-in-s")!, { target: { value: "12" } });
    expect(byId("trim-in")?.getAttribute("aria-valuenow")).toBe("9800");

    await fireEvent.input(byId("item-credit")!, { target: { value: "@ana" } });
    expect(cards()[1].querySelector(".card-credit")?.textContent).toBe("@ana");
    await fireEvent.change(byId("item-transition")!, { target: { value: "crossfade" } });
    expect(byId<HTMLInputElement>("item-transition-ms")?.value).toBe("500");
    await fireEvent.change(byId("item-fit")!, { target: { value: "letterbox" } });

    const view = pieceView(3);
    fake.pieceSave.mockImplementation(async (_id: number, _v: number, doc: PieceDoc) => savedAs(view, doc));
    await fireEvent.click(byId("piece-save")!);
    await waitFor(() => expect(fake.pieceSave).toHaveBeenCalled());
    const shot = fake.pieceSave.mock.calls[0][2].items[1];
    expect(shot).toMatchObject({
      in_ms: 9800,
      out_ms: 10_000,
      credit: "@ana",
      fit: "letterbox",
      transition: { kind: "crossfade", duration_ms: 500 },
    });
  });

  it("sets a clip's level, J- and L-cut and caption, and the piece's bed, logo and call to action", async () => {
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(cards()).toHaveLength(3));
    await fireEvent.click(cards()[1]);
    await fireEvent.input(byId("item-gain")!, { target: { value: "-6" } });
    expect(byId("item-gain-text")?.textContent).toBe("-6 dB");
    await fireEvent.change(byId("item-lead")!, { target: { value: "400" } });
    await fireEvent.change(byId("item-trail")!, { target: { value: "300" } });
    await fireEvent.input(byId("item-caption")!, { target: { value: "Buzzer beater!" } });
    await fireEvent.input(byId("bed-level")!, { target: { value: "3" } });
    expect(byId("bed-level-text")?.textContent).toBe("+3 dB");
    await fireEvent.click(byId("corner-logo")!);
    await fireEvent.click(byId("outro-card")!);
    await fireEvent.change(byId("outro-fade")!, { target: { value: "500" } });
    await fireEvent.input(byId("cta-text")!, { target: { value: "Share yours" } });
    await fireEvent.input(byId("cta-url")!, { target: { value: "brand.example/summer" } });
    await fireEvent.change(byId("card-motion")!, { target: { value: "scale" } });
    // The piece's own captions: two added, the first worded and moved, the second removed.
    await fireEvent.click(byId("piece-caption-add")!);
    await fireEvent.click(byId("piece-caption-add")!);
    const starts = () => [...document.querySelectorAll<HTMLInputElement>("#piece-captions .cue-start")];
    expect(starts().map((i) => i.value)).toEqual(["0.0", "2.0"]);
    await fireEvent.input(document.querySelector("#piece-captions .cue-text")!, { target: { value: "Made by you" } });
    await fireEvent.change(document.querySelector("#piece-captions .cue-end")!, { target: { value: "3.5" } });
    await fireEvent.click(document.querySelectorAll("#piece-captions .cue-remove")[1]);
    expect(starts()).toHaveLength(1);

    const view = pieceView(3);
    fake.pieceSave.mockImplementation(async (_id: number, _v: number, doc: PieceDoc) => savedAs(view, doc));
    await fireEvent.click(byId("piece-save")!);
    await waitFor(() => expect(fake.pieceSave).toHaveBeenCalled());
    const doc = fake.pieceSave.mock.calls[0][2];
    expect(doc.items[1]).toMatchObject({
      sound: { gain_db: -6, mute: false, lead_ms: 400, trail_ms: 300 },
      captions: [{ start_ms: 0, end_ms: 5000, text: "Buzzer beater!" }],
    });
    expect(doc).toMatchObject({
      bed_db: 3,
      corner_logo: true,
      outro_card: true,
      outro_fade_ms: 500,
      cta: { text: "Share yours", url: "brand.example/summer" },
      card_motion: "scale",
      captions: [{ start_ms: 0, end_ms: 3500, text: "Made by you" }],
    });
  });

  it("marks the beat under each shot and reads a caption file onto the selected one", async () => {
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(cards()).toHaveLength(3));
    // 5 s shots on a 500 ms beat: every cut lands on it, ten beats under each card.
    await waitFor(() => expect(cards()[0].querySelector(".beats.on-beat")).not.toBeNull());
    expect(cards()[0].querySelectorAll(".beats .tick")).toHaveLength(11);
    await fireEvent.click(cards()[2]);
    const view = pieceView(3);
    const withCues = structuredClone(view);
    const d = withCues.piece.document as { items: { captions?: unknown[] }[] };
    d.items[2].captions = [
      { start_ms: 0, end_ms: 1000, text: "One" },
      { start_ms: 1500, end_ms: 2500, text: "Two" },
    ];
    fake.pieceCaptionsFromFile.mockResolvedValue({ ...withCues, piece: { ...withCues.piece, version: 2 } });
    await fireEvent.input(byId("item-caption-file")!, { target: { value: "/home/me/clip.srt" } });
    await fireEvent.click(byId("item-caption-import")!);
    await waitFor(() => expect(byId("item-cues")).not.toBeNull());
    expect(fake.pieceCaptionsFromFile).toHaveBeenCalledWith(11, 1, 2, "/home/me/clip.srt");
    expect(byId("item-cues")?.textContent).toContain("Two");
    expect(byId("piece-dirty")?.textContent?.trim()).toBe("Saved · v2");
  });

  it("reads a caption file as the piece's own captions", async () => {
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(cards()).toHaveLength(3));
    const view = pieceView(3);
    const withCues = structuredClone(view);
    (withCues.piece.document as { captions?: unknown[] }).captions = [
      { start_ms: 500, end_ms: 2500, text: "Our summer" },
    ];
    fake.pieceCaptionsFromFile.mockResolvedValue({ ...withCues, piece: { ...withCues.piece, version: 2 } });
    await fireEvent.input(byId("piece-caption-file")!, { target: { value: "/home/me/piece.vtt" } });
    await fireEvent.click(byId("piece-caption-import")!);
    await waitFor(() =>
      expect(document.querySelector<HTMLInputElement>("#piece-captions .cue-text")?.value).toBe("Our summer"),
    );
    expect(fake.pieceCaptionsFromFile).toHaveBeenCalledWith(11, 1, null, "/home/me/piece.vtt");
    expect(byId("piece-dirty")?.textContent?.trim()).toBe("Saved · v2");
  });

  it("shows the brand kit's fonts and contrast, and takes a font file for headings", async () => {
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(byId("brand-heading-font")?.textContent).toBe("Noto Sans (default)"));
    expect(byId("brand-kit")?.textContent).toContain("10.9:1");
    fake.brandSetFont.mockResolvedValue({ ...KIT, heading_font: "Brand Sans", folder: "/lib/brand-kit" });
    await fireEvent.input(byId("brand-font-file")!, { target: { value: "/home/me/BrandSans-Bold.otf" } });
    await fireEvent.click(byId("brand-font-heading")!);
    await waitFor(() => expect(byId("brand-heading-font")?.textContent).toBe("Brand Sans"));
    expect(fake.brandSetFont).toHaveBeenCalledWith("heading", "/home/me/BrandSans-Bold.otf");
    fake.brandSetFont.mockRejectedValue(new ApiError("/home/me/x.txt: not a TrueType or OpenType font file", "invalid"));
    await fireEvent.input(byId("brand-font-file")!, { target: { value: "/home/me/x.txt" } });
    await fireEvent.click(byId("brand-font-body")!);
    await waitFor(() => expect(byId("brand-error")?.textContent).toContain("not a TrueType"));
  });

  it("shows the engine's refusal of a save and stays dirty", async () => {
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(cards()).toHaveLength(3));
    await fireEvent.change(byId("preset")!, { target: { value: "hero_16x9" } });
    fake.pieceSave.mockRejectedValue(
      new ApiError("the piece is not valid: item 2: a 2000 ms transition is longer than half an item"),
    );
    await fireEvent.click(byId("piece-save")!);
    await waitFor(() => expect(byId("piece-save-error")?.textContent).toContain("longer than half an item"));
    expect(byId("piece-dirty")?.textContent?.trim()).toBe("Unsaved changes");
    expect(fake.pieceSave.mock.calls[0][2].preset).toBe("hero_16x9");
  });

  it("names every blocked asset, turns preview and render off, and clears when rights do", async () => {
    fake.pieceView.mockResolvedValue(
      pieceView(3, {
        blocked: [blockedAsset(1), blockedAsset(3, { contributor: null, reasons: ["not cleared for channel social"] })],
      }),
    );
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(byId("blocked-banner")).not.toBeNull());
    const rows = document.querySelectorAll<HTMLElement>(".blocked-asset");
    expect([...rows].map((r) => r.dataset.assetId)).toEqual(["1", "3"]);
    expect(rows[0].textContent).toContain("permission was revoked on 2025-07-01");
    expect(rows[1].textContent).toContain("unknown contributor");
    expect(rows[1].textContent).toContain("not cleared for channel social");
    expect(byId<HTMLButtonElement>("preview-start")?.disabled).toBe(true);
    expect(byId<HTMLButtonElement>("render-start")?.disabled).toBe(true);
    expect(byId("render-start")?.getAttribute("title")).toMatch(/Cannot render while 2 assets are blocked/);
    expect(cards()[0].classList.contains("blocked")).toBe(true);

    await fireEvent.click(rows[1].querySelector(".blocked-open")!);
    expect(app.panel).toBe(3);

    // A grant recorded in the asset panel: the editor asks again.
    fake.pieceView.mockResolvedValue(pieceView(3, { blocked: [blockedAsset(1)] }));
    announce("panel", [3]);
    await waitFor(() => expect(document.querySelectorAll(".blocked-asset")).toHaveLength(1));
    // And when the window comes back into focus (a grant recorded from the CLI).
    fake.pieceView.mockResolvedValue(pieceView(3));
    await fireEvent.focus(window);
    await waitFor(() => expect(byId("blocked-banner")).toBeNull());
    expect(byId<HTMLButtonElement>("render-start")?.disabled).toBe(false);
  });

  it("previews the unsaved document and plays it", async () => {
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(cards()).toHaveLength(3));
    await fireEvent.keyDown(cards()[2], { key: "Delete" });
    fake.previewStart.mockResolvedValue(40);
    await fireEvent.click(byId("preview-start")!);
    await waitFor(() => expect(fake.previewStart).toHaveBeenCalled());
    const [pieceId, doc] = fake.previewStart.mock.calls[0];
    expect(pieceId).toBe(11);
    expect(doc.items).toHaveLength(2);

    bus.progress({ job: 40, kind: "preview", piece_id: 11, fraction: 0.5, eta_ms: 4000 });
    await waitFor(() => expect(byId("preview-progress")?.textContent).toContain("50%"));
    expect(byId("preview-progress")?.textContent).toContain("about 4 s left");
    bus.finished({
      job: 40,
      kind: "preview",
      cancelled: false,
      ingest: null,
      error: null,
      output: "/lib/tmp/preview-11-7.mp4",
      output_url_path: "/file/tmp/preview-11-7.mp4",
    });
    await waitFor(() => expect(byId("preview-player")).not.toBeNull());
    expect(byId("preview-player")?.getAttribute("src")).toBe("http://127.0.0.1:4000/tok/file/tmp/preview-11-7.mp4?v=40");
  });

  it("exports the chosen formats, saving first when there are unsaved edits", async () => {
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(cards()).toHaveLength(3));
    await fireEvent.click(byId("render-start")!);
    const boxes = [...document.querySelectorAll<HTMLInputElement>('input[name="export-preset"]')];
    expect(boxes.filter((b) => b.checked).map((b) => b.value)).toEqual(["story_9x16"]);
    await fireEvent.click(boxes.find((b) => b.value === "hero_16x9")!);
    fake.exportStart.mockResolvedValue(41);
    await fireEvent.click(byId("export-submit")!);
    await waitFor(() => expect(fake.exportStart).toHaveBeenCalledWith(11, ["hero_16x9", "story_9x16"], []));
    expect(fake.pieceSave).not.toHaveBeenCalled();
    await waitFor(() => expect(byId("export-dialog")).toBeNull());
    expect(jobs.open).toBe(true);
    expect(jobs.rows[0]).toMatchObject({ job: 41, pieceName: "Summer story", kind: "export" });

    // Unsaved edits are saved before the export, which renders what is saved.
    await fireEvent.keyDown(cards()[0], { key: "ArrowRight", altKey: true });
    const view = pieceView(3);
    fake.pieceSave.mockImplementation(async (_id: number, _v: number, doc: PieceDoc) => savedAs(view, doc));
    await fireEvent.click(byId("render-start")!);
    expect(byId("export-save-note")).not.toBeNull();
    await fireEvent.click(byId("export-submit")!);
    await waitFor(() => expect(fake.exportStart).toHaveBeenCalledTimes(2));
    expect(fake.pieceSave).toHaveBeenCalledTimes(1);
    expect(fake.pieceSave.mock.invocationCallOrder[0]).toBeLessThan(fake.exportStart.mock.invocationCallOrder[1]);
  });

  it("exports for platforms too, and says why the engine refused one", async () => {
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(cards()).toHaveLength(3));
    await fireEvent.click(byId("render-start")!);
    await waitFor(() => expect(document.querySelectorAll('input[name="export-platform"]')).toHaveLength(2));
    const preset = $<HTMLInputElement>('input[name="export-preset"][value="story_9x16"]')!;
    await fireEvent.click(preset);
    // Nothing chosen: nothing to start.
    expect(byId<HTMLButtonElement>("export-submit")!.disabled).toBe(true);
    await fireEvent.click($('input[name="export-platform"][value="tiktok"]')!);
    fake.exportStart.mockRejectedValueOnce(
      new ApiError('"Summer story" runs 11 min, and TikTok takes at most 10 min: shorten it'),
    );
    await fireEvent.click(byId("export-submit")!);
    await waitFor(() => expect($("#export-dialog .error")?.textContent).toContain("TikTok takes at most 10 min"));
    expect(fake.exportStart).toHaveBeenCalledWith(11, [], ["tiktok"]);
    fake.exportStart.mockResolvedValue(42);
    await fireEvent.click(byId("export-submit")!);
    await waitFor(() => expect(byId("export-dialog")).toBeNull());
    expect(jobs.rows[0]).toMatchObject({ job: 42, platforms: ["TikTok"] });
  });

  it("flags a shot blown up past twice its source's size, on its card and above the storyboard", async () => {
    const why = "shown at 3.0× its 640×360 source: it will look soft; use a sharper file, or a letterboxed fit";
    fake.pieceView.mockResolvedValue(
      pieceView(3, {
        soft: [{ index: 1, asset_id: 2, scale: 3, source_width: 640, source_height: 360, why }],
      }),
    );
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(cards()).toHaveLength(3));
    expect(document.querySelectorAll("#storyboard .soft-flag")).toHaveLength(1);
    expect($('#storyboard .card[data-asset-id="2"] .soft-flag')?.getAttribute("title")).toBe(why);
    expect(byId("soft-items")?.textContent).toContain("clip-2.mp4 is shown at 3.0× its 640×360 source");
  });

  it("does not export when the save is refused", async () => {
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(cards()).toHaveLength(3));
    await fireEvent.keyDown(cards()[0], { key: "ArrowRight", altKey: true });
    await fireEvent.click(byId("render-start")!);
    fake.pieceSave.mockRejectedValue(new ApiError("'Summer story' was saved elsewhere (now version 3, you edited version 1)"));
    await fireEvent.click(byId("export-submit")!);
    await waitFor(() => expect($("#export-dialog .error")?.textContent).toContain("saved elsewhere"));
    expect(fake.exportStart).not.toHaveBeenCalled();
  });

  it("takes a version saved elsewhere when nothing here is unsaved, and warns when something is", async () => {
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(cards()).toHaveLength(3));
    const newer = pieceView(2, {}, 4);
    fake.pieceView.mockResolvedValue(newer);
    announce("import");
    await waitFor(() => expect(cards()).toHaveLength(2));
    expect(byId("piece-dirty")?.textContent?.trim()).toBe("Saved · v4");

    await fireEvent.keyDown(cards()[0], { key: "Delete" });
    fake.pieceView.mockResolvedValue(pieceView(3, {}, 5));
    announce("import");
    await waitFor(() => expect(byId("piece-notice")?.textContent).toContain("now version 5"));
    expect(cards()).toHaveLength(1);
  });

  it("keeps unsaved edits when the editor closes and brings them back", async () => {
    const first = render(PieceEditor, { id: 11 });
    await waitFor(() => expect(cards()).toHaveLength(3));
    await fireEvent.keyDown(cards()[0], { key: "ArrowRight", altKey: true });
    first.unmount();
    render(PieceEditor, { id: 11 });
    await waitFor(() => expect(order()).toEqual([2, 1, 3]));
    expect(byId("piece-notice")?.textContent).toContain("unsaved edits");
    expect(byId("piece-dirty")?.textContent?.trim()).toBe("Unsaved changes");
  });
});
