import { fireEvent, render, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { JobFinished, RenderProgress } from "../lib/bindings";

const bus = vi.hoisted(() => ({
  progress: (_p: RenderProgress) => {},
  finished: (_f: JobFinished) => {},
}));

const fake = vi.hoisted(() => ({
  exportStart: vi.fn(),
  jobCancel: vi.fn(),
  revealExport: vi.fn(),
  exportContents: vi.fn(),
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
import { app } from "../lib/appState.svelte";
import { jobs, listenForJobs, resetJobs, startExport } from "../lib/jobs.svelte";
import { setStreamBase } from "../lib/media";
import ExportViewer from "./ExportViewer.svelte";
import QueueDock from "./QueueDock.svelte";

const $ = <T extends Element = HTMLElement>(s: string) => document.querySelector<T>(s);
const FOLDER = "/home/sam/lib/exports/summer-fans/summer-story-v2-20250701-101500/summer-story";

const done = (job: number, over: Partial<JobFinished> = {}): JobFinished => ({
  job,
  kind: "export",
  cancelled: false,
  ingest: null,
  error: null,
  output: null,
  output_url_path: null,
  ...over,
});

describe("QueueDock", () => {
  beforeEach(async () => {
    vi.clearAllMocks();
    resetJobs();
    await listenForJobs();
  });

  it("shows each job's progress and time left, and cancels it", async () => {
    fake.exportStart.mockResolvedValue(4);
    await startExport({ id: 11, name: "Summer story", kind: "montage" }, ["story_9x16"]);
    render(QueueDock);
    const row = $('.job[data-job="4"]')!;
    expect(row.querySelector(".job-name")?.textContent).toBe("Summer story");
    expect(row.querySelector(".job-kind")?.textContent).toBe("Export · montage");
    expect(row.dataset.state).toBe("waiting");
    bus.progress({ job: 4, kind: "export", piece_id: 11, fraction: 0.25, eta_ms: 12_000 });
    await waitFor(() => expect($('.job[data-job="4"] .job-percent')?.textContent).toBe("25%"));
    expect($('.job[data-job="4"] .job-eta')?.textContent).toBe("about 12 s left");
    expect($<HTMLProgressElement>('.job[data-job="4"] progress')?.value).toBe(0.25);

    fake.jobCancel.mockResolvedValue(true);
    await fireEvent.click($('.job[data-job="4"] .job-cancel')!);
    expect(fake.jobCancel).toHaveBeenCalledWith(4);
    bus.finished(done(4, { cancelled: true, error: "the render was cancelled; nothing was written" }));
    await waitFor(() => expect($('.job[data-job="4"]')?.dataset.state).toBe("cancelled"));
    expect($('.job[data-job="4"] .job-error')).toBeNull();
    expect($('.job[data-job="4"] .job-status')?.textContent).toBe("Cancelled");
  });

  it("says why a job failed in plain words", async () => {
    render(QueueDock);
    bus.finished(done(5, { error: "the piece uses asset 4, which the rights clearance given does not cover" }));
    await waitFor(() => expect($('.job[data-job="5"] .job-error')).not.toBeNull());
    expect($('.job[data-job="5"] .job-error')?.textContent).toBe(
      "The export failed: the piece uses asset 4, which the rights clearance given does not cover.",
    );
    expect($('.job[data-job="5"]')?.hasAttribute("data-output")).toBe(false);
  });

  it("offers a finished export's folder, and its viewer", async () => {
    render(QueueDock);
    bus.finished(done(6, { output: FOLDER }));
    await waitFor(() => expect($('.job[data-job="6"]')?.dataset.state).toBe("done"));
    expect($('.job[data-job="6"]')?.getAttribute("data-output")).toBe(FOLDER);
    fake.revealExport.mockRejectedValue(new ApiError("cannot open a file manager"));
    await fireEvent.click($('.job[data-job="6"] .job-reveal')!);
    expect(fake.revealExport).toHaveBeenCalledWith(FOLDER);
    await waitFor(() => expect($("#queue > .error")?.textContent).toContain("file manager"));
    await fireEvent.click($('.job[data-job="6"] .job-view')!);
    expect(jobs.viewing).toBe(FOLDER);
    await fireEvent.click($("#queue-clear")!);
    expect($('.job[data-job="6"]')).toBeNull();
  });
});

describe("ExportViewer", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    app.library = { root: "/home/sam/lib", assets: 10, contributors: 3 };
    setStreamBase("http://127.0.0.1:4000/tok");
  });

  it("lists the files, shows the credits, the rights report as a table, and plays the video", async () => {
    fake.exportContents.mockResolvedValue({
      folder: FOLDER,
      files: ["credits.txt", "manifest.json", "poster.jpg", "rights-report.csv", "rights-report.html", "summer-story-story_9x16.mp4"],
      credits: 'Made with our customers. Thank you to everyone who appears in "Summer story":\n\n@samlee\n@ana\n',
      rights_report_csv:
        'asset_id,file,contributor,cleared,evidence\n4,"beach, sunset.jpg",Sam Lee,true,"Replied ""#YesChorus"""\n7,clip.mov,Ana,true,form\n',
      internal_report_csv: "asset_id,email,evidence\n4,sam@example.com,#YesChorus\n",
      internal_report_path: "/home/sam/lib/reports/export-3/rights-report-internal.html",
      credentials_files: ["poster.jpg", "summer-story-story_9x16.mp4"],
      video_url_paths: ["/file/exports/summer-fans/summer-story-v2-20250701-101500/summer-story/summer-story-story_9x16.mp4"],
      readiness: [
        {
          platform: "tiktok",
          label: "TikTok",
          file: "summer-story-tiktok.mp4",
          ready: true,
          problems: [],
          measured: "1080×1920, 15.0 s, 6.2 Mb/s, 11.6 MB, h264 + aac",
        },
        {
          platform: "x",
          label: "X",
          file: "summer-story-x.mp4",
          ready: false,
          problems: ["it is 640×360; X wants 1920×1080"],
          measured: "640×360, 15.0 s",
        },
      ],
    });
    render(ExportViewer, { folder: FOLDER });
    await waitFor(() => expect(document.querySelectorAll("#export-files li")).toHaveLength(6));
    expect(fake.exportContents).toHaveBeenCalledWith(FOLDER);
    expect($("#export-credits")?.textContent).toContain("@samlee\n@ana");
    const headers = [...document.querySelectorAll("#export-report th")].map((th) => th.textContent);
    expect(headers).toEqual(["Asset id", "File", "Contributor", "Cleared", "Evidence"]);
    const firstRow = [...document.querySelectorAll("#export-report tbody tr:first-child td")].map((td) => td.textContent);
    expect(firstRow).toEqual(["4", "beach, sunset.jpg", "Sam Lee", "true", 'Replied "#YesChorus"']);
    expect(document.querySelectorAll("#export-report tbody tr")).toHaveLength(2);
    // The agency's report shows no contact details; the brand's own is beside it, labelled.
    expect(document.getElementById("export-report")?.textContent).not.toContain("@example.com");
    const internal = document.getElementById("export-internal-report")!;
    expect(internal.textContent).toContain("stays with the brand");
    expect(internal.textContent).toContain("sam@example.com");
    expect(document.getElementById("export-credentials")?.textContent).toContain("2 file(s)");
    const verdicts = [...document.querySelectorAll("#export-readiness li")];
    expect(verdicts.map((li) => li.querySelector("strong")?.textContent)).toEqual([
      "✓ Ready for TikTok",
      "✗ Not ready for X",
    ]);
    expect(verdicts[1].textContent).toContain("X wants 1920×1080");
    expect($("video#export-player")?.getAttribute("src")).toBe(
      "http://127.0.0.1:4000/tok/file/exports/summer-fans/summer-story-v2-20250701-101500/summer-story/summer-story-story_9x16.mp4",
    );
    await fireEvent.click(document.getElementById("export-close")!);
    expect(jobs.viewing).toBeNull();
  });

  it("shows an exported still's picture through the media protocol", async () => {
    fake.exportContents.mockResolvedValue({
      folder: "/home/sam/lib/exports/summer-fans/sam-v1/sam",
      files: ["credits.txt", "poster.jpg", "sam-feed_4x5.jpg"],
      credits: "",
      rights_report_csv: "",
      internal_report_csv: "",
      internal_report_path: null,
      credentials_files: [],
      video_url_paths: [],
      readiness: [],
    });
    render(ExportViewer, { folder: "/home/sam/lib/exports/summer-fans/sam-v1/sam" });
    await waitFor(() => expect($("img.export-picture")).not.toBeNull());
    expect($("img.export-picture")?.getAttribute("src")).toBe(
      "media://localhost/file/exports/summer-fans/sam-v1/sam/sam-feed_4x5.jpg",
    );
    expect($("video#export-player")).toBeNull();
    expect($("#export-credits")?.textContent).toBe("No credits were written.");
  });
});
