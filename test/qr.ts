// Decoding a QR code out of a PNG (jsqr over pngjs), as a phone scanning the printed licence would.
import jsQRModule from "jsqr";
import { PNG } from "pngjs";

const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ??
  jsQRModule) as unknown as typeof import("jsqr").default;

/** The text of the QR code in the PNG, or undefined when none is found. */
export function decodeQrPng(png: Uint8Array): string | undefined {
  const img = PNG.sync.read(Buffer.from(png));
  return jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height)
    ?.data;
}
