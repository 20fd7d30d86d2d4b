import { beforeEach, describe, expect, it, vi } from "vitest";
import type { IngestProgress, JobFinished } from "./bindings";

const bus = vi.hoisted(() => ({
  progress: null as ((p: IngestProgress) => void) | null,
  finished: null as ((f: JobFinished) => void) | null,
}));

const fake = vi.hoisted(() => ({
  ingestStart: vi.fn(),
  jobCancel: vi.fn(),
  onIngestProgress: vi.fn(async (h: (p: IngestProgress) => void) => {
    bus.progress = h;
    return () => (bus.progress = null);
  }),
  onJobFinished: vi.fn(async (h: (f: JobFinished) => void) => {
    bus.finished = h;
    return () => (bus.finished = null);
  }),
}));

vi.mock(import("./api"), async (original) => ({ ...(await original()), api: fake as never }));

import { ApiError } from "./api";
import { app } from "./appState.svelte";
import {
  cancelImport,
  clearImport,
  importer,
  listenForImports,
  queuePaths,
  startImport,
  unqueuePath,
} from "./importer.svelte";

const flushFrame = () => new Promise((r) => requestAnimationFrame(() => r(null)));

describe("the running import", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    clearImport();
  });

  it("folds engine events into what the Import screen shows", async () => {
    const stop = await listenForImports();
    fake.ingestStart.mockImplementation(async () => {
      // The engine may speak before the command has answered.
      bus.progress!({ job: 3, done: 0, total: 2, result: null });
      return 3;
    });
    await startImport(["/in"], "/in/form.csv");
    expect(fake.ingestStart).toHaveBeenCalledWith(["/in"], "/in/form.csv", null);
    expect(importer.state.phase).toBe("running");
    expect(importer.state.job).toBe(3);

    bus.progress!({
      job: 3,
      done: 1,
      total: 2,
      result: { path: "/in/a.jpg", status: "ingested", asset_id: 10, duplicate_of: null, error_kind: null, error: null },
    });
    await flushFrame();
    expect(importer.state.done).toBe(1);
    expect(importer.state.results).toHaveLength(1);

    const seq = app.change.seq;
    bus.finished!({
      job: 3,
      kind: "ingest",
      cancelled: false,
      error: null,
      ingest: { run_id: 1, files: 2, ingested: 1, duplicate: 1, near_duplicate: 0, error: 0, skipped_hidden: 0, cancelled: false },
      output: null,
      output_url_path: null,
    });
    expect(importer.state.phase).toBe("finished");
    expect(importer.state.summary?.ingested).toBe(1);
    // The library hears that new assets arrived.
    expect(app.change.seq).toBe(seq + 1);
    expect(app.change.origin).toBe("import");
    stop();
    expect(bus.progress).toBeNull();
  });

  it("shows why an import could not start", async () => {
    fake.ingestStart.mockRejectedValue(new ApiError("/nope: no such file or folder"));
    await startImport(["/nope"], null);
    expect(importer.state.phase).toBe("finished");
    expect(importer.state.error).toBe("/nope: no such file or folder");
  });

  it("cancels the job it started", async () => {
    fake.ingestStart.mockResolvedValue(8);
    fake.jobCancel.mockResolvedValue(true);
    await startImport(["/in"], null);
    await cancelImport();
    expect(fake.jobCancel).toHaveBeenCalledWith(8);
  });

  it("keeps a queue of chosen paths without repeats", () => {
    importer.queued = [];
    queuePaths(["/a", "/b"]);
    queuePaths(["/b", "/c"]);
    expect(importer.queued).toEqual(["/a", "/b", "/c"]);
    unqueuePath("/b");
    expect(importer.queued).toEqual(["/a", "/c"]);
  });
});
