import { Readable } from "node:stream";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import {
  isThumbnailError,
  makeThumbnail,
  parseThumbSpec,
  type ThumbSpec,
  thumbableTypes,
} from "./file-thumb.js";

describe("parseThumbSpec", () => {
  it.each([
    ["100x100", { width: 100, height: 100, mode: "center", text: "100x100" }],
    ["100x50t", { width: 100, height: 50, mode: "top", text: "100x50t" }],
    ["100x50b", { width: 100, height: 50, mode: "bottom", text: "100x50b" }],
    ["200x200f", { width: 200, height: 200, mode: "fit", text: "200x200f" }],
    ["0x300", { width: 0, height: 300, mode: "center", text: "0x300" }],
    ["300x0", { width: 300, height: 0, mode: "center", text: "300x0" }],
    ["0100x050", { width: 100, height: 50, mode: "center", text: "100x50" }],
    ["4000x4000", { width: 4000, height: 4000, mode: "center", text: "4000x4000" }],
  ])("%s", (spec, parsed) => {
    expect(parseThumbSpec(spec)).toEqual(parsed);
  });

  it.each([
    "0x0",
    "0x0f",
    "4001x10",
    "10x4001",
    "99999999999999999999x1",
    "100",
    "100x",
    "x100",
    "100x100x",
    "100X100",
    "100x100c",
    "100x100ft",
    " 100x100",
    "-1x100",
    "1.5x100",
    "",
  ])("rejects %j", (spec) => {
    expect(parseThumbSpec(spec)).toBeUndefined();
  });
});

type Format = "png" | "jpeg" | "webp" | "gif";
const formats: Format[] = ["png", "jpeg", "webp", "gif"];
const images = {} as Record<Format, Buffer>;

/** 300×200: a red top half over a blue bottom half, so crops can be told apart. */
beforeAll(async () => {
  const bottom = await sharp({
    create: { width: 300, height: 100, channels: 3, background: "#0000ff" },
  })
    .png()
    .toBuffer();
  const base = await sharp({
    create: { width: 300, height: 200, channels: 3, background: "#ff0000" },
  })
    .composite([{ input: bottom, top: 100, left: 0 }])
    .png()
    .toBuffer();
  for (const format of formats) images[format] = await sharp(base).toFormat(format).toBuffer();
});

const spec = (text: string): ThumbSpec => {
  const parsed = parseThumbSpec(text);
  if (!parsed) throw new Error(`bad spec ${text}`);
  return parsed;
};

async function size(body: Buffer) {
  const { width, height, format } = await sharp(body).metadata();
  return { width, height, format };
}

describe("makeThumbnail", () => {
  it.each([
    ["100x100", 100, 100],
    ["100x100t", 100, 100],
    ["100x100b", 100, 100],
    ["100x100f", 100, 67],
    ["0x50", 75, 50],
    ["150x0", 150, 100],
    ["1000x1000", 300, 200],
    ["1000x1000f", 300, 200],
    ["0x4000", 300, 200],
  ])("%s on a 300×200 image → %i×%i in every format", async (text, width, height) => {
    for (const format of formats) {
      const mimeType = `image/${format}`;
      const out = await makeThumbnail(images[format], spec(text), mimeType);
      expect(out.contentType).toBe(mimeType);
      expect(await size(out.body)).toEqual({ width, height, format });
    }
  });

  it("keeps the top or the bottom when asked", async () => {
    const colour = async (text: string) => {
      const { body } = await makeThumbnail(images.png, spec(text), "image/png");
      const { dominant } = await sharp(body).stats();
      return dominant;
    };
    const top = await colour("200x50t");
    const bottom = await colour("200x50b");
    expect(top.r).toBeGreaterThan(200);
    expect(top.b).toBeLessThan(50);
    expect(bottom.b).toBeGreaterThan(200);
    expect(bottom.r).toBeLessThan(50);
  });

  it("reads from a stream", async () => {
    const out = await makeThumbnail(Readable.from([images.jpeg]), spec("100x100"), "image/jpeg");
    expect(await size(out.body)).toEqual({ width: 100, height: 100, format: "jpeg" });
  });

  it("passes on a stream's own failure", async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error("storage went away"));
      },
    });
    const result = makeThumbnail(failing, spec("100x100"), "image/png");
    await expect(result).rejects.toThrow("storage went away");
    await expect(result).rejects.not.toSatisfy(isThumbnailError);
  });

  it("turns the image upright and drops its metadata", async () => {
    // 300×200 stored with EXIF orientation 6 (rotate 90° clockwise to view): it looks 200×300.
    const rotated = await sharp(images.jpeg)
      .withMetadata({ orientation: 6, exif: { IFD0: { Artist: "Ann" } } })
      .jpeg()
      .toBuffer();
    const out = await makeThumbnail(rotated, spec("0x150"), "image/jpeg");
    const meta = await sharp(out.body).metadata();
    expect({ width: meta.width, height: meta.height }).toEqual({ width: 100, height: 150 });
    expect(meta.orientation).toBeUndefined();
    expect(meta.exif).toBeUndefined();
  });

  it.each(["gif", "webp"] as const)(
    "keeps only the first frame of an animated %s",
    async (format) => {
      const frame = (background: string) =>
        sharp({ create: { width: 300, height: 200, channels: 3, background } })
          .png()
          .toBuffer();
      const animated = await sharp([await frame("#ff0000"), await frame("#0000ff")], {
        join: { animated: true },
      })
        .toFormat(format)
        .toBuffer();
      expect((await sharp(animated).metadata()).pages).toBe(2);
      const out = await makeThumbnail(animated, spec("100x100"), `image/${format}`);
      const meta = await sharp(out.body).metadata();
      expect(meta.pages ?? 1).toBe(1);
      expect({ width: meta.width, height: meta.height }).toEqual({ width: 100, height: 100 });
      const { dominant } = await sharp(out.body).stats();
      expect(dominant.r).toBeGreaterThan(200);
    },
  );

  it("rejects a corrupt JPEG", async () => {
    const garbage = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.from("this is not the rest of a JPEG file"),
    ]);
    const result = makeThumbnail(garbage, spec("100x100"), "image/jpeg");
    await expect(result).rejects.toSatisfy(isThumbnailError);
    await expect(result).rejects.toThrow(/^Cannot make a thumbnail: .*corrupt header/);
    const truncated = images.jpeg.subarray(0, images.jpeg.length / 2);
    await expect(makeThumbnail(truncated, spec("100x100"), "image/jpeg")).rejects.toSatisfy(
      isThumbnailError,
    );
  });

  it("refuses to decode a pixel bomb", async () => {
    // A real JPEG whose frame header claims 10 000 × 10 000 pixels (100 megapixels).
    const bomb = Buffer.from(images.jpeg);
    const sof = bomb.indexOf(Buffer.from([0xff, 0xc0]));
    expect(sof).toBeGreaterThan(0);
    bomb.writeUInt16BE(10_000, sof + 5);
    bomb.writeUInt16BE(10_000, sof + 7);
    const result = makeThumbnail(bomb, spec("100x100"), "image/jpeg");
    await expect(result).rejects.toSatisfy(isThumbnailError);
    await expect(result).rejects.toThrow(/pixel limit/);
  });

  it("refuses a type it cannot thumbnail", async () => {
    await expect(makeThumbnail(images.png, spec("100x100"), "image/svg+xml")).rejects.toSatisfy(
      isThumbnailError,
    );
    expect(thumbableTypes).not.toContain("image/svg+xml");
  });
});
