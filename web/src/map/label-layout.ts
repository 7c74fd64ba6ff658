/**
 * Where the names of compounds and buildings go on the map, as plain maths (unit-tested):
 * a point inside each outline, a short name for a building (its number in a compound, else
 * its address without the province and city), and which labels to show so that none covers
 * another (most important first). The map draws them as DOM labels (`labels.ts`): the offline
 * style carries no glyphs, so a symbol layer could not draw Chinese text.
 */

export type Ring = readonly (readonly number[])[];

/** The area-weighted centroid of a ring; its first vertex for a ring of no area. */
export function ringCentroid(ring: Ring): [number, number] {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x0, y0] = ring[j];
    const [x1, y1] = ring[i];
    const cross = x0 * y1 - x1 * y0;
    a += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  if (Math.abs(a) < 1e-18) return [ring[0][0], ring[0][1]];
  return [cx / (3 * a), cy / (3 * a)];
}

/** Whether a point lies inside a ring (even-odd). */
export function inRing([x, y]: readonly number[], ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * A point to hang a label on inside a polygon's outer ring: its centroid when that is inside
 * (any convex outline), else the middle of the longest horizontal run through the ring at
 * the centroid's latitude.
 */
export function labelPoint(ring: Ring): [number, number] {
  const c = ringCentroid(ring);
  if (inRing(c, ring)) return c;
  const xs: number[] = [];
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > c[1] !== yj > c[1]) xs.push(((xj - xi) * (c[1] - yi)) / (yj - yi) + xi);
  }
  xs.sort((p, q) => p - q);
  let best: [number, number] = [ring[0][0], ring[0][1]];
  let widest = -1;
  for (let k = 0; k + 1 < xs.length; k += 2) {
    if (xs[k + 1] - xs[k] > widest) {
      widest = xs[k + 1] - xs[k];
      best = [(xs[k] + xs[k + 1]) / 2, c[1]];
    }
  }
  return best;
}

/** A building's short name: `3号楼` in a compound, else its address without province and city. */
export function buildingLabel(address: string): string {
  const numbered = /(\d+\s*(?:号楼|栋|幢|座))$/.exec(address.trim());
  if (numbered) return numbered[1].replace(/\s+/g, '');
  return address
    .trim()
    .replace(/^[^\d]{0,6}?省/, '')
    .replace(/^[^\d]{0,6}?市/, '');
}

/** About how wide a label is drawn, in CSS pixels (CJK characters twice as wide as Latin). */
export function labelWidth(text: string, fontPx: number): number {
  let w = 0;
  for (const ch of text) w += (ch.codePointAt(0) ?? 0) > 0x2e80 ? fontPx : fontPx * 0.6;
  return Math.ceil(w) + 8;
}

export interface LabelBox {
  /** Centre in screen pixels. */
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Which labels to show, in the order given (most important first): each that lies on the
 * screen (`width` × `height`) and overlaps none already shown, at most `max`.
 */
export function placeLabels(boxes: readonly LabelBox[], width: number, height: number, max: number): number[] {
  const shown: number[] = [];
  const taken: LabelBox[] = [];
  const overlaps = (a: LabelBox, b: LabelBox) => Math.abs(a.x - b.x) * 2 < a.w + b.w && Math.abs(a.y - b.y) * 2 < a.h + b.h;
  boxes.forEach((b, i) => {
    if (shown.length >= max) return;
    if (b.x - b.w / 2 < 0 || b.x + b.w / 2 > width || b.y - b.h / 2 < 0 || b.y + b.h / 2 > height) return;
    if (taken.some((t) => overlaps(t, b))) return;
    taken.push(b);
    shown.push(i);
  });
  return shown;
}
