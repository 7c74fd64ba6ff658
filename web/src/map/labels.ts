/**
 * Names of compounds (from zoom 15.5) and buildings (from zoom 17) drawn as DOM labels over
 * the map, kept on their places as the map moves, most important first and none covering
 * another (`label-layout.ts`). The offline style has no glyphs, so MapLibre's symbol layers
 * cannot draw them; a few dozen absolutely placed elements can, in any language.
 */
import type * as maplibregl from 'maplibre-gl';
import type { BuildingCollection, CompoundCollection } from '../api/types';
import { buildingLabel, labelPoint, labelWidth, placeLabels, type LabelBox } from './label-layout';

export const COMPOUND_LABEL_ZOOM = 15.5;
export const BUILDING_LABEL_ZOOM = 17;
/** The most labels on the map at once. */
const MAX_LABELS = 120;

interface Candidate {
  id: string;
  text: string;
  kind: 'compound' | 'building';
  at: [number, number];
  weight: number;
}

export interface Labels {
  /** The places loaded for the view; labels follow them. */
  setData: (compounds: CompoundCollection, buildings: BuildingCollection) => void;
}

function outerRing(g: { type: string; coordinates: unknown }): number[][] | null {
  if (g.type === 'Polygon') return (g.coordinates as number[][][])[0] ?? null;
  if (g.type === 'MultiPolygon') {
    // The largest part by vertex count is a fair stand-in for the largest by area.
    const parts = g.coordinates as number[][][][];
    return parts.reduce<number[][] | null>((best, p) => (!best || p[0].length > best.length ? p[0] : best), null);
  }
  return null;
}

export function addLabels(map: maplibregl.Map): Labels {
  const container = map.getContainer();
  const overlay = document.createElement('div');
  overlay.className = 'map-labels';
  overlay.setAttribute('aria-hidden', 'true');
  container.insertBefore(overlay, container.querySelector('.maplibregl-control-container'));
  let candidates: Candidate[] = [];
  const elements = new Map<string, HTMLElement>();
  let queued = false;

  function draw(): void {
    queued = false;
    const zoom = map.getZoom();
    const { clientWidth: width, clientHeight: height } = container;
    const wanted = candidates.filter((c) => zoom >= (c.kind === 'compound' ? COMPOUND_LABEL_ZOOM : BUILDING_LABEL_ZOOM));
    const boxes: LabelBox[] = wanted.map((c) => {
      const p = map.project(c.at);
      const font = c.kind === 'compound' ? 13 : 11;
      return { x: p.x, y: p.y, w: labelWidth(c.text, font), h: font + 6 };
    });
    const shown = new Set<string>();
    for (const i of placeLabels(boxes, width, height, MAX_LABELS)) {
      const c = wanted[i];
      shown.add(c.id);
      let el = elements.get(c.id);
      if (!el) {
        el = document.createElement('span');
        el.className = `map-label map-label-${c.kind}`;
        el.textContent = c.text;
        el.dataset.id = c.id;
        overlay.append(el);
        elements.set(c.id, el);
      }
      el.style.transform = `translate(${Math.round(boxes[i].x)}px, ${Math.round(boxes[i].y)}px) translate(-50%, -50%)`;
    }
    for (const [id, el] of elements) {
      if (!shown.has(id)) {
        el.remove();
        elements.delete(id);
      }
    }
    container.dataset.labels = String(shown.size);
  }

  function queue(): void {
    if (queued) return;
    queued = true;
    requestAnimationFrame(draw);
  }

  map.on('move', queue);
  map.on('resize', queue);

  return {
    setData(compounds, buildings) {
      const next: Candidate[] = [];
      for (const f of compounds.features) {
        const ring = outerRing(f.geometry);
        if (ring) next.push({ id: f.properties.id, text: f.properties.name, kind: 'compound', at: labelPoint(ring), weight: f.properties.households });
      }
      for (const f of buildings.features) {
        const ring = outerRing(f.geometry);
        const text = buildingLabel(f.properties.address);
        if (ring && text) next.push({ id: f.properties.id, text, kind: 'building', at: labelPoint(ring), weight: f.properties.households });
      }
      // Compounds before buildings; the bigger first within each.
      candidates = next.sort((a, b) => (a.kind === b.kind ? b.weight - a.weight : a.kind === 'compound' ? -1 : 1));
      for (const el of elements.values()) el.remove();
      elements.clear();
      queue();
    },
  };
}
