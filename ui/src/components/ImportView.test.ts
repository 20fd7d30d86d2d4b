import { fireEvent, render, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { IngestProgress, JobFinished } from "../lib/bindings";

const bus = vi.hoisted(() => ({
  progress: (_p: IngestProgress) => {},
  finished: (_f: JobFinished) => {},
}));

const fake = vi.hoisted(() => ({
  ingestStart: vi.fn(),
  formPreview: vi.fn(),
  jobCancel: vi.fn(),
  onIngestProgress: vi.fn(async (h: (p: IngestProgress) => void) => {
    bus.progress = h;
    return () => {};
  }),
  onJobFinished: vi.fn(async (h: (f: JobFinished) => void) => {
    bus.finished = h;
    return () => {};
  }),
}));

vi.mock(import("../lib/api"), async (original) => ({ ...(await original()), api: fake as never }));

import { clearImport, listenForImports } from "../lib/importer.svelte";
import ImportView from "./ImportView.svelte";

const byId = (id: string) => document.getElementById(id);

describe("ImportView", () => {
  beforeEach(async () => {
    vi.clearAllMocks();
    clearImport();
    await listenForImports();
  });

  it("imports a typed path and lists every file's result", async () => {
    fake.ingestStart.mockResolvedValue(1);
    render(ImportView);
    await fireEvent.input(byId("import-path")!, { target: { value: "/home/sam/in" } });
    await fireEvent.click(byId("import-start")!);
    expect(fake.ingestStart).toHaveBeenCalledWith(["/home/sam/in"], null, null);
    await waitFor(() => expect(byId("import-cancel")).not.toBeNull());

    bus.progress({ job: 1, done: 0, total: 2, result: null });
    bus.progress({
      job: 1,
      done: 1,
      total: 2,
      result: { path: "/home/sam/in/a.jpg", status: "ingested", asset_id: 4, duplicate_of: null, error_kind: null, error: null },
    });
    bus.progress({
      job: 1,
      done: 2,
      total: 2,
      result: {
        path: "/home/sam/in/b.mov",
        status: "error",
        asset_id: null,
        duplicate_of: null,
        error_kind: "truncated",
        error: "The clip ends early: ask the contributor to send it again.",
      },
    });
    await waitFor(() => expect(byId("import-progress")?.textContent).toBe("2 / 2"));
    const rows = document.querySelectorAll<HTMLElement>("#import-results tr.result");
    expect([...rows].map((r) => r.dataset.status)).toEqual(["ingested", "error"]);
    expect(rows[1].textContent).toContain("b.mov");
    expect(rows[1].textContent).toContain("ask the contributor to send it again");

    bus.finished({
      job: 1,
      kind: "ingest",
      cancelled: false,
      error: null,
      ingest: { run_id: 1, files: 2, ingested: 1, duplicate: 0, near_duplicate: 0, error: 1, skipped_hidden: 0, cancelled: false },
      output: null,
      output_url_path: null,
    });
    await waitFor(() => expect(byId("import-summary")?.textContent).toContain("1 imported"));
    expect(byId("import-cancel")).toBeNull();
    expect(byId("import-start")).not.toBeNull();
  });

  it("shows how the form's columns are read, takes a change, and sends the reading along", async () => {
    const reading = [
      { field: "name", columns: [] },
      { field: "files", columns: [2] },
    ];
    fake.formPreview.mockImplementation(async (_path: string, mapping: unknown) => ({
      path: "/in/form.csv",
      headers: ["Timestamp", "Who are you", "Upload your photo"],
      mapping: mapping ?? reading,
      remembered: false,
      rows: [
        {
          line: 2,
          name: mapping ? "Ana Souza" : null,
          email: null,
          handle: null,
          files: ["a.jpg", "b.jpg"],
          age: "unknown",
          consent: null,
          submitted_at: "2026-06-02",
        },
      ],
      people: 1,
      problems: ["no column gives an age: every contributor is \"age unknown\""],
    }));
    fake.ingestStart.mockResolvedValue(2);
    render(ImportView);
    await fireEvent.input(byId("import-path")!, { target: { value: "/in" } });
    await fireEvent.input(byId("import-manifest")!, { target: { value: "/in/form.csv" } });
    await waitFor(() => expect(byId("form-mapping")).not.toBeNull());
    expect(byId("form-preview")?.textContent).toContain("2 files");
    expect(byId("form-problems")?.textContent).toContain("age unknown");
    await fireEvent.change(byId("map-name")!, { target: { value: "1" } });
    await waitFor(() => expect(byId("form-preview")?.textContent).toContain("Ana Souza"));
    await fireEvent.click(byId("import-start")!);
    expect(fake.ingestStart).toHaveBeenCalledWith(["/in"], "/in/form.csv", [
      { field: "name", columns: [1] },
      { field: "files", columns: [2] },
    ]);
  });

  it("asks for something to import before starting", async () => {
    render(ImportView);
    await fireEvent.click(byId("import-start")!);
    expect(fake.ingestStart).not.toHaveBeenCalled();
    expect(document.querySelector(".error")?.textContent).toMatch(/choose a folder or files/i);
  });

  it("cancels a running import", async () => {
    fake.ingestStart.mockResolvedValue(5);
    fake.jobCancel.mockResolvedValue(true);
    render(ImportView);
    await fireEvent.input(byId("import-path")!, { target: { value: "/in" } });
    await fireEvent.click(byId("import-start")!);
    await waitFor(() => expect(byId("import-cancel")).not.toBeNull());
    await fireEvent.click(byId("import-cancel")!);
    expect(fake.jobCancel).toHaveBeenCalledWith(5);
  });
});
