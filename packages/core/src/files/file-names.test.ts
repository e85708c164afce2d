import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  contentDisposition,
  originalFileName,
  randomNameSuffix,
  storedFileName,
} from "./file-names.js";

const fixed = () => "k3j9x0a1bq";
const storedPattern = /^[\w.-]{1,200}$/;

function expectSafe(stored: string) {
  expect(stored).toMatch(storedPattern);
  expect(stored.startsWith(".")).toBe(false);
  expect(stored).not.toContain("..");
  expect(stored).not.toMatch(/[/\\]/);
}

describe("storedFileName", () => {
  it.each([
    ["holiday photo.JPG", "holiday_photo_k3j9x0a1bq.jpg"],
    ["report.pdf", "report_k3j9x0a1bq.pdf"],
    ["../../etc/passwd", "passwd_k3j9x0a1bq"],
    ["..\\..\\win.ini", "win_k3j9x0a1bq.ini"],
    ["C:\\Users\\ann\\My Report.docx", "My_Report_k3j9x0a1bq.docx"],
    [".htaccess", "htaccess_k3j9x0a1bq"],
    ["...", "file_k3j9x0a1bq"],
    ["", "file_k3j9x0a1bq"],
    ["dir/", "file_k3j9x0a1bq"],
    ["😀😀😀.png", "file_k3j9x0a1bq.png"],
    ["😀", "file_k3j9x0a1bq"],
    ["\u202E", "file_k3j9x0a1bq"],
    ["invoice\u202Efdp.exe", "invoice_fdp_k3j9x0a1bq.exe"],
    ["\u0000\u0000", "file_k3j9x0a1bq"],
    ["a\u0000b.txt", "a_b_k3j9x0a1bq.txt"],
    ["\u200B\u200C\u200D\uFEFF", "file_k3j9x0a1bq"],
    ["CON", "CON_k3j9x0a1bq"],
    ["a.tar.gz", "a_tar_k3j9x0a1bq.gz"],
    ["x.JPEG", "x_k3j9x0a1bq.jpeg"],
    ["Café Crème.txt", "Cafe_Creme_k3j9x0a1bq.txt"],
    ["ｆｕｌｌｗｉｄｔｈ.ｐｎｇ", "fullwidth_k3j9x0a1bq.png"],
    ["__a__b__.md", "a_b_k3j9x0a1bq.md"],
    ["my-file_v2.csv", "my-file_v2_k3j9x0a1bq.csv"],
    ["photo.", "photo_k3j9x0a1bq"],
    ["archive.verylongextension", "archive_verylongextension_k3j9x0a1bq"],
    ["notes.t x t", "notes_t_x_t_k3j9x0a1bq"],
    ["v1.5 notes", "v1_5_notes_k3j9x0a1bq"],
    ["résumé.PDF", "resume_k3j9x0a1bq.pdf"],
    ["\ud800.txt", "file_k3j9x0a1bq.txt"],
  ])("%j → %s", (input, stored) => {
    expect(storedFileName(input, fixed)).toBe(stored);
    expectSafe(stored);
  });

  it("cuts a 10 000-character name to a 100-character base", () => {
    const stored = storedFileName(`${"a".repeat(10_000)}.png`, fixed);
    expect(stored).toBe(`${"a".repeat(100)}_k3j9x0a1bq.png`);
    expectSafe(stored);
    expectSafe(storedFileName("😀".repeat(10_000), fixed));
    expectSafe(storedFileName(".".repeat(10_000), fixed));
  });

  it("does not leave a trailing underscore where the cut falls", () => {
    const stored = storedFileName(`${"a".repeat(99)} b.txt`, fixed);
    expect(stored).toBe(`${"a".repeat(99)}_k3j9x0a1bq.txt`);
  });

  it("adds 10 random [a-z0-9] characters by default, different each time", () => {
    const names = new Set(Array.from({ length: 50 }, () => storedFileName("photo.jpg")));
    expect(names.size).toBe(50);
    for (const name of names) expect(name).toMatch(/^photo_[a-z0-9]{10}\.jpg$/);
    expect(randomNameSuffix()).toMatch(/^[a-z0-9]{10}$/);
  });

  it("refuses a random source that breaks the name's shape", () => {
    expect(() => storedFileName("a.txt", () => "../x")).toThrow();
  });

  it("is always safe, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (input) => {
        expectSafe(storedFileName(input, fixed));
      }),
      { numRuns: 500 },
    );
  });
});

describe("originalFileName", () => {
  it.each([
    ["Report 2026.pdf", "Report 2026.pdf"],
    ["C:\\Users\\ann\\Report.pdf", "Report.pdf"],
    ["../../etc/passwd", "passwd"],
    ["  spaced  .txt  ", "spaced  .txt"],
    ["invoice\u202Efdp.exe", "invoicefdp.exe"],
    ["a\u0000b\r\n.txt", "ab.txt"],
    ["\u2066x\u2069.png", "x.png"],
    ["Grüße.pdf", "Grüße.pdf"],
    ["😀.png", "😀.png"],
    ["", "file"],
    ["..", "file"],
    ["dir/", "file"],
    ["\u202E\u0000", "file"],
  ])("%j → %j", (input, display) => {
    expect(originalFileName(input)).toBe(display);
  });

  it("keeps at most 255 characters, never half a surrogate pair", () => {
    expect(originalFileName("a".repeat(10_000))).toBe("a".repeat(255));
    const emoji = originalFileName("😀".repeat(300));
    expect(Array.from(emoji)).toHaveLength(255);
    expect(emoji).toBe("😀".repeat(255));
  });
});

describe("contentDisposition", () => {
  it("gives an ASCII fallback and the exact name", () => {
    expect(contentDisposition("attachment", "report.pdf")).toBe(
      `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`,
    );
    expect(contentDisposition("inline", "Grüße 2026.pdf")).toBe(
      `inline; filename="Gru_e 2026.pdf"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%202026.pdf`,
    );
  });

  it("escapes what RFC 5987 reserves and encodeURIComponent does not", () => {
    expect(contentDisposition("attachment", "it's (1)*.txt")).toBe(
      `attachment; filename="it's (1)*.txt"; filename*=UTF-8''it%27s%20%281%29%2A.txt`,
    );
  });

  it("cannot be broken out of", () => {
    const header = contentDisposition(
      "attachment",
      'a"; filename="evil.html\r\nX-Injected: 1\\%41',
    );
    expect(header).toBe(
      `attachment; filename="a_; filename=_evil.html__X-Injected: 1__41"; ` +
        `filename*=UTF-8''a%22%3B%20filename%3D%22evil.html%0D%0AX-Injected%3A%201%5C%2541`,
    );
    expect(header).not.toMatch(/[\r\n]/);
  });

  it("turns each non-ASCII character into one underscore and survives lone surrogates", () => {
    expect(contentDisposition("inline", "😀.png")).toBe(
      `inline; filename="_.png"; filename*=UTF-8''%F0%9F%98%80.png`,
    );
    expect(contentDisposition("inline", "\ud800.png")).toBe(
      `inline; filename="_.png"; filename*=UTF-8''%EF%BF%BD.png`,
    );
  });

  it("is a valid header value for any name", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 100 }), (name) => {
        const header = contentDisposition("attachment", name);
        expect(header).toMatch(
          /^attachment; filename="[\x20\x21\x23-\x5B\x5D-\x7E]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+.^_`|~%-]*$/,
        );
      }),
      { numRuns: 1000 },
    );
  });
});
