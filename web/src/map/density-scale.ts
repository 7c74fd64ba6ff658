/**
 * The density heat's colour classes as plain numbers (no map here, so unit tests run them):
 * fixed densities per km², turned into counts per cell for a zoom and latitude.
 */

/** Incidents per km² (in the period chosen) where each class begins: fixed, so a colour means
 * the same at every screen size, on every visit and for every leader. The first class holds any
 * cell with an incident. */
export const DENSITY_PER_KM2 = [0, 20, 100, 500, 2_000, 10_000];

/** Cells per tile side: the server's default binning of `/tiles/density`. */
export const CELLS_PER_TILE = 32;

/** One class: the fewest incidents a cell needs for it at this zoom, and its density. */
export interface DensityClass {
  count: number;
  perKm2: number;
}

/** The classes at one zoom and the side of a cell there. */
export interface DensityScale {
  classes: DensityClass[];
  cellM: number;
}

/** A density cell's side in metres at map zoom `zoom` (its tiles are of zoom ⌊zoom⌋) and latitude `lat`. */
export function cellSideM(zoom: number, lat: number): number {
  const tileZoom = Math.max(0, Math.min(18, Math.floor(zoom)));
  return (40_075_016.686 * Math.cos((lat * Math.PI) / 180)) / 2 ** tileZoom / CELLS_PER_TILE;
}

/**
 * The fixed density classes as counts per cell at a zoom: a class begins at the count that
 * reaches its density in a cell (at least one incident); classes that fall on the same count
 * when zoomed in (cells hold few incidents there) are one.
 */
export function densityScale(zoom: number, lat: number): DensityScale {
  const cellM = cellSideM(zoom, lat);
  const km2 = (cellM / 1000) ** 2;
  const classes: DensityClass[] = [];
  for (const perKm2 of DENSITY_PER_KM2) {
    const count = Math.max(1, Math.ceil(perKm2 * km2 - 1e-9));
    const last = classes[classes.length - 1];
    if (last && count <= last.count) continue;
    classes.push({ count, perKm2 });
  }
  return { classes, cellM };
}


/** Whether two scales colour cells alike (the same counts begin the same classes). */
export function sameClasses(a: readonly DensityClass[], b: readonly DensityClass[]): boolean {
  return a.length === b.length && a.every((c, i) => c.count === b[i].count);
}
