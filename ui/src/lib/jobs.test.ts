import { beforeEach, describe, expect, it, vi } from "vitest";
import type { JobFinished, PreviewBytes, RenderProgress } from "./bindings";

const bus = vi.hoisted(() => ({
  progress: null as ((p: RenderProgress) => void) | null,
  finished: null as ((f: JobFinished) => void) | null,
}));

const fake = vi.hoisted(() => ({
  exportStart: vi.fn(),
  previewStart: vi.fn(),
  jobCancel: vi.fn(),
  onRenderProgress: vi.fn(async (h: (p: RenderProgress) => void) => {
    bus.progress = h;
    return () => (bus.progress = null);
  }),
  onJobFinished: vi.fn(async (h: (f: JobFinished) => void) => {
    bus.finished = h;
    return () => (bus.finished = null);
  }),
}));

vi.mock(import("./api"), async (original) => ({ ...(await original()), api: fake as never }));

import { montageDoc, item } from "../testing/pieces";
import {
  cancelJob,
  clearEndedJobs,
  jobRow,
  jobs,
  listenForJobs,
  resetJobs,
  startExport,
  startPreview,
  viewExport,
} from "./jobs.svelte";

const piece = { id: 11, name: "Summer story", kind: "montage" as const };

describe("the render queue store", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    resetJobs();
  });

  it("is fed by the engine's events and opens when an export starts", async () => {
    const stop = await listenForJobs();
    fake.exportStart.mockImplementation(async () => {
      bus.progress!({ job: 5, kind: "export", piece_id: 11, fraction: 0.05, eta_ms: null });
      return 5;
    });
    expect(jobs.open).toBe(false);
    await startExport(piece, ["story_9x16"]);
    expect(fake.exportStart).toHaveBeenCalledWith(11, ["story_9x16"], []);
    expect(jobs.open).toBe(true);
    expect(jobRow(5)).toMatchObject({ pieceName: "Summer story", phase: "running", presets: ["story_9x16"] });

    bus.progress!({ job: 5, kind: "export", piece_id: 11, fraction: 0.5, eta_ms: 9000 });
    expect(jobRow(5)?.etaMs).toBe(9000);
    bus.finished!({
      job: 5,
      kind: "export",
      cancelled: false,
      ingest: null,
      error: null,
      output: "/lib/exports/summer/summer-story",
      output_url_path: null,
    });
    expect(jobRow(5)).toMatchObject({ phase: "done", output: "/lib/exports/summer/summer-story" });

    // An import ending is not a render.
    bus.finished!({ job: 6, kind: "ingest", cancelled: false, ingest: null, error: null, output: null, output_url_path: null });
    expect(jobRow(6)).toBeNull();

    clearEndedJobs();
    expect(jobs.rows).toEqual([]);
    stop();
    expect(bus.progress).toBeNull();
    expect(bus.finished).toBeNull();
  });

  it("previews the document it is given, without opening the queue", async () => {
    fake.previewStart.mockResolvedValue(8);
    const doc = montageDoc([item(1, 0, 3000)], { name: "Unsaved name" });
    await expect(startPreview(piece, doc)).resolves.toBe(8);
    expect(fake.previewStart).toHaveBeenCalledWith(11, doc, expect.anything());
    expect(jobRow(8)).toMatchObject({ kind: "preview", pieceName: "Unsaved name" });
    expect(jobs.open).toBe(false);
  });

  it("hands the preview's bytes over in order as they come, then says it is whole", async () => {
    fake.previewStart.mockResolvedValue(9);
    const got: number[][] = [];
    let ended = 0;
    await startPreview(
      piece,
      montageDoc([item(1, 0, 3000)]),
      (b) => got.push([...b]),
      () => ended++,
    );
    const send = fake.previewStart.mock.calls[0][2] as (m: PreviewBytes) => void;
    send({ base64: btoa("\0\0\0\x18ftyp"), last: false });
    expect(ended).toBe(0);
    send({ base64: btoa("moof"), last: false });
    send({ base64: "", last: true });
    expect(got).toEqual([
      [0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70],
      [0x6d, 0x6f, 0x6f, 0x66],
    ]);
    expect(ended).toBe(1);
  });

  it("cancels a job and marks it until the engine confirms", async () => {
    fake.exportStart.mockResolvedValue(3);
    fake.jobCancel.mockResolvedValue(true);
    await startExport(piece, ["hero_16x9"]);
    await cancelJob(3);
    expect(fake.jobCancel).toHaveBeenCalledWith(3);
    expect(jobRow(3)?.cancelling).toBe(true);
  });

  it("lets the export start's refusal reach the caller", async () => {
    fake.exportStart.mockRejectedValue(new Error("open or create a library first"));
    await expect(startExport(piece, ["hero_16x9"])).rejects.toThrow("open or create a library first");
    expect(jobs.rows).toEqual([]);
  });

  it("remembers which export is being viewed", () => {
    viewExport("/lib/exports/a");
    expect(jobs.viewing).toBe("/lib/exports/a");
    viewExport(null);
    expect(jobs.viewing).toBeNull();
  });
});
