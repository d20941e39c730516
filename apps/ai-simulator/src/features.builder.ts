import type { GraphFile } from './graph-file';
import { stableScore } from './stable-hash';

const DIMENSIONS = 8;

/** A small stand-in for the pipeline's feature file: one deterministic vector per node. */
export function buildFeatures(graph: GraphFile) {
  return {
    model: 'ai-simulator',
    dimensions: DIMENSIONS,
    nodes: graph.nodes.map((node) => ({
      id: node.id,
      orig_id: node.orig_id,
      embedding: Array.from({ length: DIMENSIONS }, (_, axis) => stableScore(`${node.orig_id}:${axis}`, -1, 1)),
    })),
  };
}
