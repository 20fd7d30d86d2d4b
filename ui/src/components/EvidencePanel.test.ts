import { render, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";

const fake = vi.hoisted(() => ({
  rightsEvidence: vi.fn(),
  rightsEvidenceOpen: vi.fn(),
}));
vi.mock(import("../lib/api"), async (original) => ({ ...(await original()), api: fake as never }));

import EvidencePanel from "./EvidencePanel.svelte";

const base = { grant_id: 7, decision: "granted", given_at: "2026-06-20T09:00:00Z", file: null, mail: null, form: null };

describe("EvidencePanel", () => {
  beforeEach(() => vi.clearAllMocks());

  it("shows a reply e-mail as text, never as HTML", async () => {
    fake.rightsEvidence.mockResolvedValue({
      ...base,
      source: "email",
      text: "Yes",
      file: { hash: "ab", kind: "mail", bytes: 900 },
      mail: {
        from: "ana@example.com",
        name: "Ana Souza",
        to: ["rights@brand.example"],
        subject: "Re: May we feature your clip?",
        date: "2026-06-20T09:00:00Z",
        body: "Yes, go ahead! <img src=x onerror=alert(1)>",
        own_words: "Yes, go ahead!",
      },
    });
    render(EvidencePanel, { grantId: 7 });
    await waitFor(() => expect(document.querySelector(".mail-body")).not.toBeNull());
    expect(document.querySelector(".mail-from")?.textContent).toBe("Ana Souza <ana@example.com>");
    expect(document.querySelector(".mail-subject")?.textContent).toBe("Re: May we feature your clip?");
    expect(document.querySelector(".mail-body")?.textContent).toContain("<img src=x");
    expect(document.querySelector(".mail-body img")).toBeNull();
    expect(fake.rightsEvidence).toHaveBeenCalledWith(7);
  });

  it("shows the form's row for consent given on the form", async () => {
    fake.rightsEvidence.mockResolvedValue({
      ...base,
      source: "form",
      text: "I agree",
      form: {
        file_name: "beach.mp4",
        submitted_at: "2026-06-01T10:00:00Z",
        recorded_at: "2026-06-02T10:00:00Z",
        consent_text: "I agree that BrandCo may use my clip",
        name: "Ana Souza",
        email: "ana@example.com",
        handle: "@ana",
      },
    });
    render(EvidencePanel, { grantId: 7 });
    await waitFor(() => expect(document.querySelector(".form-row")).not.toBeNull());
    expect(document.querySelector(".consent")?.textContent).toBe("I agree that BrandCo may use my clip");
    expect(document.body.textContent).toContain("beach.mp4");
  });

  it("offers a PDF release to open, and says what went wrong", async () => {
    fake.rightsEvidence.mockResolvedValue({ ...base, source: "release", text: null, file: { hash: "cd", kind: "pdf", bytes: 40_000 } });
    fake.rightsEvidenceOpen.mockRejectedValue(new Error("no program opens it"));
    render(EvidencePanel, { grantId: 7 });
    await waitFor(() => expect(document.getElementById("evidence-open-7")).not.toBeNull());
    expect(document.body.textContent).toContain("A PDF (39 KB)");
    document.getElementById("evidence-open-7")!.click();
    await waitFor(() => expect(document.querySelector(".error")?.textContent).toContain("no program opens it"));
  });
});
