// The chapters in Jupyter: the notebook server (`kombat notebook`) with the checkout's own kernel
// (`kombat kernel`), figures shown as a cell's output, and long cells' progress in one output updated in place.

export * from './display';
export * from './figure';
export * from './kernel';
export * from './progress';
export * from './server';
