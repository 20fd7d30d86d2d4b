import { describe, expect, it } from "vitest";
import type { JobFinished, RenderProgress } from "./bindings";
import {
  EMPTY,
  activeCount,
  cancelling,
  dismissed,
  errorText,
  etaText,
  finished,
  isEnded,
  kindText,
  launched,
  percentText,
  progressed,
  queued,
  statusText,
  withoutEnded,
  type Launch,
} from "./renderJobs";

const story: Launch = {
  kind: "export",
  pieceId: 11,
  pieceName: "Summer story",
  pieceKind: "montage",
  presets: ["story_9x16", "hero_16x9"],
};

const tick = (job: number, fraction: number | null, eta_ms: number | null = null, kind: RenderProgress["kind"] = "export"): RenderProgress => ({
  job,
  kind,
  piece_id: 11,
  fraction,
  eta_ms,
});

const end = (job: number, over: Partial<JobFinished> = {}): JobFinished => ({
  job,
  kind: "export",
  cancelled: false,
  ingest: null,
  error: null,
  output: null,
  output_url_path: null,
  ...over,
});

describe("the render queue", () => {
  it("follows an export from launch to its folder", () => {
    let jobs = launched(EMPTY, 4, story);
    expect(jobs[0]).toMatchObject({ job: 4, phase: "waiting", pieceName: "Summer story", fraction: 0 });
    expect(statusText(jobs[0])).toBe("Starting…");

    jobs = progressed(jobs, tick(4, 0.42, 12_300));
    expect(jobs[0].phase).toBe("running");
    expect(percentText(jobs[0])).toBe("42%");
    expect(etaText(jobs[0].etaMs)).toBe("about 12 s left");
    expect(activeCount(jobs)).toBe(1);

    jobs = finished(jobs, end(4, { output: "/lib/exports/summer-fans/summer-story-v2-20250701/summer-story" }));
    expect(jobs[0]).toMatchObject({ phase: "done", fraction: 1, etaMs: null });
    expect(jobs[0].output).toBe("/lib/exports/summer-fans/summer-story-v2-20250701/summer-story");
    expect(statusText(jobs[0])).toBe("Exported");
    expect(isEnded(jobs[0])).toBe(true);
    expect(activeCount(jobs)).toBe(0);
  });

  it("makes a row from events that arrive before the start command answers", () => {
    let jobs = progressed(EMPTY, tick(7, 0.1));
    expect(jobs[0]).toMatchObject({ job: 7, kind: "export", pieceId: 11, pieceName: null, phase: "running" });
    // A job refused at once can even finish first.
    jobs = finished(launched(EMPTY, 8, story), end(9, { error: "clip-4.mp4 is not cleared" }));
    jobs = launched(jobs, 9, story);
    expect(jobs.find((r) => r.job === 9)).toMatchObject({ phase: "failed", pieceName: "Summer story" });
  });

  it("lists the newest job first and keeps others apart", () => {
    let jobs = launched(EMPTY, 2, story);
    jobs = launched(jobs, 5, { ...story, pieceName: "Wall" });
    jobs = progressed(jobs, tick(2, 0.5));
    expect(jobs.map((r) => r.job)).toEqual([5, 2]);
    expect(jobs[0].phase).toBe("waiting");
    expect(jobs[1].fraction).toBe(0.5);
  });

  it("never goes backwards, and ignores late progress of an ended job", () => {
    let jobs = progressed(launched(EMPTY, 1, story), tick(1, 0.6));
    jobs = progressed(jobs, tick(1, 0.4));
    expect(jobs[0].fraction).toBe(0.6);
    jobs = progressed(jobs, tick(1, null, 5000));
    expect(jobs[0].fraction).toBe(0.6);
    jobs = finished(jobs, end(1, { cancelled: true, error: "the render was cancelled; nothing was written" }));
    expect(progressed(jobs, tick(1, 0.9))[0]).toMatchObject({ phase: "cancelled", fraction: 0.6 });
  });

  it("says a cancelled job was cancelled, not that it failed", () => {
    let jobs = cancelling(progressed(launched(EMPTY, 1, story), tick(1, 0.3)), 1);
    expect(jobs[0].cancelling).toBe(true);
    expect(statusText(jobs[0])).toBe("Cancelling…");
    jobs = finished(jobs, end(1, { cancelled: true, error: "the render was cancelled; nothing was written" }));
    expect(jobs[0]).toMatchObject({ phase: "cancelled", error: null, cancelling: false });
    expect(statusText(jobs[0])).toBe("Cancelled");
  });

  it("puts a failure in plain words", () => {
    let jobs = launched(EMPTY, 3, story);
    jobs = finished(jobs, end(3, { error: "the piece uses asset 4, which the rights clearance given does not cover" }));
    expect(jobs[0].phase).toBe("failed");
    expect(errorText(jobs[0])).toBe(
      "The export failed: the piece uses asset 4, which the rights clearance given does not cover.",
    );
    expect(errorText({ ...jobs[0], error: null })).toMatch(/did not give/);
  });

  it("ignores import jobs", () => {
    expect(progressed(EMPTY, tick(1, 0.5, null, "ingest"))).toBe(EMPTY);
    expect(finished(EMPTY, end(1, { kind: "ingest" }))).toBe(EMPTY);
  });

  it("keeps finished previews out of the queue (their editor plays them)", () => {
    let jobs = launched(EMPTY, 1, { ...story, kind: "preview" });
    jobs = launched(jobs, 2, story);
    expect(queued(jobs).map((r) => r.job)).toEqual([2, 1]);
    jobs = finished(jobs, end(1, { kind: "preview", output_url_path: "/file/tmp/preview-11-1.mp4" }));
    expect(jobs.find((r) => r.job === 1)?.outputUrlPath).toBe("/file/tmp/preview-11-1.mp4");
    expect(queued(jobs).map((r) => r.job)).toEqual([2]);
    expect(kindText(jobs[0])).toBe("Export · montage");
  });

  it("removes ended jobs, one or all, but never a running one", () => {
    let jobs = launched(launched(EMPTY, 1, story), 2, story);
    jobs = finished(jobs, end(1, { output: "/x" }));
    expect(dismissed(jobs, 2)).toEqual(jobs);
    expect(dismissed(jobs, 1).map((r) => r.job)).toEqual([2]);
    expect(withoutEnded(jobs).map((r) => r.job)).toEqual([2]);
  });
});

describe("etaText", () => {
  it("reads like a person would say it", () => {
    expect(etaText(null)).toBe("");
    expect(etaText(800)).toBe("almost done");
    expect(etaText(12_300)).toBe("about 12 s left");
    expect(etaText(75_000)).toBe("about 75 s left");
    expect(etaText(185_000)).toBe("about 3 min left");
    expect(etaText(Number.NaN)).toBe("");
  });
});
