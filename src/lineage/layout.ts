/**
 * A layered (Sugiyama-style) layout for small lineage graphs, drawn as SVG
 * by the compliance report: longest-path layers so every edge points right,
 * then a few barycenter sweeps to reduce crossings. Cycles (rare in lineage,
 * but possible when a job reads and rewrites a table) are broken by ignoring
 * the edges that close them; those are drawn dashed.
 *
 * @module
 */

/** A node placed by {@link layeredLayout}. */
export interface PlacedNode {
  id: number;
  layer: number;
  order: number;
  x: number;
  y: number;
}

/** Sizes of the drawing. */
export interface LayoutOptions {
  nodeWidth?: number;
  nodeHeight?: number;
  layerGap?: number;
  rowGap?: number;
  sweeps?: number;
}

/** Defaults of {@link layeredLayout}. */
export const LAYOUT_DEFAULTS = Object.freeze({ nodeWidth: 240, nodeHeight: 46, layerGap: 90, rowGap: 24, sweeps: 4 });

/** The result: node positions, which edges close a cycle, and the canvas size. */
export interface Layout {
  nodes: PlacedNode[];
  backEdges: Set<number>;
  width: number;
  height: number;
}

/**
 * Lay out `n` nodes joined by `edges` ([from, to] pairs) in layers, left to
 * right. `rank` breaks ties in the initial order (smaller first).
 */
export function layeredLayout(n: number, edges: readonly (readonly [number, number])[], rank: (id: number) => string = String, options: LayoutOptions = {}): Layout {
  const o = { ...LAYOUT_DEFAULTS, ...options };
  const preds: number[][] = Array.from({ length: n }, () => []);
  const succs: number[][] = Array.from({ length: n }, () => []);
  const indeg = new Array<number>(n).fill(0);
  edges.forEach(([a, b]) => {
    if (a === b) return;
    preds[b]!.push(a);
    succs[a]!.push(b);
    indeg[b]!++;
  });
  // Kahn's algorithm; when stuck on a cycle, release the lowest-ranked node still waiting.
  const layer = new Array<number>(n).fill(0);
  const done = new Array<boolean>(n).fill(false);
  const order: number[] = [];
  const ready = [...Array(n).keys()].filter((i) => indeg[i] === 0);
  while (order.length < n) {
    if (ready.length === 0) {
      const waiting = [...Array(n).keys()].filter((i) => !done[i]).sort((a, b) => (rank(a) < rank(b) ? -1 : 1));
      ready.push(waiting[0]!);
    }
    const v = ready.shift()!;
    if (done[v]) continue;
    done[v] = true;
    order.push(v);
    for (const p of preds[v]!) if (done[p] && p !== v) layer[v] = Math.max(layer[v]!, layer[p]! + 1);
    for (const s of succs[v]!) if (!done[s] && --indeg[s]! === 0) ready.push(s);
  }
  const backEdges = new Set<number>();
  edges.forEach(([a, b], i) => {
    if (layer[a]! >= layer[b]!) backEdges.add(i);
  });
  const layers: number[][] = [];
  for (const v of order) (layers[layer[v]!] ??= []).push(v);
  for (const l of layers) l.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
  const pos = new Array<number>(n).fill(0);
  const index = () => layers.forEach((l) => l.forEach((v, i) => (pos[v] = i)));
  index();
  for (let s = 0; s < o.sweeps; s++) {
    const forward = s % 2 === 0;
    const seq = forward ? layers.slice(1) : layers.slice(0, -1).reverse();
    for (const l of seq) {
      const bary = new Map<number, number>();
      for (const v of l) {
        const nb = (forward ? preds[v]! : succs[v]!).filter((u) => layer[u] !== layer[v]);
        bary.set(v, nb.length === 0 ? pos[v]! : nb.reduce((acc, u) => acc + pos[u]!, 0) / nb.length);
      }
      l.sort((a, b) => bary.get(a)! - bary.get(b)! || pos[a]! - pos[b]!);
      l.forEach((v, i) => (pos[v] = i));
    }
  }
  const tallest = Math.max(1, ...layers.map((l) => l.length));
  const height = tallest * o.nodeHeight + (tallest - 1) * o.rowGap + 2 * o.rowGap;
  const nodes: PlacedNode[] = [];
  layers.forEach((l, li) => {
    const span = l.length * o.nodeHeight + (l.length - 1) * o.rowGap;
    const top = (height - span) / 2;
    l.forEach((v, i) => nodes.push({ id: v, layer: li, order: i, x: o.rowGap + li * (o.nodeWidth + o.layerGap), y: top + i * (o.nodeHeight + o.rowGap) }));
  });
  nodes.sort((a, b) => a.id - b.id);
  const width = 2 * o.rowGap + layers.length * o.nodeWidth + Math.max(0, layers.length - 1) * o.layerGap;
  return { nodes, backEdges, width, height };
}
