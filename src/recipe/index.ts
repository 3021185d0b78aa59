// The recipe's public surface: the built-in steps, the one probe, the one quoting function.
export type * from './types.js';
export { ProbeParseError } from './errors.js';
export { shellQuote } from './quote.js';
export { buildProbeScript, parseProbeOutput } from './probe/probe.js';
export { builtinSteps } from './steps/index.js';
export * from './catalogue.js';
export { loadUserRecipe, checkRecipeDocument, placeUserSteps } from './user-recipe.js';
export { listClusterData, totalDataKiB, type DataItem } from './cluster-data.js';
