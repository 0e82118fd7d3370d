// Training the head: the model, seeded training, the article's and the corrected set-ups, one run
// end to end, training on any folder, and the layer study.

export * from './cv';
export * from './folder';
export * from './head';
export * from './layer-study';
export * from './parallel';
export * from './presets';
export * from './run';
export * from './setups';
export * from './train';
