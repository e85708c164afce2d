import { errorCatalogue } from "@cairn/schema";
import { describe, expect, it } from "vitest";
import { CairnError, errors, isCairnError } from "./errors.js";

describe("CairnError", () => {
  it("takes its HTTP status from the catalogue", () => {
    expect(errors.notFound().status).toBe(404);
    expect(errors.validation({ title: { code: "required", message: "x" } }).status).toBe(400);
    expect(errors.payloadTooLarge(10).status).toBe(413);
    for (const [code, status] of Object.entries(errorCatalogue)) {
      expect(new CairnError(code as keyof typeof errorCatalogue, "m").status).toBe(status);
    }
  });

  it("is recognised by its brand, even as a copy from another module instance", () => {
    expect(isCairnError(errors.forbidden())).toBe(true);
    expect(isCairnError(new Error("plain"))).toBe(false);
    expect(isCairnError({ code: "NOT_FOUND" })).toBe(false);
    const foreign = Object.assign(new Error("x"), { [Symbol.for("cairn.error")]: true });
    expect(isCairnError(foreign)).toBe(true);
  });
});
