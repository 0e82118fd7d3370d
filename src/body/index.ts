// The body model: subjects, poses, actions and drawing. Pure TypeScript (no Node modules), shared by
// the synthetic-recording renderer and the browser game.

export * from './actions';
export * from './draw';
export * from './pose';
export * from './subject';
export * from './vec';
