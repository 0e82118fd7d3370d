// The chapters in Jupyter: the notebook server (`kombat notebook`), figures shown as a cell's output,
// and long cells' progress in one output updated in place.

export * from './display';
export * from './figure';
export * from './progress';
export * from './server';
