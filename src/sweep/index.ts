// Hyper-parameter sweeps on cached features (chapter 06, `kombat sweep`).

export * from './data';
export * from './figures';
export * from './save';
export * from './space';
export * from './sweep';
export * from './table';
