// Hyper-parameter sweeps on cached features (chapter 06, `kombat sweep`).
export * from './space';
export * from './sweep';
export * from './data';
export * from './save';
export * from './table';
export * from './figures';
