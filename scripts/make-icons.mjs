// Draws the app's PNG icons (web/public/icon-192.png, icon-512.png) from the favicon's shape:
// the white "Y" on the accent blue, full-bleed and inside the central 80 % so the same file
// serves as a maskable icon. Run once by hand (`node scripts/make-icons.mjs`); the PNGs are
// committed. Only node:zlib: a PNG is a deflated RGBA raster with CRC-checked chunks.
import { writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

const PUBLIC = new URL('../web/public/', import.meta.url).pathname;
const BLUE = [0x2f, 0x5b, 0xd3];
// The favicon's strokes on its 32-unit grid (web/public/favicon.svg), stroke width 3.
const SEGMENTS = [
  [9, 8, 16, 17],
  [23, 8, 16, 17],
  [16, 17, 16, 25],
];
const HALF_STROKE = 1.5;
/** The favicon's shape shrunk into the maskable safe zone. */
const SCALE = 0.7;

function distance(px, py, [ax, ay, bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

function png(size) {
  const unit = size / 32;
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0 (none), then RGBA
    for (let x = 0; x < size; x++) {
      // Pixel centre on the favicon's grid, scaled about the centre (16, 16).
      const gx = 16 + ((x + 0.5) / unit - 16) / SCALE;
      const gy = 16 + ((y + 0.5) / unit - 16) / SCALE;
      const d = Math.min(...SEGMENTS.map((segment) => distance(gx, gy, segment)));
      // Anti-aliased edge: coverage over about one pixel.
      const cover = Math.max(0, Math.min(1, (HALF_STROKE - d) * unit * SCALE + 0.5));
      const offset = 1 + x * 4;
      for (let c = 0; c < 3; c++) row[offset + c] = Math.round(BLUE[c] + (255 - BLUE[c]) * cover);
      row[offset + 3] = 255;
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

for (const size of [192, 512]) writeFileSync(`${PUBLIC}icon-${size}.png`, png(size));
