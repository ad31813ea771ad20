/**
 * The numeric core of `genforge eval`: pure functions on feature matrices, one file per metric.
 */

export * from './features.js';
export { dotBlock, distanceBlock, nearestNeighbours, rowSqNorms } from './distance.js';
export * from './fid.js';
export { symmetricEigen, type SymmetricEigen } from './linalg.js';
export * from './kid.js';
export * from './prdc.js';
export * from './inception-score.js';
export * from './coverage.js';
export * from './memorization.js';
