import { deflateRawSync } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { inlineSafe, mimeTypeAllowed, sniffBytes, sniffMimeType } from "./file-sniff.js";

const text = (value: string) => new TextEncoder().encode(value);

function image(format: "png" | "jpeg" | "gif" | "webp") {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: "#3a7" } })
    .toFormat(format)
    .toBuffer();
}

/** The smallest file Windows loads as a PE: "MZ", e_lfanew at 0x3C, then "PE\0\0" and a COFF header. */
function portableExecutable(): Uint8Array {
  const bytes = Buffer.alloc(512);
  bytes.write("MZ", 0, "latin1");
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write("PE\0\0", 0x80, "latin1");
  bytes.writeUInt16LE(0x8664, 0x84); // Machine: x86-64
  return bytes;
}

/** A zip holding one stored file, "a.txt". */
function zip(): Uint8Array {
  const data = deflateRawSync("hello");
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(8, 8);
  header.writeUInt32LE(data.length, 18);
  header.writeUInt32LE(5, 22);
  header.writeUInt16LE(5, 26);
  return Buffer.concat([header, Buffer.from("a.txt"), data]);
}

describe("sniffMimeType", () => {
  it.each(["png", "jpeg", "gif", "webp"] as const)("knows a real %s", async (format) => {
    expect(await sniffMimeType(await image(format), "upload.bin")).toBe(`image/${format}`);
  });

  it("goes by the bytes, not the name", async () => {
    expect(await sniffMimeType(await image("png"), "photo.jpg")).toBe("image/png");
    expect(await sniffMimeType(await image("jpeg"), "notes.txt")).toBe("image/jpeg");
  });

  it("knows a PDF from its header", async () => {
    expect(await sniffMimeType(text("%PDF-1.7\n1 0 obj\n<< >>\nendobj\n"), "doc.pdf")).toBe(
      "application/pdf",
    );
  });

  it("never takes a renamed executable for an image", async () => {
    expect(await sniffMimeType(portableExecutable(), "photo.png")).toBe("application/x-msdownload");
    expect(await sniffMimeType(portableExecutable(), "notes.txt")).toBe("application/x-msdownload");
  });

  it("knows a zip", async () => {
    expect(await sniffMimeType(zip(), "photo.png")).toBe("application/zip");
  });

  it.each([
    ["notes.txt", "hello, world\n", "text/plain"],
    ["table.csv", "name,age\nann,41\n", "text/csv"],
    ["data.json", '{"a":[1,2,3]}', "application/json"],
    ["README.md", "# Title\n\nSome *text*.\n", "text/markdown"],
    ["page.HTML", "<!doctype html><p>hi</p>", "text/html"],
    ["app.mjs", "export const a = 1;\n", "text/javascript"],
    ["config.yml", "a: 1\n", "application/yaml"],
    ["style.css", "p { color: red }", "text/css"],
    ["notes", "no extension at all", "text/plain"],
    ["program.exe", "just text in an .exe", "text/plain"],
    ["cars.csv", "BMW,Audi\n1,2\n", "text/csv"],
    ["memes.txt", "GIFs are fun\n", "text/plain"],
  ])("treats text named %s as its extension says", async (name, content, type) => {
    expect(await sniffMimeType(text(content), name)).toBe(type);
  });

  it("calls text SVG only when it holds an <svg> element and is named .svg", async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    expect(await sniffMimeType(text(svg), "logo.svg")).toBe("image/svg+xml");
    expect(await sniffMimeType(text(`<?xml version="1.0"?>\n${svg}`), "logo.svg")).toBe(
      "image/svg+xml",
    );
    expect(await sniffMimeType(text(svg), "logo.txt")).toBe("text/plain");
    expect(await sniffMimeType(text("not a picture"), "logo.svg")).toBe("text/plain");
    expect(await sniffMimeType(text('<?xml version="1.0"?><a/>'), "data.txt")).toBe(
      "application/xml",
    );
  });

  it("calls binary it cannot name application/octet-stream", async () => {
    const garbage = new Uint8Array(sniffBytes);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 251;
    expect(await sniffMimeType(garbage, "data.txt")).toBe("application/octet-stream");
    expect(await sniffMimeType(text("text\u0000with a NUL"), "a.txt")).toBe(
      "application/octet-stream",
    );
    expect(await sniffMimeType(new Uint8Array([0xc3, 0x28, 0x41]), "a.txt")).toBe(
      "application/octet-stream",
    );
  });

  it("keeps text whose last character is cut by the end of the head", async () => {
    const full = text(`${"a".repeat(sniffBytes - 1)}€`);
    const head = full.subarray(0, sniffBytes);
    expect(head.at(-1)).toBe(0xe2); // the first of the euro sign's three bytes
    expect(await sniffMimeType(head, "long.txt")).toBe("text/plain");
  });

  it("calls an empty file text/plain", async () => {
    expect(await sniffMimeType(new Uint8Array(0), "empty.png")).toBe("text/plain");
  });
});

describe("mimeTypeAllowed", () => {
  it.each([
    ["image/png", [], true],
    ["image/png", ["image/png"], true],
    ["image/png", ["image/*"], true],
    ["Image/PNG", ["image/png"], true],
    ["image/png", ["IMAGE/*"], true],
    ["text/plain; charset=utf-8", ["text/plain"], true],
    ["text/plain", ["text/plain; charset=utf-8"], true],
    ["application/pdf", ["image/*", "application/pdf"], true],
    ["application/pdf", ["*/*"], true],
    ["image/svg+xml", ["image/png", "image/jpeg"], false],
    ["application/x-msdownload", ["image/*"], false],
    ["imagex/png", ["image/*"], false],
    ["image/png", ["image/pn"], false],
  ] as const)("%s in %j → %s", (type, allowed, expected) => {
    expect(mimeTypeAllowed(type, allowed)).toBe(expected);
  });
});

describe("inlineSafe", () => {
  it.each([
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/bmp",
    "image/x-icon",
    "video/mp4",
    "audio/mpeg",
    "application/pdf",
    "text/plain",
    "Text/Plain; charset=utf-8",
  ])("shows %s inline", (type) => {
    expect(inlineSafe(type)).toBe(true);
  });

  it.each([
    "image/svg+xml",
    "text/html",
    "application/xhtml+xml",
    "application/xml",
    "text/xml",
    "text/javascript",
    "application/javascript",
    "application/json",
    "text/css",
    "text/csv",
    "application/octet-stream",
    "application/x-msdownload",
    "video/",
    "",
  ])("downloads %j as an attachment", (type) => {
    expect(inlineSafe(type)).toBe(false);
  });
});
