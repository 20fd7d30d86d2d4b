import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("./bindings", () => ({
  commands: {
    libraryOpen: vi.fn(),
    assetsRate: vi.fn(),
  },
  events: {
    ingestProgress: { listen: vi.fn() },
    jobFinished: { listen: vi.fn() },
    renderProgress: { listen: vi.fn() },
  },
}));

import { commands, events } from "./bindings";
import { ApiError, api, errorMessage, unwrap } from "./api";

describe("unwrap", () => {
  it("returns the data of a success", () => {
    expect(unwrap({ status: "ok", data: 42 })).toBe(42);
    expect(unwrap({ status: "ok", data: null })).toBeNull();
  });

  it("throws the engine's sentence as an ApiError", () => {
    const fail = () => unwrap({ status: "error", error: { kind: "io", message: "IMG_1.jpg: the file is cut short" } });
    expect(fail).toThrow(ApiError);
    expect(fail).toThrow("IMG_1.jpg: the file is cut short");
    try {
      fail();
    } catch (e) {
      expect((e as ApiError).kind).toBe("io");
    }
  });

  it("still says something when the message is empty", () => {
    expect(() => unwrap({ status: "error", error: { kind: "internal", message: "  " } })).toThrow(/try again/i);
  });
});

describe("api", () => {
  beforeEach(() => vi.clearAllMocks());

  it("passes arguments through and unwraps the answer", async () => {
    vi.mocked(commands.assetsRate).mockResolvedValue({ status: "ok", data: 4 });
    await expect(api.assetsRate([1, 2], 4)).resolves.toBe(4);
    expect(commands.assetsRate).toHaveBeenCalledWith([1, 2], 4);
  });

  it("turns a failed command into a thrown ApiError", async () => {
    vi.mocked(commands.libraryOpen).mockResolvedValue({
      status: "error",
      error: { kind: "invalid", message: "choose a folder (a full path) for the library" },
    });
    await expect(api.libraryOpen("lib")).rejects.toEqual(
      new ApiError("choose a folder (a full path) for the library", "invalid"),
    );
  });

  it("hands event payloads to the handler", async () => {
    const stop = vi.fn();
    vi.mocked(events.ingestProgress.listen).mockImplementation(async (cb) => {
      cb({ event: "ingest-progress", id: 1, payload: { job: 1, done: 0, total: 5, result: null } });
      return stop;
    });
    const seen: number[] = [];
    const unlisten = await api.onIngestProgress((p) => seen.push(p.total));
    expect(seen).toEqual([5]);
    unlisten();
    expect(stop).toHaveBeenCalled();
  });
});

describe("render events", () => {
  it("hand progress payloads to the handler", async () => {
    vi.mocked(events.renderProgress.listen).mockImplementation(async (cb) => {
      cb({
        event: "render-progress",
        id: 2,
        payload: { job: 4, kind: "export", piece_id: 11, fraction: 0.25, eta_ms: 3000 },
      });
      return () => {};
    });
    const seen: (number | null)[] = [];
    await api.onRenderProgress((p) => seen.push(p.fraction));
    expect(seen).toEqual([0.25]);
  });
});

describe("errorMessage", () => {
  it("reads errors, strings and anything else", () => {
    expect(errorMessage(new ApiError("no such folder"))).toBe("no such folder");
    expect(errorMessage("plain")).toBe("plain");
    expect(errorMessage({})).toMatch(/went wrong/);
  });
});
