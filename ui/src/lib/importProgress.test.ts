import { describe, expect, it } from "vitest";
import type { FileResult, IngestProgress, JobFinished, Summary } from "./bindings";
import {
  IDLE,
  begin,
  failed,
  finished,
  fraction,
  progress,
  progressText,
  started,
  summaryText,
} from "./importProgress";

const file = (path: string, status: FileResult["status"], error: string | null = null): FileResult => ({
  path,
  status,
  asset_id: status === "ingested" ? 1 : null,
  duplicate_of: status === "duplicate" ? 2 : null,
  error_kind: error ? "corrupt" : null,
  error,
});

const tick = (job: number, done: number, total: number, result: FileResult | null): IngestProgress => ({
  job,
  done,
  total,
  result,
});

const summary: Summary = {
  run_id: 1,
  files: 3,
  ingested: 1,
  duplicate: 1,
  near_duplicate: 0,
  error: 1,
  skipped_hidden: 0,
  cancelled: false,
};

const end = (job: number, over: Partial<JobFinished> = {}): JobFinished => ({
  job,
  kind: "ingest",
  cancelled: false,
  ingest: summary,
  error: null,
  output: null,
  output_url_path: null,
  ...over,
});

describe("import progress", () => {
  it("follows a whole import from the first event to the summary", () => {
    let s = started(begin(), 7);
    expect(progressText(s)).toBe("Finding files…");
    s = progress(s, tick(7, 0, 3, null));
    expect(progressText(s)).toBe("0 / 3");
    s = progress(s, tick(7, 1, 3, file("/in/a.jpg", "ingested")));
    s = progress(s, tick(7, 2, 3, file("/in/b.jpg", "duplicate")));
    s = progress(s, tick(7, 3, 3, file("/in/c.mov", "error", "The clip is cut short: ask for it again.")));
    expect(progressText(s)).toBe("3 / 3");
    expect(fraction(s)).toBe(1);
    expect(s.results.map((r) => r.status)).toEqual(["ingested", "duplicate", "error"]);
    expect(s.results[2].error).toContain("ask for it again");
    s = finished(s, end(7));
    expect(s.phase).toBe("finished");
    expect(s.summary).toEqual(summary);
  });

  it("takes events that arrive before the job id is known", () => {
    let s = begin();
    s = progress(s, tick(4, 0, 2, null));
    s = progress(s, tick(4, 1, 2, file("/in/a.jpg", "ingested")));
    expect(s.job).toBe(4);
    expect(s.done).toBe(1);
    s = started(s, 4);
    expect(s.job).toBe(4);
  });

  it("ignores other jobs and events when nothing runs", () => {
    let s = started(begin(), 2);
    s = progress(s, tick(9, 5, 10, file("/x.jpg", "ingested")));
    expect(s.done).toBe(0);
    expect(s.results).toHaveLength(0);
    expect(finished(s, end(9)).phase).toBe("running");
    expect(progress(IDLE, tick(1, 1, 1, file("/y.jpg", "ingested")))).toBe(IDLE);
  });

  it("records a cancelled import and a failed one", () => {
    const cancelled = finished(started(begin(), 1), end(1, { cancelled: true, ingest: { ...summary, cancelled: true } }));
    expect(cancelled.cancelled).toBe(true);
    expect(summaryText(cancelled.summary!)).toMatch(/^Import cancelled/);

    const broken = finished(started(begin(), 1), end(1, { ingest: null, error: "The library is locked." }));
    expect(broken.phase).toBe("finished");
    expect(broken.error).toBe("The library is locked.");

    const refused = failed("choose files or folders to import");
    expect(refused.phase).toBe("finished");
    expect(refused.error).toBe("choose files or folders to import");
  });

  it("never shows progress going backwards", () => {
    let s = started(begin(), 1);
    s = progress(s, tick(1, 5, 10, null));
    s = progress(s, tick(1, 4, 10, null));
    expect(s.done).toBe(5);
  });

  it("does not share results between imports", () => {
    const first = progress(started(begin(), 1), tick(1, 1, 1, file("/a.jpg", "ingested")));
    const second = begin();
    expect(first.results).toHaveLength(1);
    expect(second.results).toHaveLength(0);
    expect(IDLE.results).toHaveLength(0);
  });
});

describe("summaryText", () => {
  it("says what happened in plain words", () => {
    expect(summaryText(summary)).toBe(
      "Import finished: 3 files — 1 imported, 1 already in the library, 1 could not be imported.",
    );
  });
});
