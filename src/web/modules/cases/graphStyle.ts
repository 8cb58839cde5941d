/**
 * How the chain graph draws a node, in one place so the legend shows exactly what the nodes are: the colour is the
 * cluster's (a case and its F1 in full colour, an F2 as a pale tint of it) and the kind is the size (case > F1 > F2).
 */
import type { GraphData } from '../../lib/api-types.ts';

const PALETTE = [
  '#d62728',
  '#1f77b4',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#393b79',
  '#ad494a',
  '#637939',
];

/** What a focused cluster's neighbours turn into. */
export const MUTED = '#d5dae1';

export type NodeKind = 'case' | 'f1' | 'f2';

export function clusterColour(cluster: number): string {
  return PALETTE[cluster % PALETTE.length] as string;
}

/** `colour` mixed with white (`amount` 0 = unchanged, 1 = white), as #rrggbb. */
export function tint(colour: string, amount: number): string {
  const n = Number.parseInt(colour.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * amount);
  return `#${[(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => mix(c).toString(16).padStart(2, '0')).join('')}`;
}

/** A node of the API as the kind drawn: a case, else a contact at their degree (F1 when the server did not say). */
export function kindOf(node: GraphData['nodes'][number]): NodeKind {
  if (node.kind === 'case') return 'case';
  return node.degree === 2 ? 'f2' : 'f1';
}

export function nodeColour(kind: NodeKind, cluster: number): string {
  const colour = clusterColour(cluster);
  return kind === 'f2' ? tint(colour, 0.55) : colour;
}

/** Node radius in pixels at the default zoom: small graphs get bigger dots, big ones stay light. */
export function nodeSize(kind: NodeKind, small: boolean): number {
  if (kind === 'case') return small ? 9 : 5;
  if (kind === 'f1') return small ? 5 : 2.5;
  return small ? 3.5 : 1.8;
}

/**
 * Labels are drawn for nodes at least this many pixels wide: every case of a small graph at once, its F1 and F2 once
 * zoomed in (sigma grows nodes with the zoom); any node's label on hover.
 */
export function labelThreshold(small: boolean): number {
  return small ? 7 : 6;
}
